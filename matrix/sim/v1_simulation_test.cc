// Integration: the real release v1 from the registry, simulated under every
// fault model at once, must stay safe, linearizable and live.
#include <map>

#include "gtest/gtest.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/releases.h"
#include "matrix/sim/simulation.h"

namespace raftlog::sim {
namespace {

SimOptions V1Options(uint64_t seed, int nodes) {
  SimOptions o;
  o.seed = seed;
  o.cluster.tags.assign(nodes, "v1");
  o.cluster.find_release = &FindSimRelease;
  o.cluster.max_drift_ppm = 30'000;
  o.cluster.snapshot_threshold = 200;  // compaction and snapshot installs happen
  o.cluster.network.defaults.drop = ToPpm(0.02);
  o.cluster.network.defaults.duplicate = ToPpm(0.02);
  o.cluster.network.defaults.reorder = ToPpm(0.05);
  o.cluster.disk.read_bit_flip = ToPpm(0.0005);
  o.duration_us = 15'000'000;
  o.liveness_us = 5'000'000;
  o.workload.clients = 6;
  o.workload.keys = 5;
  FaultOptions& f = o.faults;
  f.intensity = 2;
  f.crashes_per_min = 4;
  f.stops_per_min = 2;
  f.partitions_per_min = 4;
  f.clock_jumps_per_min = 2;
  f.clock_drifts_per_min = 2;
  f.slow_disks_per_min = 2;
  f.storms_per_min = 1;
  f.membership_per_min = 2;
  f.compactions_per_min = 2;
  f.upgrades_per_min = 2;
  f.upgrade_tags = {"v1"};
  o.lin_check = [](const lin::History& h) { return CheckHistory(h); };
  return o;
}

TEST(V1Simulation, SafeLinearizableAndLiveUnderEveryFault) {
  std::map<std::string, uint64_t> totals;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SimOptions o = V1Options(seed, seed % 2 ? 3 : 5);
    SimResult r = Simulate(o, MakePlan(o));
    SCOPED_TRACE(r.Summary());
    EXPECT_EQ(r.safety_violations, 0u);
    EXPECT_EQ(r.liveness_violations, 0u);
    EXPECT_TRUE(r.lin.checked);
    EXPECT_TRUE(r.lin.linearizable) << r.lin.detail;
    EXPECT_TRUE(r.read_back_done);
    EXPECT_TRUE(r.decode_errors.empty());
    EXPECT_GT(r.ops_completed, 500u);
    totals["faults"] += r.faults_fired;
    totals["leader_changes"] += r.cluster.leader_changes;
    totals["crashes"] += r.cluster.crashes;
    totals["retries"] += 0;
    for (const auto& [k, v] : r.release_counters) totals[k] += v;
  }
  // The faults really happened.
  EXPECT_GT(totals["faults"], 30u);
  EXPECT_GT(totals["crashes"], 3u);
  EXPECT_GT(totals["leader_changes"], 6u);
  EXPECT_GT(totals["compactions"], 6u);
  EXPECT_GT(totals["snapshots_installed"], 0u);
  EXPECT_GT(totals["config_changes_applied"], 0u);
}

TEST(V1Simulation, SameSeedSameDigest) {
  SimOptions o = V1Options(77, 5);
  o.lin_check = nullptr;
  SimResult a = Simulate(o, MakePlan(o));
  SimResult b = Simulate(o, MakePlan(o));
  EXPECT_EQ(a.digest, b.digest);
  o.seed = 78;
  EXPECT_NE(Simulate(o, MakePlan(o)).digest, a.digest);
}

}  // namespace
}  // namespace raftlog::sim

namespace raftlog::sim {
namespace {

TEST(V1Simulation, BitFlipsOnReadAreCaughtByTheReleasesChecksums) {
  // Every Read may return a flipped bit; nodes crash and restart often, so
  // recovery reads its files many times. A caught flip is a clean refusal
  // (kDataLoss) or an ignored copy; never a safety violation.
  uint64_t flips = 0, data_loss_refusals = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SimOptions o = V1Options(seed, 3);
    o.cluster.disk.read_bit_flip = ToPpm(0.3);
    o.faults = FaultOptions();
    o.faults.crashes_per_min = 30;
    o.faults.stops_per_min = 10;
    o.faults.down_min_us = 50'000;
    o.faults.down_max_us = 300'000;
    SimResult r = Simulate(o, MakePlan(o));
    SCOPED_TRACE(r.Summary());
    EXPECT_EQ(r.safety_violations, 0u);
    EXPECT_TRUE(r.lin.linearizable) << r.lin.detail;
    flips += r.disk.bit_flips;
    for (const Refusal& f : r.refusals) {
      if (f.status.code() == absl::StatusCode::kDataLoss) ++data_loss_refusals;
    }
  }
  EXPECT_GT(flips, 5u);
  EXPECT_GT(data_loss_refusals, 0u);
}

}  // namespace
}  // namespace raftlog::sim
