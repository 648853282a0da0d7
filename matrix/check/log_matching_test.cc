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
  // Near the commit index it is caught (within one pass of the rotating
  // re-read over the window, as b keeps stepping).
  b.log.Set(98, 1, 5);
  for (int i = 0; i < 8 && c.violation_count() == 0; ++i) {
    ++b.state.term;
    b.Step(c, 3 + i);
  }
  EXPECT_EQ(c.violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(LogMatching, IncrementalCopiesStillSeeTruncations) {
  LogMatching c(8);
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 1, 1});
  b.log.Terms({1, 1, 1, 1});
  a.Step(c, 1);
  b.Step(c, 2);
  uint64_t fetched = c.fetches();
  b.log.Terms({1});  // an append: only index 5 is copied
  b.Step(c, 3);
  EXPECT_EQ(c.fetches(), fetched + 1);
  // b truncates to 2 and appends term-2 entries: noticed, fully re-copied.
  b.log.entries.erase(5);
  b.log.entries.erase(4);
  b.log.entries.erase(3);
  b.log.Terms({2, 2});
  b.Step(c, 4);
  EXPECT_GE(c.fetches(), fetched + 3);
  EXPECT_EQ(c.violation_count(), 0u);
  // a now holds index 4 with term 2 as b does, but a different index 3.
  a.log.entries.erase(4);
  a.log.Set(3, 2, 777);
  a.log.Set(4, 2, 2004);
  a.Step(c, 5);
  EXPECT_EQ(c.violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check
