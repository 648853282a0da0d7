#include "matrix/check/log_matching.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(LogMatching, SameTermAtIndexButDifferentPrefixIsAViolation) {
  LogMatching c(8);
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 2, 3});
  b.log.Terms({1, 1, 2, 3});
  b.log.Set(2, 1, 424242);  // same term at index 2, different entry
  a.state.commit_index = 4;
  b.state.commit_index = 4;
  a.Step(c, 1);
  EXPECT_EQ(c.violation_count(), 0u);
  b.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  const std::string& m = c.violations()[0].message;
  EXPECT_NE(m.find("both hold index 4 with term 3 but differ at index 2"), std::string::npos) << m;
}

TEST(LogMatching, SameIndexAndTermButDifferentEntryIsAViolation) {
  LogMatching c(8);
  FakeNode a(1), b(2);
  a.log.Terms({1, 2});
  b.log.Terms({1});
  b.log.Set(2, 2, 99);
  a.Step(c, 1);
  b.Step(c, 2);
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(LogMatching, DivergentUncommittedTailsOfDifferentTermsAreFine) {
  LogMatching c(8);
  FakeNode a(1), b(2), d(3);
  a.log.Terms({1, 1, 2, 2});
  b.log.Terms({1, 1, 3});
  d.log.Terms({1});
  a.state.commit_index = 2;
  b.state.commit_index = 2;
  a.Step(c, 1);
  b.Step(c, 2);
  d.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_GT(c.comparisons(), 0u);
}

TEST(LogMatching, CrashedNodesAreNotCompared) {
  LogMatching c(8);
  FakeNode a(1), b(2);
  a.log.Terms({1, 1});
  b.log.Terms({1});
  b.log.Set(2, 1, 7);
  a.Step(c, 1);
  c.OnCrash(2, 1);
  b.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 0u);
}

TEST(LogMatching, WindowIsBounded) {
  // A divergence far below both commit indexes is outside the window.
  LogMatching c(4);
  FakeNode a(1), b(2);
  std::vector<uint64_t> terms(100, 1);
  a.log.Terms(terms);
  b.log.Terms(terms);
  b.log.Set(3, 1, 5);
  a.state.commit_index = b.state.commit_index = 100;
  a.Step(c, 1);
  b.Step(c, 2);
  EXPECT_EQ(c.violation_count(), 0u);
  // Near the commit index it is caught.
  b.log.Set(98, 1, 5);
  b.state.commit_index = 99;
  b.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check
