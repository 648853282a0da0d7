#include "matrix/sim/simulation.h"

#include "gtest/gtest.h"
#include "matrix/sim/fake_node.h"
#include "matrix/sim/linearizability.h"

namespace raftlog::sim {
namespace {

SimOptions FakeOptions(uint64_t seed, const char* tag = "fake") {
  SimOptions o;
  o.seed = seed;
  o.cluster.tags = {tag, tag, tag};
  o.cluster.find_release = &fake::FindFakeRelease;
  o.cluster.network.defaults.drop = ToPpm(0.02);
  o.cluster.network.defaults.duplicate = ToPpm(0.02);
  o.cluster.network.defaults.reorder = ToPpm(0.05);
  o.cluster.max_drift_ppm = 20'000;
  o.duration_us = 4'000'000;
  o.liveness_us = 2'000'000;
  o.workload.clients = 4;
  o.workload.keys = 4;
  o.faults.crashes_per_min = 20;
  o.faults.partitions_per_min = 20;
  o.faults.clock_jumps_per_min = 10;
  o.faults.slow_disks_per_min = 10;
  o.faults.storms_per_min = 5;
  o.faults.leader_target = 0;  // the fake cannot elect a new leader
  o.lin_check = [](const lin::History& h) { return CheckHistory(h); };
  return o;
}

TEST(Simulation, CorrectFakeUnderFaultsIsSafeLinearizableAndLive) {
  SimOptions o = FakeOptions(11);
  Plan plan = MakePlan(o);
  EXPECT_GE(plan.faults.size(), 4u);
  SimResult r = Simulate(o, plan);
  EXPECT_EQ(r.safety_violations, 0u) << r.Summary();
  EXPECT_EQ(r.liveness_violations, 0u) << r.Summary();
  EXPECT_TRUE(r.lin.checked);
  EXPECT_TRUE(r.lin.linearizable) << r.lin.detail;
  EXPECT_TRUE(r.read_back_done) << r.Summary();
  EXPECT_GT(r.ops_completed, 100u);
  EXPECT_GT(r.acked_writes, 20u);
  EXPECT_GT(r.cluster.delivered, 1000u);
  EXPECT_GT(r.faults_fired, 3u);
  EXPECT_GE(r.sim_time_us, 6'000'000u);
  EXPECT_NE(r.Summary().find("trace digest"), std::string::npos);
}

TEST(Simulation, SameSeedSameDigestDifferentSeedDiffers) {
  SimOptions o = FakeOptions(21);
  o.lin_check = nullptr;
  SimResult a = Simulate(o, MakePlan(o));
  SimResult b = Simulate(o, MakePlan(o));
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.trace_events, b.trace_events);
  EXPECT_EQ(lin::ToEdn(a.history), lin::ToEdn(b.history));
  o.seed = 22;
  SimResult c = Simulate(o, MakePlan(o));
  EXPECT_NE(a.digest, c.digest);
}

// Run()'s result is the outcome Outcome() reports at its end, plus the
// simulator's own parts (the history among them).
TEST(Simulation, ResultIsTheOutcomePlusTheSimulatorsOwnParts) {
  SimOptions o = FakeOptions(31);
  o.lin_check = nullptr;
  const Plan plan = MakePlan(o);
  Simulation sim(o, plan);
  const SimResult r = sim.Run();
  const RunOutcome again = sim.Outcome(r.read_back_done);
  EXPECT_EQ(r.seed, 31u);
  EXPECT_EQ(r.digest, again.digest);
  EXPECT_EQ(r.trace_events, again.trace_events);
  EXPECT_EQ(r.loop_steps, sim.steps());
  EXPECT_EQ(r.loop_steps, again.loop_steps);
  EXPECT_EQ(r.sim_time_us, again.sim_time_us);
  EXPECT_EQ(r.ops_completed, again.ops_completed);
  EXPECT_EQ(r.faults_fired, again.faults_fired);
  EXPECT_EQ(r.verdicts, again.verdicts);
  EXPECT_EQ(r.trace_tail, again.trace_tail);
  EXPECT_EQ(r.cohorts.size(), again.cohorts.size());
  EXPECT_FALSE(r.cohorts.empty());
  EXPECT_FALSE(r.history.empty());
}

TEST(Simulation, BrokenFakeIsCaught) {
  // Acknowledges before durability; a leader crash loses acknowledged writes.
  int caught = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SimOptions o = FakeOptions(seed, "fake_broken");
    o.faults = FaultOptions();
    o.faults.crashes_per_min = 150;
    o.faults.down_min_us = 20'000;
    o.faults.down_max_us = 100'000;
    o.faults.leader_target = 1.0;
    o.faults.tear_share = 0;
    SimResult r = Simulate(o, MakePlan(o));
    if (r.failed()) ++caught;
    if (r.safety_violations > 0) {
      // The failure artifact: the trace up to the first violation, the nodes.
      EXPECT_NE(r.violation_window.find("crash"), std::string::npos) << r.violation_window;
      EXPECT_NE(r.violation_state_table.find("fake_broken"), std::string::npos);
    }
  }
  EXPECT_GE(caught, 3);
}

TEST(Simulation, RefusedRestartIsRecordedAndHealedWithTheLastGoodRelease) {
  SimOptions o = FakeOptions(3);
  o.faults = FaultOptions();
  o.faults.crashes_per_min = 60;
  o.faults.leader_target = 0;
  o.faults.upgrade_tags = {"fake_refuse"};
  o.faults.down_min_us = 10'000;
  o.faults.down_max_us = 20'000;
  SimResult r = Simulate(o, MakePlan(o));
  EXPECT_GT(r.refusals.size(), 0u);
  for (const Refusal& f : r.refusals) EXPECT_EQ(f.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.safety_violations, 0u) << r.Summary();
  EXPECT_TRUE(r.lin.linearizable) << r.lin.detail;
  EXPECT_NE(r.state_table.find("up"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::sim
