// Seeded random faults (isolation, crashes with torn writes, restarts) while
// a client writes, on the two paths v1's own random test does not cover:
// a cluster after finalize (pre-vote, check-quorum, format-2 chunked
// installs), and a rolling upgrade from v1 with auto-finalize, where the
// cluster version rises in the middle of the faults. Safety holds at every
// step; once healed every node converges.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/test_util.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v3::testing;  // NOLINT

const std::vector<NodeId> kIds = {1, 2, 3, 4, 5};

bool RunUntilConverged(Pump& p, NodeId leader, int max_steps) {
  for (int i = 0; i < max_steps; ++i) {
    bool done = p.queued() == 0;
    uint64_t target = p.node(leader)->State().commit_index;
    for (NodeId id : kIds) {
      if (p.node(id)->State().applied_index < target) done = false;
    }
    if (done) return true;
    p.Step();
  }
  return false;
}

// `rolling`: nodes 3, 4, 5 start on v1 and move to v2 one by one (on a
// restart after round 10, 20, 30); auto-finalize raises the cluster version
// once all have. Otherwise all run v2 and the cluster is finalized first.
void RunRandomFaults(uint64_t seed, bool rolling) {
  auto rel = std::make_shared<MixedReleases>();
  if (rolling) rel->release = {{3, "v1"}, {4, "v1"}, {5, "v1"}};
  api::NodeOptions o = TestNodeOptions(/*snapshot_threshold=*/15);
  o.auto_finalize = rolling;
  Pump p = MakeMixedPump(kIds, seed, rel, o);
  ASSERT_TRUE(p.StartAll().ok());
  if (!rolling) {
    NodeId leader = p.RunUntilLeader(100);
    ASSERT_NE(leader, 0u);
    p.Steps(3);
    std::optional<api::Reply> r = p.Submit(leader, Finalize(9, 1), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
  }
  api::SeededRandom rnd(seed);
  uint64_t seq = 0;
  for (int round = 0; round < 40; ++round) {
    if (rolling && round % 10 == 0 && round > 0) {
      NodeId next = 2 + round / 10;  // 3, 4, 5
      if (p.node(next) != nullptr) p.Crash(next, /*tear=*/false);
      rel->release[next] = "v3";
      ASSERT_TRUE(p.Restart(next).ok()) << "seed " << seed;
    }
    NodeId victim = 1 + rnd.Uniform(5);
    switch (rnd.Uniform(4)) {
      case 0: p.Isolate(victim); break;
      case 1: p.Heal(victim); break;
      case 2:
        if (p.node(victim) != nullptr) p.Crash(victim, /*tear=*/true);
        break;
      default:
        if (p.node(victim) == nullptr) {
          ASSERT_TRUE(p.Restart(victim).ok());
        }
        break;
    }
    NodeId leader = p.Leader();
    if (leader != 0) {
      ++seq;
      p.Submit(leader, Put(1, seq, absl::StrCat("k", seq % 5), absl::StrCat(seq)), 5);
    }
    p.Steps(3);
    ASSERT_EQ(p.violations(), 0u) << p.first_violation() << " seed " << seed;
  }
  p.HealAll();
  for (NodeId id : kIds) {
    if (p.node(id) == nullptr) {
      ASSERT_TRUE(p.Restart(id).ok());
    }
  }
  NodeId leader = p.RunUntilLeader(300);
  ASSERT_NE(leader, 0u) << "seed " << seed;
  ASSERT_TRUE(p.SubmitToLeader(Put(1, ++seq, "final", "x"), 300).has_value()) << "seed " << seed;
  // Time for the leader to hear every member (auto-finalize) and commit.
  p.Steps(10);
  leader = p.Leader();
  ASSERT_NE(leader, 0u) << "seed " << seed;
  ASSERT_TRUE(RunUntilConverged(p, leader, 400)) << "seed " << seed;
  for (NodeId id : kIds) {
    api::ProtocolState s = p.node(id)->State();
    EXPECT_EQ(s.kv_digest, p.node(leader)->State().kv_digest) << "node " << id << " seed " << seed;
    EXPECT_EQ(s.release, "v3");
    // Every node runs v3 now: the cluster version is 3 (auto-finalize did it
    // on the rolling path).
    EXPECT_EQ(s.cluster_version, 3u) << "node " << id << " seed " << seed;
  }
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(RandomFaults, AfterFinalize) {
  for (uint64_t seed = 1; seed <= 6; ++seed) RunRandomFaults(seed, /*rolling=*/false);
}

TEST(RandomFaults, DuringARollingUpgradeWithAutoFinalize) {
  for (uint64_t seed = 1; seed <= 6; ++seed) RunRandomFaults(seed, /*rolling=*/true);
}

}  // namespace
}  // namespace raftlog::v3
