// Log shortening: a node's log only loses entries to a real term conflict,
// never below what the node knew committed (Raft paper, figure 2,
// AppendEntries rules 3 and 4; figure 13 for snapshots).
//
// For each step the checker compares the node's log with the copy it keeps
// (LogShadow) and finds the lowest index whose entry went away (replaced by
// another entry or cut off the end; entries that moved into a snapshot are
// not gone). It reports:
//  - an entry at or below the node's commit index gone, in any step,
//    including across a crash: the guard is the highest commit index the
//    node reported in its previous incarnation (versions/api/node.h: a node
//    has synced everything its messages depend on, and it only ever
//    committed entries it had synced);
//  - outside a restart, an entry gone without a conflict: the entry now at
//    that index has the same term (an in-place rewrite), or nothing replaced
//    it (the log got shorter), unless a snapshot install at S discarded the
//    log because the node's entry at S had another term than the snapshot
//    (figure 13: a log that agrees at S keeps its entries after S).
// This is what catches a follower that cuts its log on a duplicated or stale
// AppendEntries whose entries it already holds.
// A restart may lose an unsynced tail above the previous commit index (a torn
// append), which is fine here (the commitment checker sees whether a quorum
// relied on it).
#ifndef RAFTLOG_MATRIX_CHECK_LOG_SHORTENING_H_
#define RAFTLOG_MATRIX_CHECK_LOG_SHORTENING_H_

#include <map>

#include "matrix/check/checker.h"
#include "matrix/check/log_shadow.h"

namespace raftlog::check {

class LogShortening : public Checker {
 public:
  LogShortening() : Checker("log_shortening") {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override;
  uint64_t truncations_seen() const { return truncations_seen_; }

 private:
  struct Node {
    uint64_t commit = 0;         // highest commit index of this incarnation
    uint64_t commit_before = 0;  // of the previous incarnation, until the restart step
    int reports = 0;
  };
  static constexpr int kMaxReportsPerNode = 4;
  void Judge(const NodeStep& step, const LogShadow::Change& c, Node& n);

  LogShadow shadow_;
  std::map<api::NodeId, Node> nodes_;
  uint64_t truncations_seen_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_LOG_SHORTENING_H_
