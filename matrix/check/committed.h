// The cluster's committed prefix as observed so far: for each log index that
// some node reported committed (commit_index >= index), the entry that node
// held there and the lowest term any node was in when it reported it (an upper
// bound of the term in which the entry was committed).
//
// Shared bookkeeping of the leader-completeness and state-machine-safety
// checkers (each owns its own tracker). Memory is bounded: at most
// `max_entries` indexes are kept; older ones are forgotten in halves.
#ifndef RAFTLOG_MATRIX_CHECK_COMMITTED_H_
#define RAFTLOG_MATRIX_CHECK_COMMITTED_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::check {

class CommittedLog {
 public:
  struct Slot {
    bool known = false;            // some node reported the index committed
    std::optional<api::EntryId> entry;  // nullopt while no reporter held it (compacted)
    uint64_t commit_term = 0;      // lowest reporter term
    api::NodeId reporter = 0;      // node whose entry is recorded
  };
  // A node whose committed entry differs from the recorded one.
  struct Divergence {
    uint64_t index = 0;
    Slot recorded;
    std::optional<api::EntryId> found;
  };

  explicit CommittedLog(size_t max_entries = 1 << 20) : max_entries_(max_entries) {}

  // Records what `step` newly reports committed (indexes above the node's
  // previously observed commit index) and returns where the node's entries
  // differ from the recorded ones. Work is proportional to the commit advance.
  std::vector<Divergence> Observe(const NodeStep& step);
  void OnCrash(api::NodeId id) { node_commit_.erase(id); }

  // Highest committed index observed (0 if none).
  uint64_t max_index() const { return base_ + slots_.size() - 1; }
  // Lowest index still remembered.
  uint64_t min_index() const { return base_; }
  // nullptr when unknown or forgotten.
  const Slot* Find(uint64_t index) const;

 private:
  size_t max_entries_;
  uint64_t base_ = 1;       // index of slots_[0]
  std::vector<Slot> slots_;  // slots_[i] is index base_ + i
  std::map<api::NodeId, uint64_t> node_commit_;  // last commit index seen per node
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_COMMITTED_H_
