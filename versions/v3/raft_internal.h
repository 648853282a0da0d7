// Helpers shared by the files of the Raft core (raft*.cc): not part of the
// `raft` library's interface.
#ifndef RAFTLOG_VERSIONS_V3_RAFT_INTERNAL_H_
#define RAFTLOG_VERSIONS_V3_RAFT_INTERNAL_H_

#include <string>
#include <vector>

#include "snapshots/state.h"
#include "versions/api/node.h"
#include "versions/v3/raft.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3::raft_internal {

// "{1,2,3}": a sorted id list as audit details print it.
std::string VotersString(const std::vector<api::NodeId>& voters);

// The configuration a CONFIG entry at `index` carries.
ConfigState ConfigFromChange(const wire::v3::ConfigChange& cc, uint64_t index);

// Format 3's metadata section (informational only: no reader needs it, the
// downgrade to format 2 drops it). Keys: snapshots/format3/constants.h, plus
// the cluster-version history.
inline constexpr char kMetaClusterVersionHistory[] = "cluster_version_history";

// The cluster-version history a format-3 snapshot's metadata recorded, or "".
std::string InheritedHistory(const snapshots::SnapshotState& st);

}  // namespace raftlog::v3::raft_internal

#endif  // RAFTLOG_VERSIONS_V3_RAFT_INTERNAL_H_
