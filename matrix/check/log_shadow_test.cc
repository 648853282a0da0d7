#include "matrix/check/log_shadow.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

// Feeds steps of FakeNodes to a shadow and keeps the last Change.
struct Probe {
  explicit Probe(size_t max_entries = 1 << 17) : shadow(max_entries) {}
  void OnStep(const NodeStep& step) { last = shadow.Observe(step); }
  LogShadow shadow;
  LogShadow::Change last;
};

LogShadow::Change Observe(Probe& probe, FakeNode& n, uint64_t time_us) {
  n.Step(probe, time_us);
  return probe.last;
}

TEST(LogShadow, AppendsAreCopiedAndNothingIsGone) {
  Probe shadow;
  FakeNode a(1);
  a.log.Terms({1, 1});
  EXPECT_TRUE(Observe(shadow, a, 1).first_seen);
  a.log.Terms({1, 2, 2});
  LogShadow::Change c = Observe(shadow, a, 2);
  EXPECT_EQ(c.removed_from, 0u);
  EXPECT_EQ(shadow.shadow.At(1, 5), (api::EntryId{2, 2005}));
  EXPECT_TRUE(shadow.shadow.Holds(1, 3, {1, 1003}));
  EXPECT_FALSE(shadow.shadow.Holds(1, 3, {2, 2003}));
  EXPECT_FALSE(shadow.shadow.Holds(1, 6, {2, 2006}));
}

TEST(LogShadow, FindsTheFirstReplacedIndex) {
  Probe shadow;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1, 1, 1, 1, 1});
  Observe(shadow, a, 1);
  for (uint64_t i = 6; i <= 8; ++i) a.log.entries.erase(i);
  a.log.Terms({3});  // index 6 replaced by term 3, 7 and 8 gone
  LogShadow::Change c = Observe(shadow, a, 2);
  EXPECT_EQ(c.removed_from, 6u);
  EXPECT_EQ(c.old_entry, (api::EntryId{1, 1006}));
  EXPECT_EQ(c.new_entry, (api::EntryId{3, 3006}));
  EXPECT_EQ(shadow.shadow.At(1, 6), (api::EntryId{3, 3006}));
  EXPECT_EQ(shadow.shadow.At(1, 7), std::nullopt);
}

TEST(LogShadow, CompactionIsNotALossAndCountsAsHeld) {
  Probe shadow;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1});
  Observe(shadow, a, 1);
  a.log.entries.erase(1);
  a.log.entries.erase(2);
  a.state.snapshot_index = 2;
  a.state.snapshot_term = 1;
  EXPECT_EQ(Observe(shadow, a, 2).removed_from, 0u);
  EXPECT_TRUE(shadow.shadow.Holds(1, 1, {9, 9}));  // covered by the snapshot
  EXPECT_EQ(shadow.shadow.At(1, 1), std::nullopt);
}

TEST(LogShadow, RestartReportsTheLostTail) {
  Probe shadow;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1});
  Observe(shadow, a, 1);
  shadow.shadow.OnCrash(1);
  EXPECT_TRUE(shadow.shadow.Holds(1, 4, {1, 1004}));  // down: what it synced still counts
  a.log.entries.erase(4);
  LogShadow::Change c = Observe(shadow, a, 2);
  EXPECT_TRUE(c.restarted);
  EXPECT_EQ(c.removed_from, 4u);
  EXPECT_EQ(c.new_entry, std::nullopt);
  EXPECT_FALSE(shadow.shadow.Holds(1, 4, {1, 1004}));
}

TEST(LogShadow, KeepsAtMostMaxEntriesAndTreatsForgottenAsHeld) {
  Probe shadow(4);
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1, 1, 1});
  Observe(shadow, a, 1);
  EXPECT_EQ(shadow.shadow.At(1, 2), std::nullopt);
  EXPECT_TRUE(shadow.shadow.Holds(1, 2, {7, 7}));
  EXPECT_EQ(shadow.shadow.At(1, 3), (api::EntryId{1, 1003}));
}

}  // namespace
}  // namespace raftlog::check
