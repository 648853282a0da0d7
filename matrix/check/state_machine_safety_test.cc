#include "matrix/check/state_machine_safety.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(StateMachineSafety, DifferentEntryAppliedAtOneIndexIsAViolation) {
  StateMachineSafety c;
  FakeNode a(1), b(2);
  a.applied = {{1, {1, 11}}, {2, {1, 12}}};
  a.Step(c, 1);
  b.applied = {{1, {1, 11}}, {2, {2, 99}}};
  b.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  const std::string& m = c.violations()[0].message;
  EXPECT_NE(m.find("node 2 (v1, term 0) applied (term 2"), std::string::npos) << m;
  EXPECT_NE(m.find("at index 2 but node 1 applied (term 1"), std::string::npos) << m;
  EXPECT_EQ(c.applied_checked(), 4u);
}

TEST(StateMachineSafety, DivergentCommittedEntryIsAViolation) {
  StateMachineSafety c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 2});
  a.state.commit_index = 3;
  a.Step(c, 1);
  b.log.Terms({1, 1, 3});  // index 3 committed as a different entry
  b.state.commit_index = 3;
  b.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find("divergent committed entry at index 3"),
            std::string::npos);
}

TEST(StateMachineSafety, ApplyingTwiceIsAViolationButASnapshotGapIsNot) {
  StateMachineSafety c;
  FakeNode a(1);
  a.applied = {{1, {1, 11}}, {2, {1, 12}}};
  a.Step(c, 1);
  a.applied = {{2, {1, 12}}};
  a.Step(c, 2);
  EXPECT_EQ(c.violation_count(), 1u);
  a.state.snapshot_index = 9;  // installed a snapshot through 9
  a.applied = {{10, {1, 20}}};
  a.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 1u);
  a.applied = {{12, {1, 22}}};  // gap without a snapshot
  a.Step(c, 4);
  EXPECT_EQ(c.violation_count(), 2u);
}

TEST(StateMachineSafety, SameEntriesEverywhereAndRestartsAreFine) {
  StateMachineSafety c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 2});
  b.log.Terms({1, 1, 2});
  a.state.commit_index = 3;
  a.applied = {{1, {1, 1001}}, {2, {1, 1002}}, {3, {2, 2003}}};
  a.Step(c, 1);
  b.state.commit_index = 2;
  b.applied = {{1, {1, 1001}}, {2, {1, 1002}}};
  b.Step(c, 2);
  c.OnCrash(3, 1);  // after a restart, applying from 1 again is legitimate
  a.state.commit_index = 0;
  a.applied = {{1, {1, 1001}}};
  a.Step(c, 4);
  EXPECT_EQ(c.violation_count(), 0u);
}

}  // namespace
}  // namespace raftlog::check
