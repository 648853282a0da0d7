// The fault-free reference for a run with crashes: a single node of the same
// release, never crashed and never compacted, fed the same committed commands
// at the same log indices. Its kv_digest is what every replica of the faulty
// run must end with.
//
// kv_digest covers KV pairs and sessions, and a session remembers the index
// its last command was applied at, so indices must match exactly. The faulty
// run's log also holds entries that change neither KV nor sessions (no-ops of
// new leaders, duplicates of retried requests answered from the session,
// bootstrap); the reference fills each such index with a get by client 0,
// which carries no session (ABI: exactly-once is per client id; every
// release so far keeps no session for client 0).
#ifndef RAFTLOG_MATRIX_COMPACTION_REFERENCE_H_
#define RAFTLOG_MATRIX_COMPACTION_REFERENCE_H_

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "versions/api/node.h"

namespace raftlog::compaction {

// `claims`: log index -> the request acknowledged as applied there.
// kFailedPrecondition when the reference cannot place a command at its index
// (a claim below the first index a fresh node appends at, or the node put it
// elsewhere); kInternal when the reference node misbehaves.
absl::StatusOr<uint64_t> ReferenceDigest(const api::ReleaseInfo& release,
                                         const std::map<uint64_t, api::Request>& claims,
                                         uint64_t last_index);

}  // namespace raftlog::compaction

#endif  // RAFTLOG_MATRIX_COMPACTION_REFERENCE_H_
