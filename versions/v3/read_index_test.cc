// Reads (cluster version 3): a linearizable Get is answered by ReadIndex
// (thesis 6.4) without a log entry, only once a quorum confirmed the leader
// after the read arrived; a Get with stale_read_ok is answered by any node
// from its applied state and says so (Reply::succeeded); below cluster
// version 3 every Get goes through the log, as in v2.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/mem_env.h"
#include "versions/api/pump.h"
#include "versions/v3/auth.h"
#include "versions/v3/node.h"
#include "versions/v3/raft.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

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

api::Request StaleGet(uint64_t client, uint64_t seq, const std::string& key) {
  api::Request r = Get(client, seq, key);
  r.stale_read_ok = true;
  return r;
}

// The reply to (client, seq) node `id` emitted, if any.
std::optional<api::Reply> ReplyTo(Pump& p, NodeId id, uint64_t client, uint64_t seq) {
  for (const api::Reply& r : p.replies(id)) {
    if (r.client_id == client && r.sequence == seq) return r;
  }
  return std::nullopt;
}
bool Answered(Pump& p, NodeId id, uint64_t client, uint64_t seq) {
  return ReplyTo(p, id, client, seq).has_value();
}

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;

  explicit Cluster(uint64_t seed, api::NodeOptions options = TestNodeOptions()) {
    rel->election_ticks[1] = 3;  // node 1 leads
    pump = std::make_unique<Pump>(MakeMixedPump({1, 2, 3}, seed, rel, options));
  }
  Pump& p() { return *pump; }
  // Starts with node 1 leading; finalizes to `version` (0: the highest, 3).
  void Start(uint32_t version) {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
    if (version == 1) return;
    std::optional<api::Reply> r = p().Submit(1, Finalize(9, 1, version), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
    p().Steps(3);
    for (NodeId id : {1, 2, 3}) {
      ASSERT_EQ(p().node(id)->State().cluster_version, version == 0 ? 3u : version) << id;
    }
  }
  void MustPut(NodeId to, uint64_t seq, const std::string& key, const std::string& value) {
    std::optional<api::Reply> r = p().Submit(to, Put(1, seq, key, value), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
  }
};

TEST(ReadIndex, GetAppendsNothingAndReturnsTheLatestCommittedValue) {
  Cluster c(71);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "a");
  c.MustPut(1, 2, "k", "b");
  p.Steps(2);
  std::map<NodeId, uint64_t> last;
  for (NodeId id : {1, 2, 3}) last[id] = p.node(id)->State().last_index;

  std::optional<api::Reply> r = p.Submit(1, Get(2, 1, "k"), 10);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_TRUE(r->found);
  EXPECT_EQ(r->value, "b");
  EXPECT_FALSE(r->succeeded);  // not a stale read
  EXPECT_EQ(r->leader_hint, 1u);
  EXPECT_EQ(r->index, p.node(1)->State().applied_index);
  std::optional<api::Reply> absent = p.Submit(1, Get(2, 2, "nothing"), 10);
  ASSERT_TRUE(absent.has_value() && absent->status.ok());
  EXPECT_FALSE(absent->found);
  p.Steps(3);
  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(p.node(id)->State().last_index, last[id]) << "a Get appended on node " << id;
  }
  EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 2u);
  EXPECT_EQ(Counter(p, 1, kCounterStaleReads), 0u);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(ReadIndex, ReadContextOnTheWireOnlyAtClusterVersion3) {
  Cluster c(72);
  auto contexts = std::make_shared<std::set<uint64_t>>();
  auto echoes = std::make_shared<std::set<uint64_t>>();
  c.p().SetFilter([contexts, echoes](const Pump::Envelope& e) {
    wire::v3::Message m;
    if (m.ParseFromString(e.bytes)) {
      if (m.has_append_entries()) contexts->insert(m.append_entries().read_context());
      if (m.has_append_entries_response()) {
        echoes->insert(m.append_entries_response().read_context());
      }
    }
    return true;
  });
  c.Start(2);
  c.MustPut(1, 1, "k", "a");
  std::optional<api::Reply> g = c.p().Submit(1, Get(2, 1, "k"), 10);
  ASSERT_TRUE(g.has_value() && g->status.ok());
  EXPECT_EQ(*contexts, std::set<uint64_t>{0});
  EXPECT_EQ(*echoes, std::set<uint64_t>{0});

  std::optional<api::Reply> f = c.p().Submit(1, Finalize(9, 2, 3), 20);
  ASSERT_TRUE(f.has_value() && f->status.ok()) << f->status;
  c.p().Steps(2);
  g = c.p().Submit(1, Get(2, 2, "k"), 10);
  ASSERT_TRUE(g.has_value() && g->status.ok());
  EXPECT_EQ(g->value, "a");
  EXPECT_GT(*contexts->rbegin(), 0u);
  EXPECT_EQ(*echoes->rbegin(), *contexts->rbegin());  // followers echo it
}

// The classic stale-leader read: node 1 leads, is cut off (and paused, so
// check-quorum has not deposed it yet) while the majority elects a new
// leader and writes a newer value. Node 1 still believes it leads; it must
// not answer a linearizable Get from its own state.
TEST(ReadIndex, PartitionedOldLeaderDoesNotAnswerWhileTheMajorityMovedOn) {
  Cluster c(73);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "old");
  p.Steps(2);

  p.Isolate(1);
  NodeId leader = 0;
  for (int i = 0; i < 200 && leader == 0; ++i) {
    p.Tick(2);  // node 1 is paused: its clock does not advance
    p.Tick(3);
    p.DeliverAll();
    for (NodeId id : {2, 3}) {
      if (p.node(id)->State().role == api::Role::kLeader) leader = id;
    }
  }
  ASSERT_NE(leader, 0u);
  std::optional<api::Reply> w = p.Submit(leader, Put(1, 2, "k", "new"), 0);
  ASSERT_TRUE(w.has_value() && w->status.ok()) << (w ? w->status.ToString() : "no reply");

  ASSERT_EQ(p.node(1)->State().role, api::Role::kLeader);  // still believes it leads
  const uint64_t old_last = p.node(1)->State().last_index;
  EXPECT_FALSE(p.Submit(1, Get(2, 1, "k"), 0).has_value());
  EXPECT_EQ(p.node(1)->State().last_index, old_last);  // nothing appended for it
  // A stale read is the anomaly ReadIndex prevents: allowed only when asked.
  std::optional<api::Reply> stale = p.Submit(1, StaleGet(2, 2, "k"), 0);
  ASSERT_TRUE(stale.has_value() && stale->status.ok());
  EXPECT_EQ(stale->value, "old");
  EXPECT_TRUE(stale->succeeded);

  // Its clock runs again: check-quorum deposes it; the read is dropped
  // (indeterminate for the client), never answered, not even after healing.
  p.Steps(30);
  EXPECT_NE(p.node(1)->State().role, api::Role::kLeader);
  p.HealAll();
  p.Steps(30);
  EXPECT_FALSE(Answered(p, 1, 2, 1));
  EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 0u);

  std::optional<api::Reply> r = p.SubmitToLeader(Get(2, 3, "k"), 200);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  EXPECT_EQ(r->value, "new");
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(ReadIndex, ReadWaitsUntilTheLeaderCommittedAnEntryOfItsTerm) {
  Cluster c(74);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "v");
  p.Steps(2);
  p.Isolate(1);
  // The new leader hears no AppendEntriesResponse: its NOOP stays uncommitted.
  p.SetFilter([](const Pump::Envelope& e) { return e.type != "AppendEntriesResponse"; });
  NodeId leader = 0;
  for (int i = 0; i < 200 && leader == 0; ++i) {
    p.Tick(2);
    p.Tick(3);
    p.DeliverAll();
    for (NodeId id : {2, 3}) {
      if (p.node(id)->State().role == api::Role::kLeader) leader = id;
    }
  }
  ASSERT_NE(leader, 0u);
  api::ProtocolState s = p.node(leader)->State();
  ASSERT_LT(s.commit_index, s.last_index);  // its NOOP is not committed
  EXPECT_FALSE(p.Submit(leader, Get(2, 1, "k"), 0).has_value());
  p.Tick(leader);
  p.DeliverAll();
  EXPECT_FALSE(Answered(p, leader, 2, 1));
  EXPECT_EQ(p.node(leader)->State().last_index, s.last_index);  // nothing appended

  p.ClearFilter();
  for (int i = 0; i < 3 && !Answered(p, leader, 2, 1); ++i) {
    p.Tick(2);
    p.Tick(3);
    p.DeliverAll();
  }
  std::optional<api::Reply> r = ReplyTo(p, leader, 2, 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->value, "v");
  EXPECT_EQ(p.node(leader)->State().last_index, s.last_index);
}

TEST(ReadIndex, StaleReadOnALaggingFollowerOnlyWhenAsked) {
  Cluster c(75);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "a");
  p.Steps(2);
  p.Isolate(3);
  c.MustPut(1, 2, "k", "b");
  const uint64_t lagging = p.node(3)->State().applied_index;
  ASSERT_LT(lagging, p.node(1)->State().commit_index);

  // Linearizable: the follower refuses (not the leader), never its old value.
  std::optional<api::Reply> lin = p.Submit(3, Get(2, 1, "k"), 0);
  ASSERT_TRUE(lin.has_value());
  EXPECT_EQ(lin->status.code(), absl::StatusCode::kFailedPrecondition) << lin->status;
  EXPECT_TRUE(lin->value.empty());

  std::optional<api::Reply> stale = p.Submit(3, StaleGet(2, 2, "k"), 0);
  ASSERT_TRUE(stale.has_value());
  ASSERT_TRUE(stale->status.ok()) << stale->status;
  EXPECT_TRUE(stale->found);
  EXPECT_EQ(stale->value, "a");
  EXPECT_TRUE(stale->succeeded);  // marked stale
  EXPECT_EQ(stale->index, lagging);
  EXPECT_EQ(stale->leader_hint, 1u);  // who it believes leads, to go to for more
  EXPECT_EQ(Counter(p, 3, kCounterStaleReads), 1u);

  // The leader serves stale reads too, from its own applied state.
  std::optional<api::Reply> on_leader = p.Submit(1, StaleGet(2, 3, "k"), 0);
  ASSERT_TRUE(on_leader.has_value() && on_leader->status.ok());
  EXPECT_EQ(on_leader->value, "b");
  EXPECT_TRUE(on_leader->succeeded);
  EXPECT_EQ(on_leader->index, p.node(1)->State().applied_index);

  p.HealAll();
  p.Steps(5);
  stale = p.Submit(3, StaleGet(2, 4, "k"), 0);
  ASSERT_TRUE(stale.has_value() && stale->status.ok());
  EXPECT_EQ(stale->value, "b");  // caught up
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(ReadIndex, StaleReadOnALearner) {
  Cluster c(76);
  c.Start(0);
  Pump& p = c.p();
  ASSERT_TRUE(p.StartNode(4, {}).ok());
  std::optional<api::Reply> add = p.Submit(1, AddLearner(9, 2, 4), 30);
  ASSERT_TRUE(add.has_value() && add->status.ok()) << add->status;
  c.MustPut(1, 1, "k", "a");
  p.Steps(5);
  ASSERT_EQ(p.node(4)->State().role, api::Role::kLearner);
  std::optional<api::Reply> r = p.Submit(4, StaleGet(2, 1, "k"), 0);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
  EXPECT_EQ(r->value, "a");
  EXPECT_TRUE(r->succeeded);
  EXPECT_EQ(Counter(p, 4, kCounterStaleReads), 1u);
}

TEST(ReadIndex, BelowClusterVersion3GetsGoThroughTheLog) {
  for (uint32_t version : {1u, 2u}) {
    Cluster c(77);
    c.Start(version);
    Pump& p = c.p();
    c.MustPut(1, 1, "k", "a");
    p.Steps(2);
    // stale_read_ok is ignored: a follower refuses, as any v2 Get.
    std::optional<api::Reply> f = p.Submit(2, StaleGet(2, 1, "k"), 0);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->status.code(), absl::StatusCode::kFailedPrecondition) << version;
    const uint64_t before = p.node(1)->State().last_index;
    for (bool stale_ok : {false, true}) {
      api::Request q = stale_ok ? StaleGet(2, 2 + stale_ok, "k") : Get(2, 2, "k");
      std::optional<api::Reply> r = p.Submit(1, q, 10);
      ASSERT_TRUE(r.has_value() && r->status.ok()) << version;
      EXPECT_EQ(r->value, "a");
      EXPECT_FALSE(r->succeeded);
      EXPECT_EQ(r->index, before + 1 + stale_ok) << version;  // its own log entry
    }
    EXPECT_EQ(p.node(1)->State().last_index, before + 2) << version;
    EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 0u);
    EXPECT_EQ(Counter(p, 1, kCounterStaleReads), 0u);
  }
}

// After the downgrade to cluster version 2, Gets go through the log again.
TEST(ReadIndex, AfterDowngradeTo2GetsGoThroughTheLogAgain) {
  Cluster c(81);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "a");
  std::optional<api::Reply> g = p.Submit(1, Get(2, 1, "k"), 10);
  ASSERT_TRUE(g.has_value() && g->status.ok());
  EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 1u);
  std::optional<api::Reply> d = p.Submit(1, Downgrade(9, 2, 2), 20);
  ASSERT_TRUE(d.has_value() && d->status.ok()) << (d ? d->status.ToString() : "no reply");
  p.Steps(3);
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(p.node(id)->State().cluster_version, 2u) << id;
  std::optional<api::Reply> f = p.Submit(2, StaleGet(2, 2, "k"), 0);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->status.code(), absl::StatusCode::kFailedPrecondition) << f->status;
  const uint64_t before = p.node(1)->State().last_index;
  g = p.Submit(1, Get(2, 3, "k"), 10);
  ASSERT_TRUE(g.has_value() && g->status.ok());
  EXPECT_EQ(g->value, "a");
  EXPECT_EQ(g->index, before + 1);
  EXPECT_EQ(p.node(1)->State().last_index, before + 1);
  EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 1u);
  EXPECT_EQ(Counter(p, 2, kCounterStaleReads), 0u);
}

// Reads issued while a round is in flight share the next round.
TEST(ReadIndex, ReadsAreBatchedPerRound) {
  Cluster c(78);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "v");
  p.Steps(2);
  auto contexts = std::make_shared<std::set<uint64_t>>();
  auto acks = std::make_shared<bool>(false);
  p.SetFilter([contexts, acks](const Pump::Envelope& e) {
    wire::v3::Message m;
    if (m.ParseFromString(e.bytes) && m.has_append_entries() &&
        m.append_entries().read_context() != 0) {
      contexts->insert(m.append_entries().read_context());
    }
    return *acks || e.type != "AppendEntriesResponse";
  });
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    EXPECT_FALSE(p.Submit(1, Get(2, seq, "k"), 0).has_value()) << seq;
  }
  EXPECT_EQ(contexts->size(), 1u);  // one round started; four reads wait for the next
  *acks = true;
  p.Steps(2);
  for (uint64_t seq = 1; seq <= 5; ++seq) EXPECT_TRUE(Answered(p, 1, 2, seq)) << seq;
  EXPECT_EQ(Counter(p, 1, kCounterReadIndexReads), 5u);
  EXPECT_EQ(contexts->size(), 2u);  // five reads, two rounds
}

TEST(ReadIndex, PendingReadsCountForAdmissionControl) {
  api::NodeOptions o = TestNodeOptions();
  o.max_inflight_requests = 2;
  Cluster c(79, o);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "v");
  p.Steps(2);
  p.Isolate(2);
  p.Isolate(3);
  EXPECT_FALSE(p.Submit(1, Get(2, 1, "k"), 0).has_value());
  EXPECT_FALSE(p.Submit(1, Get(2, 2, "k"), 0).has_value());
  for (const api::Request& q : {Get(2, 3, "k"), Put(3, 1, "k", "w")}) {
    std::optional<api::Reply> r = p.Submit(1, q, 0);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status.code(), absl::StatusCode::kResourceExhausted) << r->status;
  }
  EXPECT_EQ(Counter(p, 1, api::kCounterOverloaded), 2u);
  p.HealAll();
  p.Steps(2);
  EXPECT_TRUE(Answered(p, 1, 2, 1));
  EXPECT_TRUE(Answered(p, 1, 2, 2));
  std::optional<api::Reply> r = p.Submit(1, Get(2, 3, "k"), 10);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << r->status;
}

// Thesis 6.4 step 1: a new leader's commit index may be behind what its
// predecessor committed (here entry 4, k=new). Until an entry of its own term
// commits, a read must not take the commit index as its read index, even
// with a quorum confirming the leader.
wire::v3::Message AppendAck(NodeId from, uint64_t term, uint64_t match, uint64_t context) {
  wire::v3::Message m;
  m.set_protocol_version(3);
  m.set_type(wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE);
  m.set_from(from);
  m.set_to(1);
  m.set_term(term);
  m.mutable_append_entries_response()->set_success(true);
  m.mutable_append_entries_response()->set_match_index(match);
  m.mutable_append_entries_response()->set_last_index(match);
  m.mutable_append_entries_response()->set_read_context(context);
  return m;
}

// What a peer of a cv-3 cluster sends: sealed with the cluster key.
std::string Sealed(wire::v3::Message m) { return auth::Seal(kTestClusterKey, &m); }

// The read_context of the last AppendEntries in `ready` (0 when none).
uint64_t LastContext(const api::Ready& ready) {
  uint64_t context = 0;
  for (const api::Outbound& o : ready.messages) {
    wire::v3::Message m;
    if (m.ParseFromString(o.bytes) && m.has_append_entries()) {
      context = m.append_entries().read_context();
    }
  }
  return context;
}

TEST(ReadIndex, NewLeaderWaitsForAnEntryOfItsTermBeforeTakingTheReadIndex) {
  api::MemEnv env(1);
  ASSERT_TRUE(WriteDataDir(&env.fs, HardState{2, 0, 3},
                           {ConfigEntry(1, 1, {1, 2, 3}), VersionEntry(2, 1, 3),
                            CommandEntry(3, 2, "k", "old"), CommandEntry(4, 2, "k", "new")})
                  .ok());
  api::NodeOptions o = TestNodeOptions();
  o.id = 1;
  o.env = env.env();
  Node n(o);
  ASSERT_TRUE(n.Start().ok());
  ASSERT_EQ(n.State().cluster_version, 3u);
  ASSERT_EQ(n.State().commit_index, 3u);
  n.mutable_raft()->Campaign();
  wire::v3::Message vote;
  vote.set_protocol_version(3);
  vote.set_type(wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE);
  vote.set_from(2);
  vote.set_to(1);
  vote.set_term(3);
  vote.mutable_request_vote_response()->set_granted(true);
  ASSERT_TRUE(n.Deliver(2, Sealed(vote)).ok());
  ASSERT_EQ(n.State().role, api::Role::kLeader);
  ASSERT_EQ(n.State().last_index, 5u);  // its NOOP
  n.TakeReady();

  n.Submit(Get(2, 1, "k"));
  n.Tick();  // a heartbeat round
  api::Ready ready = n.TakeReady();
  EXPECT_TRUE(ready.replies.empty());
  // Node 2 answers it without holding the NOOP: the leader is confirmed, but
  // its commit index (3) is not known to be the cluster's.
  ASSERT_TRUE(n.Deliver(2, Sealed(AppendAck(2, 3, 4, LastContext(ready)))).ok());
  ready = n.TakeReady();
  EXPECT_TRUE(ready.replies.empty()) << "answered from commit index 3: " << ready.replies[0].value;

  // The NOOP commits (and 4 with it): the round starts now, and needs a
  // quorum of its own.
  ASSERT_TRUE(n.Deliver(2, Sealed(AppendAck(2, 3, 5, 0))).ok());
  EXPECT_EQ(n.State().commit_index, 5u);
  ready = n.TakeReady();
  EXPECT_TRUE(ready.replies.empty());
  const uint64_t context = LastContext(ready);
  ASSERT_GT(context, 0u);
  ASSERT_TRUE(n.Deliver(3, Sealed(AppendAck(3, 3, 5, context))).ok());
  ready = n.TakeReady();
  ASSERT_EQ(ready.replies.size(), 1u);
  EXPECT_TRUE(ready.replies[0].status.ok()) << ready.replies[0].status;
  EXPECT_EQ(ready.replies[0].value, "new");
  EXPECT_EQ(ready.replies[0].index, 5u);
  EXPECT_EQ(n.State().last_index, 5u);
}

// Sessions as in v2: a read records nothing, so a repeated sequence after a
// newer request is kOutOfRange, and replicas stay identical.
TEST(ReadIndex, SessionsUnaffected) {
  Cluster c(80);
  c.Start(0);
  Pump& p = c.p();
  c.MustPut(1, 1, "k", "a");
  std::optional<api::Reply> g = p.Submit(1, Get(1, 2, "k"), 10);
  ASSERT_TRUE(g.has_value() && g->status.ok());
  // The write's retry is still answered from the session, not applied again.
  std::optional<api::Reply> again = p.Submit(1, Put(1, 1, "k", "a"), 10);
  ASSERT_TRUE(again.has_value() && again->status.ok());
  c.MustPut(1, 3, "k", "b");
  g = p.Submit(1, Get(1, 2, "k"), 10);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->status.code(), absl::StatusCode::kOutOfRange) << g->status;
  p.Steps(3);
  const api::ProtocolState s1 = p.node(1)->State();
  for (NodeId id : {2, 3}) {
    EXPECT_EQ(p.node(id)->State().applied_index, s1.applied_index);
    EXPECT_EQ(p.node(id)->State().kv_digest, s1.kv_digest);
  }
}

// Seeded faults (isolation, crashes with torn writes, restarts, snapshot
// installs) while one client alternates a write and a read of one key: every
// read answered must return the last acknowledged write or a later one whose
// outcome was unknown, and the reads append nothing.
TEST(ReadIndex, ReadsUnderRandomFaultsSeeTheLatestAcknowledgedWrite) {
  const std::vector<NodeId> ids = {1, 2, 3, 4, 5};
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Pump p = MakePump(ids, seed, TestNodeOptions(/*snapshot_threshold=*/15));
    ASSERT_TRUE(p.StartAll().ok());
    NodeId leader = p.RunUntilLeader(100);
    ASSERT_NE(leader, 0u);
    p.Steps(3);
    std::optional<api::Reply> f = p.Submit(leader, Finalize(9, 1), 20);
    ASSERT_TRUE(f.has_value() && f->status.ok()) << seed;
    api::SeededRandom rnd(seed);
    uint64_t seq = 0;
    // The values the key may hold now, oldest first: the last acknowledged
    // write, then writes whose outcome is unknown.
    std::vector<std::string> possible;
    int reads_ok = 0;
    for (int round = 0; round < 40; ++round) {
      const NodeId victim = ids[rnd.Uniform(ids.size())];
      switch (rnd.Uniform(4)) {
        case 0: p.Isolate(victim); break;
        case 1: p.HealAll(); break;
        case 2:
          p.Crash(victim, /*tear=*/true);
          ASSERT_TRUE(p.Restart(victim).ok());
          break;
        default: break;
      }
      const std::string value = absl::StrCat("v", round);
      std::optional<api::Reply> w = p.SubmitToLeader(Put(1, ++seq, "k", value), 60);
      if (w.has_value() && w->status.ok()) {
        possible = {value};
      } else {
        possible.push_back(value);
      }
      const NodeId at = p.Leader();
      const uint64_t last = at == 0 ? 0 : p.node(at)->State().last_index;
      const uint64_t term = at == 0 ? 0 : p.node(at)->State().term;
      std::optional<api::Reply> r = p.SubmitToLeader(Get(1, ++seq, "k"), 60);
      if (!r.has_value() || !r->status.ok()) continue;
      ++reads_ok;
      auto it = std::find(possible.begin(), possible.end(), r->value);
      ASSERT_NE(it, possible.end()) << "seed " << seed << " round " << round << " read '"
                                    << r->value << "', last acknowledged '"
                                    << (possible.empty() ? "" : possible.front()) << "'";
      possible.erase(possible.begin(), it);
      if (at != 0 && p.Leader() == at && p.node(at)->State().term == term) {
        EXPECT_EQ(p.node(at)->State().last_index, last) << "seed " << seed << " round " << round;
      }
    }
    EXPECT_GT(reads_ok, 10) << seed;
    EXPECT_EQ(p.violations(), 0u) << p.first_violation();
  }
}

}  // namespace
}  // namespace raftlog::v3
