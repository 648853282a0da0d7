// State machine safety (Raft paper, figure 3): if a node has applied the entry
// at index i, no node ever applies a different entry at i. Checked two ways:
//  - applied: every AppliedEntry a node emits (Ready.applied) is compared with
//    the first one any node applied at that index, over the whole run;
//  - committed: when a node's commit index passes i, the entry it holds at i
//    must be the one recorded for i (whoever reported it first). This is the
//    design's "every replica that holds i holds the leader's entry".
// Applied indexes must also increase by one per node incarnation (no gap, no
// repeat): a repeat would apply a command twice.
#ifndef RAFTLOG_MATRIX_CHECK_STATE_MACHINE_SAFETY_H_
#define RAFTLOG_MATRIX_CHECK_STATE_MACHINE_SAFETY_H_

#include <map>
#include <set>
#include <vector>

#include "matrix/check/checker.h"
#include "matrix/check/committed.h"

namespace raftlog::check {

class StateMachineSafety : public Checker {
 public:
  explicit StateMachineSafety(size_t max_entries = 1 << 20)
      : Checker("state_machine_safety"), committed_(max_entries), max_entries_(max_entries) {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override;
  uint64_t applied_checked() const { return applied_checked_; }

 private:
  bool FirstReport(uint64_t index);
  struct First {
    bool known = false;
    api::EntryId id;
    api::NodeId node = 0;
  };
  CommittedLog committed_;
  size_t max_entries_;
  uint64_t applied_base_ = 1;
  std::vector<First> applied_;              // applied_[i] is index applied_base_ + i
  std::map<api::NodeId, uint64_t> last_applied_;  // per incarnation
  std::set<uint64_t> reported_;             // indexes already reported (bounded by kMaxKept use)
  uint64_t applied_checked_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_STATE_MACHINE_SAFETY_H_
