// Pre-vote and check-quorum, used only once the committed cluster version is
// at least 2: before finalize the wire carries no PreVote (v1 peers could not
// read it) and elections behave as v1's; after it a partitioned node does not
// disturb the term when it comes back, and a leader cut off from its quorum
// steps down.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

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

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;
  std::map<std::string, int> types;  // Outbound::type of every message sent
  std::set<api::Role> roles;         // every role any node reported after a tick
  uint64_t seq = 1;

  Cluster(uint64_t seed, std::map<NodeId, std::string> release = {}) {
    rel->release = std::move(release);
    rel->election_ticks[1] = 3;  // node 1 leads first
    pump = std::make_unique<Pump>(MakeMixedPump({1, 2, 3}, seed, rel));
    pump->SetFilter([this](const Pump::Envelope& e) {
      ++types[e.type];
      return true;
    });
  }
  Pump& p() { return *pump; }
  void Start() {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
  }
  void Finalize() {
    std::optional<api::Reply> r = p().Submit(1, testing::Finalize(9, 1), 20);
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->status.ok()) << r->status;
    p().Steps(5);
    // All three run v3: finalize raises the cluster version to 3.
    for (NodeId id : {1, 2, 3}) ASSERT_EQ(p().node(id)->State().cluster_version, 3u);
  }
  // Steps, noting roles after the ticks (when a pre-candidate exists: its
  // pre-vote is decided during the deliveries that follow).
  void Steps(int n) {
    for (int i = 0; i < n; ++i) {
      p().TickAll();
      for (NodeId id : {1, 2, 3}) {
        if (p().node(id) != nullptr) roles.insert(p().node(id)->State().role);
      }
      p().DeliverAll();
    }
  }
  void Put() {
    std::optional<api::Reply> r = p().SubmitToLeader(testing::Put(1, seq, "k", "v"), 300);
    ++seq;
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->status.ok()) << r->status;
  }
  // Crashes the leader and waits for another one.
  NodeId FailOver() {
    NodeId old = p().Leader();
    p().Crash(old, false);
    for (int i = 0; i < 300; ++i) {
      Steps(1);
      NodeId l = p().Leader();
      if (l != 0 && l != old) break;
    }
    NodeId now = p().Leader();
    EXPECT_TRUE(p().Restart(old).ok());
    return now;
  }
};

TEST(PreVote, NotUsedBeforeFinalize) {
  Cluster c(31);
  c.Start();
  c.Put();
  NodeId next = c.FailOver();
  ASSERT_NE(next, 0u);
  ASSERT_NE(next, 1u);
  c.Put();
  EXPECT_EQ(c.types.count("PreVote"), 0u);
  EXPECT_EQ(c.types.count("PreVoteResponse"), 0u);
  EXPECT_GE(c.types["RequestVote"], 1);
  EXPECT_EQ(c.roles.count(api::Role::kPreCandidate), 0u);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(Counter(c.p(), id, "pre_votes_started"), 0u);
}

TEST(PreVote, NotUsedInAMixedClusterEvenByV3Nodes) {
  Cluster c(32, {{2, "v1"}});
  c.Start();
  c.Put();
  NodeId next = c.FailOver();
  ASSERT_NE(next, 0u);
  c.Put();
  EXPECT_EQ(c.types.count("PreVote"), 0u);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
}

TEST(PreVote, UsedAfterFinalize) {
  Cluster c(33);
  c.Start();
  c.Finalize();
  c.types.clear();
  NodeId next = c.FailOver();
  ASSERT_NE(next, 0u);
  ASSERT_NE(next, 1u);
  c.Put();
  EXPECT_GE(c.types["PreVote"], 1);
  EXPECT_GE(c.types["PreVoteResponse"], 1);
  EXPECT_GE(c.types["RequestVote"], 1);  // the real election follows a won pre-vote
  EXPECT_TRUE(c.roles.count(api::Role::kPreCandidate));
  EXPECT_GE(Counter(c.p(), next, "pre_votes_started"), 1u);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// A follower cut off for many election timeouts: after finalize it only
// pre-votes (its term stays), and its return leaves leader and term alone.
// Before finalize (v1's behaviour) the same partition raises the term.
void RunPartitionedFollower(bool finalize, uint64_t seed) {
  Cluster c(seed);
  c.Start();
  if (finalize) c.Finalize();
  c.Put();
  const uint64_t term = c.p().node(1)->State().term;
  c.p().Isolate(3);
  c.Steps(100);
  c.p().Heal(3);
  c.Steps(30);
  c.Put();
  const api::ProtocolState s1 = c.p().node(1)->State();
  if (finalize) {
    EXPECT_EQ(c.p().Leader(), 1u);
    EXPECT_EQ(s1.term, term);
    EXPECT_EQ(c.p().node(3)->State().term, term);
    EXPECT_GE(Counter(c.p(), 3, "pre_votes_started"), 2u);
    EXPECT_EQ(Counter(c.p(), 3, api::kCounterElections), 0u);
    EXPECT_EQ(Counter(c.p(), 1, "check_quorum_step_downs"), 0u);
  } else {
    EXPECT_GT(s1.term, term);  // the returning node's higher term deposed the leader
    EXPECT_GE(Counter(c.p(), 3, api::kCounterElections), 2u);
  }
  EXPECT_EQ(c.p().node(3)->State().applied_index, s1.applied_index);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

TEST(PreVote, PartitionedFollowerDoesNotDisruptTheTermAfterFinalize) {
  RunPartitionedFollower(true, 34);
}

TEST(PreVote, PartitionedFollowerDisruptsTheTermBeforeFinalize) {
  RunPartitionedFollower(false, 35);
}

// Check-quorum: a leader that has not heard from a quorum within an election
// timeout steps down (after finalize), instead of leading alone (v1).
TEST(CheckQuorum, IsolatedLeaderStepsDownOnlyAfterFinalize) {
  for (bool finalize : {false, true}) {
    Cluster c(36);
    c.Start();
    if (finalize) c.Finalize();
    c.p().Isolate(1);
    c.Steps(40);  // at least two election timeouts of node 1 (3 ticks) ...
    const api::ProtocolState s1 = c.p().node(1)->State();
    if (finalize) {
      EXPECT_NE(s1.role, api::Role::kLeader);
      EXPECT_GE(Counter(c.p(), 1, "check_quorum_step_downs"), 1u);
    } else {
      EXPECT_EQ(s1.role, api::Role::kLeader);  // v1's behaviour: leads alone
    }
    // The majority elected another leader either way.
    NodeId other = 0;
    for (NodeId id : {2, 3}) {
      if (c.p().node(id)->State().role == api::Role::kLeader) other = id;
    }
    EXPECT_NE(other, 0u) << "finalize=" << finalize;
    c.p().Heal(1);
    c.Steps(20);
    c.Put();
    EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
  }
}

}  // namespace
}  // namespace raftlog::v3
