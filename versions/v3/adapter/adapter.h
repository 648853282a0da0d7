// The adapter of release v3 to the harness ABI (versions/api/node.h).
// Harness code, not release code: it changes with the ABI and sits outside
// the freeze digest of versions/v3/.
#ifndef RAFTLOG_VERSIONS_V3_ADAPTER_ADAPTER_H_
#define RAFTLOG_VERSIONS_V3_ADAPTER_ADAPTER_H_

#include "versions/api/node.h"

namespace raftlog::v3::adapter {

// tag "v3", protocol 1..3, reads and writes snapshot formats 1, 2 and 3 (2
// only at cluster version 2, 3 only once it is at least 3).
api::ReleaseInfo Release();

}  // namespace raftlog::v3::adapter

#endif  // RAFTLOG_VERSIONS_V3_ADAPTER_ADAPTER_H_
