#include "matrix/check/election_safety.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(ElectionSafety, TwoLeadersInOneTermIsAViolation) {
  ElectionSafety c;
  FakeNode a(1), b(2);
  a.Role(api::Role::kLeader, 3).Step(c, 10);
  b.Role(api::Role::kFollower, 3).Step(c, 11);
  EXPECT_EQ(c.violation_count(), 0u);
  b.Role(api::Role::kLeader, 3).Step(c, 12);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find("two leaders in term 3: node 1"), std::string::npos)
      << c.violations()[0].message;
  EXPECT_NE(c.violations()[0].message.find("node 2"), std::string::npos);
  // Reported once per term.
  b.Step(c, 13);
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(ElectionSafety, ViolationAcrossTheWholeRunEvenAfterTheFirstStepsDown) {
  ElectionSafety c;
  FakeNode a(1), b(2);
  a.Role(api::Role::kLeader, 5).Step(c, 10);
  a.Role(api::Role::kFollower, 6).Step(c, 20);
  c.OnCrash(30, 1);
  b.Role(api::Role::kLeader, 5).Step(c, 40);  // a stale term-5 leader much later
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(ElectionSafety, OneLeaderPerTermIsFine) {
  ElectionSafety c;
  FakeNode a(1), b(2), d(3);
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  a.Step(c, 2);  // same leader again
  b.Role(api::Role::kLeader, 2).Step(c, 3);
  a.Role(api::Role::kLeader, 3).Step(c, 4);
  d.Role(api::Role::kCandidate, 3).Step(c, 5);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.terms_with_leader(), 3u);
}

}  // namespace
}  // namespace raftlog::check
