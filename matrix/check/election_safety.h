// Election safety (Raft paper, figure 3): at most one leader per term, over the
// whole run, across crashes and restarts. A node seen as leader of term T is
// remembered for T forever; any other node later (or earlier) seen leading T
// is a violation.
#ifndef RAFTLOG_MATRIX_CHECK_ELECTION_SAFETY_H_
#define RAFTLOG_MATRIX_CHECK_ELECTION_SAFETY_H_

#include <map>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ElectionSafety : public Checker {
 public:
  ElectionSafety() : Checker("election_safety") {}
  void OnStep(const NodeStep& step) override;
  // Number of distinct terms that had a leader.
  size_t terms_with_leader() const { return leaders_.size(); }

 private:
  struct Seen {
    api::NodeId leader = 0;
    uint64_t since_us = 0;
    bool reported = false;
  };
  std::map<uint64_t, Seen> leaders_;  // term -> first leader seen
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_ELECTION_SAFETY_H_
