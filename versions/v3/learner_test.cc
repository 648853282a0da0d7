// Learners (cluster version 2): a learner receives replication (entries and
// format-2 snapshots) but neither campaigns nor counts for commit; a caught-up
// learner is promoted to voter by one single-server change.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/test_util.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v3::testing;  // NOLINT

uint64_t Counter(Pump& p, NodeId id, const std::string& name) {
  std::map<std::string, uint64_t> c = p.node(id)->Counters();
  auto it = c.find(name);
  return it == c.end() ? 0 : it->second;
}

bool HasAudit(Pump& p, NodeId id, const std::string& kind, const std::string& part) {
  for (const api::AuditEvent& a : p.audit(id)) {
    if (a.kind == kind && absl::StrContains(a.detail, part)) return true;
  }
  return false;
}

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;
  uint64_t seq = 1;

  explicit Cluster(uint64_t seed, uint64_t snapshot_threshold = 1000) {
    rel->election_ticks[1] = 3;  // node 1 leads
    pump = std::make_unique<Pump>(
        MakeMixedPump({1, 2, 3}, seed, rel, TestNodeOptions(snapshot_threshold)));
  }
  Pump& p() { return *pump; }
  // `version` 0: as high as every member speaks (3: all run v3).
  void StartAndFinalize(uint32_t version = 0) {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
    std::optional<api::Reply> r = p().Submit(1, Finalize(9, 1, version), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok());
    p().Steps(3);
  }
  std::optional<api::Reply> Ask(const api::Request& r, int steps = 30) {
    return p().Submit(1, r, steps);
  }
  void Put(int n) {
    for (int i = 0; i < n; ++i) {
      std::optional<api::Reply> r =
          p().SubmitToLeader(testing::Put(1, seq, absl::StrCat("k", seq), "v"), 200);
      ++seq;
      ASSERT_TRUE(r.has_value() && r->status.ok());
    }
  }
};

TEST(Learner, RefusedBeforeFinalizeEvenInAnAllV3Cluster) {
  Cluster c(41);
  ASSERT_TRUE(c.p().StartAll().ok());
  ASSERT_EQ(c.p().RunUntilLeader(100), 1u);
  c.p().Steps(3);
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  std::optional<api::Reply> r = c.Ask(AddLearner(9, 1, 4));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r->status.message(), "requires cluster version 2")) << r->status;
  EXPECT_TRUE(c.p().node(1)->State().config.learners.empty());
}

TEST(Learner, ReplicatesButDoesNotCountForCommitThenIsPromoted) {
  Cluster c(42);
  c.StartAndFinalize();
  c.Put(3);
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());  // joins empty: waits for a leader
  std::optional<api::Reply> r = c.Ask(AddLearner(9, 1, 4));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  c.Put(3);
  c.p().Steps(5);
  api::ProtocolState s4 = c.p().node(4)->State();
  EXPECT_EQ(s4.role, api::Role::kLearner);
  EXPECT_EQ(s4.config.learners, (std::vector<NodeId>{4}));
  EXPECT_EQ(s4.config.voters, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(s4.applied_index, c.p().node(1)->State().commit_index);
  EXPECT_EQ(s4.kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(s4.cluster_version, 3u);
  for (NodeId id : {1, 2, 3, 4}) {
    EXPECT_TRUE(HasAudit(c.p(), id, "config_change", "add_learner node=4 voters={1,2,3} learners={4}"))
        << id;
  }
  // Again: nothing to do. A voter is not a learner.
  r = c.Ask(AddLearner(9, 2, 4));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok());
  r = c.Ask(AddLearner(9, 3, 2));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  r = c.Ask(AddVoter(9, 4, 4));  // a learner becomes voter only by promotion
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);

  // Does not count for commit: with voters 2 and 3 down, leader + learner
  // are two of four nodes but one of three voters: nothing commits.
  c.p().Crash(2, false);
  c.p().Crash(3, false);
  const uint64_t commit = c.p().node(1)->State().commit_index;
  std::optional<api::Reply> stuck = c.p().Submit(1, Put(1, c.seq++, "x", "y"), 8);
  EXPECT_FALSE(stuck.has_value());
  EXPECT_EQ(c.p().node(1)->State().commit_index, commit);
  EXPECT_GT(c.p().node(4)->State().last_index, commit);  // it has the entry all the same
  // Never campaigns, even with no leader to hear from (node 1 steps down by
  // check-quorum once it misses a quorum).
  c.p().Steps(60);
  EXPECT_EQ(Counter(c.p(), 4, api::kCounterElections), 0u);
  EXPECT_EQ(Counter(c.p(), 4, "pre_votes_started"), 0u);
  ASSERT_TRUE(c.p().Restart(2).ok());
  ASSERT_TRUE(c.p().Restart(3).ok());
  NodeId leader = c.p().RunUntilLeader(300);
  ASSERT_NE(leader, 0u);
  ASSERT_NE(leader, 4u);
  c.Put(1);
  c.p().Steps(5);

  // Promotion of a caught-up learner.
  r = c.p().Submit(leader, PromoteLearner(9, 5, 4), 30);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  c.p().Steps(3);
  s4 = c.p().node(4)->State();
  EXPECT_EQ(s4.config.voters, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_TRUE(s4.config.learners.empty());
  EXPECT_EQ(s4.role, api::Role::kFollower);
  EXPECT_TRUE(HasAudit(c.p(), 4, "config_change", "promote_learner node=4 voters={1,2,3,4}"));
  // Now it counts: with 2 and 3 down nothing commits, with 3 down it does.
  c.p().Crash(3, false);
  c.Put(1);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

TEST(Learner, PromotionWaitsUntilCaughtUpAndRemovalWorks) {
  Cluster c(43);
  c.StartAndFinalize();
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  std::optional<api::Reply> r = c.Ask(AddLearner(9, 1, 4));
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.p().Steps(3);
  c.p().Isolate(4);
  c.Put(3);
  r = c.Ask(PromoteLearner(9, 2, 4), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kUnavailable) << r->status;
  EXPECT_TRUE(absl::StrContains(r->status.message(), "not caught up")) << r->status;
  r = c.Ask(PromoteLearner(9, 3, 2), 0);  // a voter already
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok());
  r = c.Ask(PromoteLearner(9, 4, 7), 0);  // not a member at all
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  // Removing the learner (kRemoveVoter of a learner).
  c.p().Heal(4);
  r = c.Ask(RemoveVoter(9, 5, 4));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  c.p().Steps(3);
  EXPECT_TRUE(c.p().node(1)->State().config.learners.empty());
  EXPECT_TRUE(c.p().node(4)->State().config.learners.empty());  // got the entry removing it
  EXPECT_TRUE(HasAudit(c.p(), 1, "config_change", "remove_learner node=4 voters={1,2,3} learners={}"));
}

// A learner that joins after compaction gets a format-2 snapshot carrying the
// learner list, and knows it is a learner after a restart (at cluster
// version 2, as with a v2 member: format 2 is what cluster version 2 writes).
TEST(Learner, JoinsThroughAFormat2SnapshotThatCarriesTheLearners) {
  Cluster c(44, /*snapshot_threshold=*/5);
  c.StartAndFinalize(/*version=*/2);
  c.Put(12);
  ASSERT_GT(c.p().node(1)->State().snapshot_index, 0u);
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  std::optional<api::Reply> r = c.Ask(AddLearner(9, 1, 4));
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.Put(8);  // another compaction, with the learner in its configuration
  c.p().Steps(10);
  api::ProtocolState s4 = c.p().node(4)->State();
  EXPECT_GE(Counter(c.p(), 4, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_EQ(s4.snapshot_format, 2u);
  EXPECT_EQ(s4.kv_digest, c.p().node(1)->State().kv_digest);
  ASSERT_GT(c.p().node(1)->State().snapshot_index, c.p().node(1)->State().config_index);
  c.p().Crash(4, false);
  ASSERT_TRUE(c.p().Restart(4).ok());
  s4 = c.p().node(4)->State();
  EXPECT_EQ(s4.role, api::Role::kLearner);
  EXPECT_EQ(s4.config.learners, (std::vector<NodeId>{4}));
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

}  // namespace
}  // namespace raftlog::v3
