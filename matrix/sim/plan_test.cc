#include "matrix/sim/plan.h"

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

FaultOptions Busy() {
  FaultOptions f;
  f.crashes_per_min = 30;
  f.partitions_per_min = 30;
  f.clock_jumps_per_min = 10;
  f.storms_per_min = 5;
  f.upgrades_per_min = 10;
  f.upgrade_tags = {"v1", "v2"};
  return f;
}

TEST(Plan, SameSeedSamePlanDifferentSeedDiffers) {
  WorkloadOptions w;
  Plan a = MakePlan(1, Busy(), w, 3, 20'000'000, 25'000'000);
  Plan b = MakePlan(1, Busy(), w, 3, 20'000'000, 25'000'000);
  Plan c = MakePlan(2, Busy(), w, 3, 20'000'000, 25'000'000);
  EXPECT_EQ(a.ToString(true), b.ToString(true));
  EXPECT_NE(a.ToString(true), c.ToString(true));
  EXPECT_GT(a.faults.size(), 20u);
  for (size_t i = 1; i < a.faults.size(); ++i) EXPECT_LE(a.faults[i - 1].time_us, a.faults[i].time_us);
  for (const Fault& f : a.faults) {
    EXPECT_GE(f.time_us, 500'000u);
    EXPECT_LT(f.time_us, 20'000'000u);
    EXPECT_LE(f.node, 3u);
  }
}

TEST(Plan, IntensityScalesAndZeroMeansNoFaults) {
  WorkloadOptions w;
  FaultOptions f = Busy();
  f.intensity = 0;
  EXPECT_TRUE(MakePlan(1, f, w, 3, 20'000'000, 20'000'000).faults.empty());
  f.intensity = 4;
  EXPECT_GT(MakePlan(1, f, w, 3, 20'000'000, 20'000'000).faults.size(),
            3 * MakePlan(1, Busy(), w, 3, 20'000'000, 20'000'000).faults.size());
}

TEST(Plan, SubPlanKeepsTheChosenEvents) {
  WorkloadOptions w;
  w.clients = 2;
  Plan p = MakePlan(3, Busy(), w, 3, 5'000'000, 5'000'000);
  ASSERT_GT(p.faults.size(), 2u);
  size_t nf = p.faults.size();
  Plan s = SubPlan(p, {1, nf, nf + 2});
  ASSERT_EQ(s.faults.size(), 1u);
  ASSERT_EQ(s.ops.size(), 2u);
  EXPECT_EQ(FaultString(s.faults[0]), FaultString(p.faults[1]));
  EXPECT_EQ(ClientOpString(s.ops[1]), ClientOpString(p.ops[2]));
  EXPECT_NE(p.ToString().find("crash"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::sim
