#include "matrix/sim/shrink.h"

#include "gtest/gtest.h"
#include "matrix/sim/fake_node.h"
#include "matrix/sim/linearizability.h"

namespace raftlog::sim {
namespace {

TEST(Shrink, BrokenFakeShrinksToAFewEvents) {
  SimOptions o;
  o.cluster.tags = {"fake_broken", "fake_broken", "fake_broken"};
  o.cluster.find_release = &fake::FindFakeRelease;
  o.duration_us = 3'000'000;
  o.liveness_us = 1'000'000;
  o.workload.clients = 3;
  o.workload.keys = 3;
  o.faults.crashes_per_min = 40;
  o.faults.partitions_per_min = 20;
  o.faults.clock_jumps_per_min = 20;
  o.faults.leader_target = 0.5;
  o.lin_check = [](const lin::History& h) { return CheckHistory(h); };
  // Find a failing seed.
  SimResult first;
  Plan plan;
  for (o.seed = 1; o.seed < 20; ++o.seed) {
    plan = MakePlan(o);
    first = Simulate(o, plan);
    if (first.failed()) break;
  }
  ASSERT_TRUE(first.failed()) << "no failing seed for the broken fake";
  ASSERT_GT(plan.size(), 50u);
  ShrinkResult s = Shrink(o, plan, 400);
  EXPECT_TRUE(s.reproduced);
  EXPECT_TRUE(s.result.failed()) << s.result.Summary();
  EXPECT_LE(s.plan.size(), 8u) << s.plan.ToString(true) << s.log;
  EXPECT_GE(s.plan.faults.size(), 1u) << s.plan.ToString(true);  // needs a crash
  // The shrunk plan fails on its own, deterministically.
  SimResult r = Simulate(s.options, s.plan);
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.digest, s.result.digest);
  EXPECT_NE(s.story.find("crash"), std::string::npos) << s.story;
  EXPECT_NE(s.story.find("invoke"), std::string::npos) << s.story;
  std::cout << "seed " << o.seed << ": " << plan.size() << " events shrunk to " << s.plan.size()
            << " in " << s.runs << " runs\n"
            << s.plan.ToString(true) << s.result.Summary() << "trace:\n"
            << s.story;
}

TEST(Shrink, PassingRunIsNotReproduced) {
  SimOptions o;
  o.cluster.tags = {"fake", "fake", "fake"};
  o.cluster.find_release = &fake::FindFakeRelease;
  o.duration_us = 1'000'000;
  o.liveness_us = 500'000;
  ShrinkResult s = Shrink(o, MakePlan(o), 10);
  EXPECT_FALSE(s.reproduced);
  EXPECT_EQ(s.runs, 1);
}

}  // namespace
}  // namespace raftlog::sim
