#include "matrix/sim/clock.h"

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

// Runs the tick schedule up to global time `end`, returning the tick times.
std::vector<uint64_t> TickTimes(SimClock& c, uint64_t& now, uint64_t end) {
  std::vector<uint64_t> out;
  for (int guard = 0; guard < 100000 && c.NextTickAt() <= end; ++guard) {
    now = std::max(now, c.NextTickAt());
    uint64_t n = c.TakeTicks(now, 1000);
    for (uint64_t i = 0; i < n; ++i) out.push_back(now);
  }
  now = end;
  return out;
}

TEST(SimClock, NoDriftTicksEveryInterval) {
  uint64_t now = 0;
  SimClock c(&now, 10'000);
  auto ticks = TickTimes(c, now, 100'000);
  ASSERT_EQ(ticks.size(), 10u);
  EXPECT_EQ(ticks[0], 10'000u);
  EXPECT_EQ(ticks[9], 100'000u);
  EXPECT_EQ(c.NowMicros(), 100'000u);
}

TEST(SimClock, DriftChangesTickRate) {
  uint64_t now = 0;
  SimClock fast(&now, 10'000, /*drift_ppm=*/100'000);  // 10% fast
  EXPECT_EQ(TickTimes(fast, now, 1'000'000).size(), 110u);
  now = 0;
  SimClock slow(&now, 10'000, -100'000);
  EXPECT_EQ(TickTimes(slow, now, 1'000'000).size(), 90u);
  EXPECT_EQ(slow.LocalAt(1'000'000), 900'000u);
}

TEST(SimClock, ForwardJumpDeliversABatchBackwardJumpStalls) {
  uint64_t now = 0;
  SimClock c(&now, 10'000);
  TickTimes(c, now, 50'000);
  EXPECT_EQ(c.ticks(), 5u);
  c.Jump(+35'000);
  EXPECT_LE(c.NextTickAt(), now);
  EXPECT_EQ(c.TakeTicks(now, 100), 3u);  // local 85'000: ticks 6, 7, 8 at once
  EXPECT_EQ(c.NowMicros(), 85'000u);
  c.Jump(-30'000);                       // local 55'000, held at 85'000
  EXPECT_EQ(c.NowMicros(), 85'000u);
  now = 80'000;                          // local 85'000
  EXPECT_EQ(c.TakeTicks(now, 100), 0u);
  EXPECT_EQ(c.NowMicros(), 85'000u);
  now = 90'000;                          // local 95'000: tick 9 (90'000) fires
  EXPECT_EQ(c.TakeTicks(now, 100), 1u);
  EXPECT_EQ(c.NowMicros(), 95'000u);
}

TEST(SimClock, HugeJumpIsCappedByBatch) {
  uint64_t now = 0;
  SimClock c(&now, 10'000);
  c.Jump(1'000'000'000);
  EXPECT_EQ(c.TakeTicks(now, 50), 50u);
  EXPECT_GT(c.NextTickAt(), now);  // the rest were skipped, not queued
}

TEST(SimClock, MonotonicUnderAnySequence) {
  uint64_t now = 0;
  SimClock c(&now, 1000, 5000, 123);
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    now += 37;
    if (i % 97 == 0) c.Jump(i % 2 ? 5000 : -20000);
    if (i % 131 == 0) c.SetDrift((i % 3) * 50'000 - 50'000);
    uint64_t t = c.NowMicros();
    EXPECT_GE(t, last);
    last = t;
  }
}

}  // namespace
}  // namespace raftlog::sim
