// Raft core, durable state: recovery from what Storage::Open found, and the
// hard state (term, vote, commit) that must be synced before any output of
// an input leaves the node.
#include "versions/v3/raft.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "versions/v3/raft_internal.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using raft_internal::InheritedHistory;

}  // namespace

absl::Status Raft::Restore(const Recovered& r, const std::vector<NodeId>& bootstrap_voters) {
  if (r.empty) {
    if (!bootstrap_voters.empty()) {
      std::vector<NodeId> voters = bootstrap_voters;
      std::sort(voters.begin(), voters.end());
      voters.erase(std::unique(voters.begin(), voters.end()), voters.end());
      if (voters.front() == 0) return absl::InvalidArgumentError("bootstrap voter id 0");
      wire::v3::ConfigChange cc;
      cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_BOOTSTRAP);
      for (NodeId v : voters) cc.add_voters(v);
      Entry e;
      e.set_index(1);
      e.set_term(1);
      e.set_type(wire::v3::ENTRY_TYPE_CONFIG);
      e.set_data(cc.SerializeAsString());
      if (!AppendToLog({e})) return fatal_;
      // Every bootstrapping voter holds this same entry durably: committed.
      term_ = 1;
      commit_ = 1;
    }
  } else {
    if (r.snapshot.has_value()) {
      const snapshots::SnapshotState& s = *r.snapshot;
      if (s.cluster_version > kMaxProtocol) {  // Node::Start checked already
        return absl::FailedPreconditionError(
            absl::StrCat("snapshot records cluster version ", s.cluster_version,
                         "; v3 speaks at most ", kMaxProtocol));
      }
      log_.Reset(s.last_index, s.last_term);
      kv_.FromSnapshot(s);
      base_config_ = ConfigState{s.voters, s.config_index, s.learners, s.voters_outgoing};
      applied_ = s.last_index;
      snapshot_format_ = r.snapshot_format;
      cv_.Reset(s.last_index, s.cluster_version);
      inherited_cv_history_ = InheritedHistory(s);
    }
    for (const Entry& e : r.entries) log_.Append(e);
    term_ = r.hard_state.term;
    vote_ = r.hard_state.vote;
    commit_ = std::max(r.hard_state.commit, log_.snapshot_index());
    persisted_ = r.hard_state;
    if (commit_ > log_.last_index()) {
      return absl::DataLossError(absl::StrCat("hardstate: commit index ", commit_,
                                              " is beyond the last log index ",
                                              log_.last_index()));
    }
    if (log_.last_term() > term_) {
      return absl::DataLossError(absl::StrCat("hardstate: term ", term_,
                                              " is below the last log term ", log_.last_term()));
    }
    config_ = ConfigAt(log_.last_index());
  }
  ResetForTerm(term_);
  role_ = api::Role::kFollower;
  ApplyCommitted();
  return fatal_;
}

absl::Status Raft::Flush() {
  if (!fatal_.ok()) return fatal_;
  HardState hs{term_, vote_, commit_};
  if (hs != persisted_) {
    if (absl::Status s = storage_->SaveHardState(hs); !s.ok()) {
      Fail(s);
      return fatal_;
    }
    persisted_ = hs;
  }
  return absl::OkStatus();
}

}  // namespace raftlog::v3
