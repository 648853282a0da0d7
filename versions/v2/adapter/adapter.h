// The adapter of release v1 to the harness ABI (versions/api/node.h).
// Harness code, not release code: it changes with the ABI and sits outside
// the freeze digest of versions/v2/.
#ifndef RAFTLOG_VERSIONS_V2_ADAPTER_ADAPTER_H_
#define RAFTLOG_VERSIONS_V2_ADAPTER_ADAPTER_H_

#include "versions/api/node.h"

namespace raftlog::v2::adapter {

// tag "v2", protocol 1..1, reads and writes snapshot format 1.
api::ReleaseInfo Release();

}  // namespace raftlog::v2::adapter

#endif  // RAFTLOG_VERSIONS_V2_ADAPTER_ADAPTER_H_
