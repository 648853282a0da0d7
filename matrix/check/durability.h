// Durability: no acknowledged write is lost.
//
// Two checks here; the value-level one (what a later read returns) belongs to
// linearizability plus a final read-back of every key, run on the history.
//  - acknowledged entry: a write acknowledged at log index i (the replying
//    node's entry there) must be the entry every node holds at i once its
//    commit index passes i;
//  - restart: commit_index must not go backwards across a restart below an
//    acknowledged value. Raft does not persist the commit index itself, so the
//    check is on what recovery can rebuild it from: after a node restarts, its
//    durable log (last_index, or snapshot_index) must still reach the highest
//    acknowledged index it had committed before it went down.
#ifndef RAFTLOG_MATRIX_CHECK_DURABILITY_H_
#define RAFTLOG_MATRIX_CHECK_DURABILITY_H_

#include <map>
#include <set>

#include "matrix/check/checker.h"

namespace raftlog::check {

class Durability : public Checker {
 public:
  Durability() : Checker("durability") {}
  void OnAck(const Ack& ack) override;
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override;
  size_t acks() const { return acks_.size(); }

 private:
  struct Node {
    uint64_t commit = 0;          // last observed commit index (this incarnation)
    bool restarting = false;      // next step is the first after a restart
    uint64_t commit_before = 0;   // commit index when it went down
    uint64_t down_us = 0;
  };
  std::map<uint64_t, Ack> acks_;  // by index; the first ack at an index wins
  std::map<api::NodeId, Node> nodes_;
  std::set<uint64_t> reported_;   // indexes
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_DURABILITY_H_
