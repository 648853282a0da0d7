// Leader completeness (Raft paper, figure 3): an entry committed in term T is
// in the log of every leader of a term >= T, unless that leader compacted it
// below its snapshot.
//
// The term in which an entry was committed is bounded above by the lowest
// term of any node observed with commit_index >= its index (a node learns a
// commit index only from a leader of a term <= its own). Checking leaders of
// terms >= that bound is therefore sound: it never flags a correct cluster.
// Each leader step checks the committed indexes recorded since that leader's
// previous check (all of them at its first step as leader of the term).
#ifndef RAFTLOG_MATRIX_CHECK_LEADER_COMPLETENESS_H_
#define RAFTLOG_MATRIX_CHECK_LEADER_COMPLETENESS_H_

#include <map>
#include <set>
#include <utility>

#include "matrix/check/checker.h"
#include "matrix/check/committed.h"

namespace raftlog::check {

class LeaderCompleteness : public Checker {
 public:
  explicit LeaderCompleteness(size_t max_entries = 1 << 20)
      : Checker("leader_completeness"), committed_(max_entries) {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override;
  uint64_t entries_checked() const { return entries_checked_; }

 private:
  CommittedLog committed_;
  // (node, term) of a leader -> highest committed index checked against it.
  std::map<api::NodeId, std::pair<uint64_t, uint64_t>> cursor_;  // node -> (term, index)
  std::set<std::pair<api::NodeId, uint64_t>> reported_;  // (node, term)
  uint64_t entries_checked_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_LEADER_COMPLETENESS_H_
