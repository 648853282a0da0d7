#include "matrix/check/admission_bound.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

api::Request Put(uint64_t sequence) {
  api::Request r;
  r.client_id = 1;
  r.sequence = sequence;
  r.op = api::Op::kPut;
  r.key = "k";
  return r;
}

void Answer(AdmissionBound& c, const FakeNode& n, uint64_t sequence) {
  api::Reply r;
  r.client_id = 1;
  r.sequence = sequence;
  c.OnReply(ClientReply{5, n.state.id, "v3", n.state.term, n.state.role, &r});
}

TEST(AdmissionBound, HoldingOnePastTheLimitIsAViolation) {
  AdmissionBound c(2);
  c.Enforce(1, true);
  FakeNode n1(1);
  n1.Role(api::Role::kLeader, 2).Step(c, 1);
  for (uint64_t s = 1; s <= 3; ++s) {
    c.OnSubmit(s, 1, Put(s));
    n1.Step(c, s);
    c.OnTime(s);
  }
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find(
                "node 1 holds 3 client requests unanswered (leading term 2), above its "
                "admission limit of 2"),
            std::string::npos)
      << c.violations()[0].message;
}

TEST(AdmissionBound, ARequestRefusedAtOnceOrAnsweredIsNotHeld) {
  AdmissionBound c(2);
  c.Enforce(1, true);
  FakeNode n1(1);
  n1.Role(api::Role::kLeader, 2).Step(c, 1);
  for (uint64_t s = 1; s <= 5; ++s) {
    c.OnSubmit(s, 1, Put(s));
    n1.Step(c, s);
    if (s > 2) Answer(c, n1, s);  // refused: overloaded
    c.OnTime(s);
  }
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.peak(), 2u);
}

TEST(AdmissionBound, ADeposedLeaderDropsWhatItHeldAndUnenforcedNodesQueue) {
  AdmissionBound c(1);
  c.Enforce(1, true);
  c.Enforce(2, false);
  FakeNode n1(1), n2(2);
  n1.Role(api::Role::kLeader, 2).Step(c, 1);
  n2.Role(api::Role::kLeader, 2).Step(c, 1);
  c.OnSubmit(2, 1, Put(1));
  n1.Step(c, 2);
  n1.Role(api::Role::kFollower, 3).Step(c, 3);  // deposed: Put(1) is gone
  n1.Role(api::Role::kLeader, 4).Step(c, 4);
  c.OnSubmit(5, 1, Put(2));
  n1.Step(c, 5);
  for (uint64_t s = 10; s < 15; ++s) c.OnSubmit(s, 2, Put(s));  // no admission control
  c.OnTime(6);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.peak(), 1u);
}

}  // namespace
}  // namespace raftlog::check
