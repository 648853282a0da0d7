#include "versions/v3/raft_internal.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::v3::raft_internal {

using api::NodeId;

std::string VotersString(const std::vector<NodeId>& voters) {
  return absl::StrCat("{", absl::StrJoin(voters, ","), "}");
}

ConfigState ConfigFromChange(const wire::v3::ConfigChange& cc, uint64_t index) {
  ConfigState c;
  c.voters.assign(cc.voters().begin(), cc.voters().end());
  c.learners.assign(cc.learners().begin(), cc.learners().end());
  c.voters_outgoing.assign(cc.voters_outgoing().begin(), cc.voters_outgoing().end());
  c.index = index;
  return c;
}

std::string InheritedHistory(const snapshots::SnapshotState& st) {
  auto it = st.metadata.find(kMetaClusterVersionHistory);
  return it == st.metadata.end() ? std::string() : it->second;
}

}  // namespace raftlog::v3::raft_internal
