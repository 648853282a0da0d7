// Read leadership: a linearizable read is answered only by a node that was
// still the leader, with a state no older than what the cluster had
// committed before the read arrived (Raft thesis section 6.4: ReadIndex, and
// reads through the log), whether or not a client happens to observe it.
//
// Observations: the cluster's highest reported commit index, and per term the
// time its leader first committed an entry of that term (from OnStep); the
// first arrival of each Get at a node (OnSubmit, keyed by client and
// sequence: a retry keeps the first arrival, so the judgement is never
// stricter than for the original request); the replies (OnReply).
// A successful reply to a Get, other than one marked stale (Reply::succeeded)
// answering a request that allowed it (Request::stale_read_ok), is reported
//  - when the replying node's term is below a term whose leader had already
//    committed an entry of its term before the read arrived: that leader's
//    quorum excludes the replier's, so the replier can neither confirm its
//    leadership (ReadIndex) nor commit a log read any more;
//  - when the reply says it reflects the state at an index (Reply::index,
//    when not 0) below the highest index any node reported committed before
//    the read arrived.
// The reference is the read's arrival, not its reply: a correct ReadIndex
// round that began before a new leader was elected may finish after that
// leader committed, and is still linearizable.
// Memory: the first arrival of the last kKeepPerClient Gets of each client,
// and one record per term.
#ifndef RAFTLOG_MATRIX_CHECK_READ_LEADERSHIP_H_
#define RAFTLOG_MATRIX_CHECK_READ_LEADERSHIP_H_

#include <map>
#include <utility>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ReadLeadership : public Checker {
 public:
  static constexpr uint64_t kKeepPerClient = 64;
  static constexpr int kMaxReports = 8;

  ReadLeadership() : Checker("read_leadership") {}
  void OnStep(const NodeStep& step) override;
  void OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) override;
  void OnReply(const ClientReply& reply) override;
  uint64_t reads_judged() const { return reads_judged_; }

 private:
  struct Commit {  // a commit the cluster reported
    uint64_t time_us = 0;
    api::NodeId node = 0;
    uint64_t index = 0;
    uint64_t term = 0;
  };
  struct Arrival {
    uint64_t time_us = 0;
    api::NodeId node = 0;
    bool stale_ok = false;
    Commit highest;    // the highest commit index reported before it arrived
    Commit top_term;   // the first commit of the highest term that committed before
  };

  Commit highest_;
  Commit top_term_;
  std::map<api::NodeId, uint64_t> node_commit_;
  std::map<std::pair<uint64_t, uint64_t>, Arrival> arrivals_;  // by (client, sequence)
  uint64_t reads_judged_ = 0;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_READ_LEADERSHIP_H_
