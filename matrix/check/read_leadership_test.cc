#include "matrix/check/read_leadership.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

std::string First(const Checker& c) {
  return c.violations().empty() ? std::string() : c.violations()[0].message;
}

api::Request Get(uint64_t client, uint64_t sequence, bool stale_ok = false) {
  api::Request r;
  r.client_id = client;
  r.sequence = sequence;
  r.op = api::Op::kGet;
  r.key = "k1";
  r.stale_read_ok = stale_ok;
  return r;
}

api::Reply Answer(uint64_t client, uint64_t sequence, uint64_t index, bool stale = false) {
  api::Reply r;
  r.client_id = client;
  r.sequence = sequence;
  r.index = index;
  r.found = true;
  r.value = "x";
  r.succeeded = stale;
  return r;
}

void Reply(ReadLeadership& c, uint64_t time_us, const FakeNode& n, const api::Reply& r) {
  c.OnReply(ClientReply{time_us, n.state.id, "v1", n.state.term, n.state.role, &r});
}

// Node 1 led term 1 and committed 3; node 2 then led term 2 and committed 4.
void TwoLeaders(ReadLeadership& c, FakeNode& old_leader, FakeNode& new_leader) {
  old_leader.log.Terms({1, 1, 1});
  old_leader.state.commit_index = 3;
  old_leader.state.applied_index = 3;
  old_leader.Role(api::Role::kLeader, 1).Step(c, 1);
  new_leader.log.Terms({1, 1, 1, 2});
  new_leader.state.commit_index = 4;
  new_leader.Role(api::Role::kLeader, 2).Step(c, 10);
}

TEST(ReadLeadership, DeposedLeaderServingAReadIsAViolation) {
  ReadLeadership c;
  FakeNode n1(1), n2(2);
  TwoLeaders(c, n1, n2);
  c.OnSubmit(20, 1, Get(7, 1));
  Reply(c, 21, n1, Answer(7, 1, 3));  // n1 still believes it leads term 1
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 1 (v1, leader, term 1) answered get client 7 seq 1 (arrived at "
                          "node 1 at 20us) found=1 at index 3, but the leader of term 2 (node 2) "
                          "had committed index 4 at 10us, before the read arrived"),
            std::string::npos)
      << First(c);
}

TEST(ReadLeadership, ReadReflectingAnOlderStateThanCommittedIsAViolation) {
  ReadLeadership c;
  FakeNode n1(1), n2(2);
  TwoLeaders(c, n1, n2);
  c.OnSubmit(20, 2, Get(7, 1));
  // The new leader answers from index 3 (e.g. before its own commit was known).
  Reply(c, 21, n2, Answer(7, 1, 3));
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("it reflects index 3 while index 4 was committed (reported by node 2 "
                          "at 10us) before the read arrived"),
            std::string::npos)
      << First(c);
}

TEST(ReadLeadership, CurrentLeaderStaleReadsAndReadsBeganEarlierAreFine) {
  ReadLeadership c;
  FakeNode n1(1), n2(2);
  // A read that arrived at the old leader before the new leader committed:
  // its ReadIndex round may finish afterwards.
  n1.log.Terms({1, 1, 1});
  n1.state.commit_index = 3;
  n1.state.applied_index = 3;
  n1.Role(api::Role::kLeader, 1).Step(c, 1);
  c.OnSubmit(5, 1, Get(7, 1));
  n2.log.Terms({1, 1, 1, 2});
  n2.state.commit_index = 4;
  n2.Role(api::Role::kLeader, 2).Step(c, 10);
  Reply(c, 21, n1, Answer(7, 1, 3));
  // The current leader, with the current state.
  c.OnSubmit(22, 2, Get(7, 2));
  Reply(c, 23, n2, Answer(7, 2, 4));
  // A stale read the client allowed, from the old leader.
  c.OnSubmit(24, 1, Get(8, 1, /*stale_ok=*/true));
  Reply(c, 25, n1, Answer(8, 1, 3, /*stale=*/true));
  // A failed answer and an unknown request say nothing.
  c.OnSubmit(26, 1, Get(9, 1));
  api::Reply refused = Answer(9, 1, 0);
  refused.status = absl::FailedPreconditionError("not the leader");
  Reply(c, 27, n1, refused);
  Reply(c, 28, n1, Answer(10, 1, 1));
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
  EXPECT_EQ(c.reads_judged(), 2u);  // the stale, failed and unknown ones are not
}

}  // namespace
}  // namespace raftlog::check
