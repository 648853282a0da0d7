#include "matrix/check/liveness.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(Liveness, NoCommitAfterHealIsReportedAsLiveness) {
  Liveness c(1000);
  FakeNode a(1);
  a.state.commit_index = 5;
  a.Step(c, 1);
  c.OnTime(5000);  // not armed yet: faults may still be active
  EXPECT_EQ(c.violation_count(), 0u);
  c.OnHealed(10000);
  a.Step(c, 10500);
  c.OnTime(10999);
  EXPECT_EQ(c.violation_count(), 0u);
  c.OnTime(11000);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_TRUE(c.violations()[0].liveness);
  c.OnTime(20000);
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(Liveness, CommitWithinBoundSatisfies) {
  Liveness c(1000);
  FakeNode a(1);
  c.OnHealed(100);
  a.state.commit_index = 1;
  a.Step(c, 600);
  c.Finish(5000);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_TRUE(c.satisfied());
  EXPECT_EQ(c.recovery_us(), 500u);
}

}  // namespace
}  // namespace raftlog::check
