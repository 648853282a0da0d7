// Whole-cluster scenarios of release v3 (first written for v1), driven
// through the harness ABI (the v3 adapter) on the test pump. Data directories
// for the Raft paper's figures are built with v3's own Storage.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/raft.h"
#include "versions/v3/storage.h"
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

// Every live node holds exactly `reference`'s log (same last index, same
// entries from first index on).
void ExpectLogsEqual(Pump& p, NodeId reference, const std::vector<NodeId>& ids) {
  api::ProtocolState ref = p.node(reference)->State();
  for (NodeId id : ids) {
    api::ProtocolState s = p.node(id)->State();
    EXPECT_EQ(s.last_index, ref.last_index) << "node " << id;
    for (uint64_t i = std::max(s.first_index, ref.first_index); i <= ref.last_index; ++i) {
      std::optional<api::EntryId> a = p.node(id)->EntryAt(i);
      std::optional<api::EntryId> b = p.node(reference)->EntryAt(i);
      ASSERT_TRUE(a.has_value() && b.has_value()) << "node " << id << " index " << i;
      EXPECT_EQ(a->term, b->term) << "node " << id << " index " << i;
      EXPECT_EQ(a->digest, b->digest) << "node " << id << " index " << i;
    }
  }
}

// Steps until every live node in `ids` applied what `leader` applied.
bool RunUntilConverged(Pump& p, NodeId leader, const std::vector<NodeId>& ids, int max_steps) {
  for (int i = 0; i < max_steps; ++i) {
    bool done = true;
    uint64_t target = p.node(leader)->State().commit_index;
    for (NodeId id : ids) {
      if (p.node(id) != nullptr && p.node(id)->State().applied_index < target) done = false;
    }
    if (done && p.queued() == 0) return true;
    p.Step();
  }
  return false;
}

TEST(Cluster, ElectsALeaderAndServesReadsAndWrites) {
  Pump p = MakePump({1, 2, 3}, 1);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  std::optional<api::Reply> put = p.SubmitToLeader(Put(1, 1, "k", "v"), 100);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(put->status.ok()) << put->status;
  EXPECT_GT(put->index, 1u);
  std::optional<api::Reply> get = p.SubmitToLeader(Get(1, 2, "k"), 100);
  ASSERT_TRUE(get.has_value());
  EXPECT_TRUE(get->found);
  EXPECT_EQ(get->value, "v");
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 20));
  api::ProtocolState ls = p.node(leader)->State();
  for (NodeId id : {1, 2, 3}) {
    api::ProtocolState s = p.node(id)->State();
    EXPECT_EQ(s.applied_index, ls.applied_index) << id;
    EXPECT_EQ(s.kv_digest, ls.kv_digest) << id;
    EXPECT_EQ(s.leader, leader);
    EXPECT_EQ(s.release, "v3");
    EXPECT_EQ(s.cluster_version, 1u);
    EXPECT_EQ(s.config.voters, (std::vector<NodeId>{1, 2, 3}));
  }
  // A follower refuses with a hint.
  NodeId follower = leader == 1 ? 2 : 1;
  std::optional<api::Reply> nl = p.Submit(follower, Put(2, 1, "x", "y"), 0);
  ASSERT_TRUE(nl.has_value());
  EXPECT_EQ(nl->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(nl->leader_hint, leader);
  EXPECT_EQ(nl->hint_term, ls.term);
  // Learners wait for cluster version 2 (v1 answered kUnimplemented).
  for (api::Op op : {api::Op::kAddLearner, api::Op::kPromoteLearner}) {
    api::Request r;
    r.client_id = 3;
    r.sequence = 1;
    r.op = op;
    r.target = 4;
    std::optional<api::Reply> u = p.Submit(leader, r, 0);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->status.code(), absl::StatusCode::kFailedPrecondition) << api::OpName(op);
    EXPECT_NE(u->status.message().find("requires cluster version 2"), std::string::npos)
        << u->status;
  }
  // Joint consensus (v2 answered kUnimplemented) waits for cluster version 3.
  for (api::Op op : {api::Op::kChangeConfig}) {
    api::Request r;
    r.client_id = 3;
    r.sequence = 1;
    r.op = op;
    r.new_voters = {1, 2};
    std::optional<api::Reply> u = p.Submit(leader, r, 0);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->status.code(), absl::StatusCode::kFailedPrecondition) << api::OpName(op);
    EXPECT_NE(u->status.message().find("requires cluster version 3"), std::string::npos)
        << u->status;
  }
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
  EXPECT_TRUE(p.deliver_errors().empty());
  // Applied entries carry the entry's term and digest, as EntryAt reports them.
  EXPECT_EQ(p.node(follower)->EntryAt(put->index)->term, ls.term);
  EXPECT_FALSE(p.node(follower)->EntryAt(ls.last_index + 1).has_value());
}

// Raft paper, Figure 7: a leader of term 8 with log terms
// [1 1 1 4 4 5 5 6 6 6] and followers (a) to (f). Whatever they hold, the
// leader makes every follower's log equal to its own.
TEST(Cluster, Figure7FollowerLogsAreRepaired) {
  const std::vector<NodeId> ids = {1, 2, 3, 4, 5, 6, 7};
  // Terms of indices 2.. (index 1 is the term-1 configuration entry).
  const std::map<NodeId, std::vector<uint64_t>> logs = {
      {1, {1, 1, 4, 4, 5, 5, 6, 6, 6}},           // leader
      {2, {1, 1, 4, 4, 5, 5, 6, 6}},              // (a)
      {3, {1, 1, 4}},                             // (b)
      {4, {1, 1, 4, 4, 5, 5, 6, 6, 6, 6}},        // (c)
      {5, {1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}},     // (d)
      {6, {1, 1, 4, 4, 4, 4}},                    // (e)
      {7, {1, 1, 2, 2, 2, 3, 3, 3, 3, 3}},        // (f)
  };
  Pump p = MakePump(ids, 7);
  for (const auto& [id, terms] : logs) {
    ASSERT_TRUE(WriteDataDir(&p.env(id)->fs, HardState{7, 0, 1}, LogWithTerms(ids, terms)).ok());
    ASSERT_TRUE(p.StartNode(id, {}).ok());
  }
  EXPECT_EQ(p.node(5)->State().last_index, 12u);
  // Only node 1 ticks: it times out first and campaigns in term 8. (c) and
  // (d) refuse (their logs are more up to date); (a), (b), (e), (f) grant.
  for (int i = 0; i < 100 && p.Leader() != 1; ++i) {
    p.Tick(1);
    p.DeliverAll();
  }
  ASSERT_EQ(p.Leader(), 1u);
  EXPECT_EQ(p.node(1)->State().term, 8u);
  for (int i = 0; i < 50; ++i) {
    p.Tick(1);
    p.DeliverAll();
  }
  // The new leader's NOOP at index 11 (term 8) is on every log, and every
  // follower's log equals the leader's, (c)'s and (d)'s extra entries gone.
  api::ProtocolState ls = p.node(1)->State();
  EXPECT_EQ(ls.last_index, 11u);
  EXPECT_EQ(ls.commit_index, 11u);
  ExpectLogsEqual(p, 1, ids);
  for (NodeId id : ids) {
    EXPECT_EQ(p.node(id)->EntryAt(11)->term, 8u) << id;
    EXPECT_EQ(p.node(id)->State().commit_index, 11u) << id;
    EXPECT_EQ(p.node(id)->State().kv_digest, ls.kv_digest) << id;
  }
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// Raft paper, Figure 8 (d): S5 wins term 5 and overwrites index 2, which the
// old term-2 leader had on a majority (S1, S2, S3) but never committed.
// (The complementary half, that S1 in term 4 does not commit index 2 by
// counting replicas, is in raft_test.cc.)
TEST(Cluster, Figure8OldTermEntryOnAMajorityCanBeOverwritten) {
  const std::vector<NodeId> ids = {1, 2, 3, 4, 5};
  Pump p = MakePump(ids, 8);
  // S1 is down. S2, S3 hold index 2 from term 2, S5 holds index 2 from term 3.
  ASSERT_TRUE(WriteDataDir(&p.env(2)->fs, HardState{4, 1, 1}, LogWithTerms(ids, {2})).ok());
  ASSERT_TRUE(WriteDataDir(&p.env(3)->fs, HardState{4, 1, 1}, LogWithTerms(ids, {2})).ok());
  ASSERT_TRUE(WriteDataDir(&p.env(4)->fs, HardState{4, 1, 1}, LogWithTerms(ids, {})).ok());
  ASSERT_TRUE(WriteDataDir(&p.env(5)->fs, HardState{3, 5, 1}, LogWithTerms(ids, {3})).ok());
  for (NodeId id : {2, 3, 4, 5}) ASSERT_TRUE(p.StartNode(id, {}).ok());
  for (int i = 0; i < 200 && p.Leader() != 5; ++i) {
    p.Tick(5);
    p.DeliverAll();
  }
  ASSERT_EQ(p.Leader(), 5u);
  for (int i = 0; i < 20; ++i) {
    p.Tick(5);
    p.DeliverAll();
  }
  for (NodeId id : {2, 3, 4}) {
    ASSERT_TRUE(p.node(id)->EntryAt(2).has_value()) << id;
    EXPECT_EQ(p.node(id)->EntryAt(2)->term, 3u) << id;
  }
  ExpectLogsEqual(p, 5, {2, 3, 4});
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// Figure 8 (e): once S1's term-4 entry is on a majority, S5 can never win.
TEST(Cluster, Figure8CurrentTermEntryOnAMajorityBlocksS5) {
  const std::vector<NodeId> ids = {1, 2, 3, 4, 5};
  Pump p = MakePump(ids, 9);
  for (NodeId id : {2, 3}) {
    ASSERT_TRUE(WriteDataDir(&p.env(id)->fs, HardState{4, 1, 1}, LogWithTerms(ids, {2, 4})).ok());
  }
  ASSERT_TRUE(WriteDataDir(&p.env(4)->fs, HardState{4, 1, 1}, LogWithTerms(ids, {})).ok());
  ASSERT_TRUE(WriteDataDir(&p.env(5)->fs, HardState{3, 5, 1}, LogWithTerms(ids, {3})).ok());
  for (NodeId id : {2, 3, 4, 5}) ASSERT_TRUE(p.StartNode(id, {}).ok());
  for (int i = 0; i < 300; ++i) {
    p.Tick(5);
    p.DeliverAll();
    ASSERT_NE(p.Leader(), 5u) << "step " << i;
  }
  EXPECT_GE(Counter(p, 5, api::kCounterElections), 5u);  // it kept trying
  for (NodeId id : {2, 3}) EXPECT_EQ(p.node(id)->EntryAt(3)->term, 4u);
}

// Split votes resolve: many seeds, five nodes with short timeouts so that
// several time out in the same tick; a leader is always elected within a
// bound, and never two in one term.
TEST(Cluster, SplitVotesResolveWithinABound) {
  int seeds_with_splits = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    api::NodeOptions o = TestNodeOptions();
    o.election_ticks = 3;
    Pump p = MakePump({1, 2, 3, 4, 5}, seed, o);
    ASSERT_TRUE(p.StartAll().ok());
    std::map<uint64_t, NodeId> leader_of_term;
    NodeId leader = 0;
    for (int step = 0; step < 300 && leader == 0; ++step) {
      p.Step();
      for (NodeId id : {1, 2, 3, 4, 5}) {
        api::ProtocolState s = p.node(id)->State();
        if (s.role != api::Role::kLeader) continue;
        auto [it, inserted] = leader_of_term.emplace(s.term, id);
        ASSERT_EQ(it->second, id) << "two leaders in term " << s.term << " seed " << seed;
        leader = id;
      }
    }
    ASSERT_NE(leader, 0u) << "no leader within 300 steps, seed " << seed;
    uint64_t elections = 0;
    for (NodeId id : {1, 2, 3, 4, 5}) elections += Counter(p, id, api::kCounterElections);
    if (elections > 1) ++seeds_with_splits;
    EXPECT_EQ(Counter(p, leader, api::kCounterLeaderChanges), 1u);
  }
  // The scenario does exercise split votes.
  EXPECT_GT(seeds_with_splits, 5);
}

// One configuration change at a time; effective on append; a second change
// is refused while the first is uncommitted; a removed node stops
// campaigning.
TEST(Cluster, OneConfigChangeAtATime) {
  Pump p = MakePump({1, 2, 3}, 11);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_TRUE(p.StartNode(4, {}).ok());  // joins: empty bootstrap
  EXPECT_TRUE(p.node(4)->State().config.voters.empty());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  ASSERT_TRUE(p.SubmitToLeader(Put(1, 1, "a", "1"), 100).has_value());

  // Submit without delivering: the change is appended, in effect, uncommitted.
  p.node(leader)->Submit(AddVoter(9, 1, 4));
  api::ProtocolState s = p.node(leader)->State();
  EXPECT_EQ(s.config.voters, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_EQ(s.config_index, s.last_index);
  EXPECT_LT(s.commit_index, s.config_index);
  std::optional<api::Reply> second = p.Submit(leader, RemoveVoter(9, 2, 3), 0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status.code(), absl::StatusCode::kUnavailable) << second->status;
  // The first one completes.
  std::optional<api::Reply> first;
  for (int i = 0; i < 100 && !first.has_value(); ++i) {
    p.Step();
    for (const api::Reply& r : p.replies(leader)) {
      if (r.client_id == 9 && r.sequence == 1) first = r;
    }
  }
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->status.ok()) << first->status;
  EXPECT_EQ(first->index, s.config_index);
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3, 4}, 100));
  EXPECT_EQ(p.node(4)->State().config.voters, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_EQ(p.node(4)->State().kv_digest, p.node(leader)->State().kv_digest);
  // Audit: the change is recorded and chained.
  bool audited = false;
  for (const api::AuditEvent& ev : p.audit(4)) {
    if (ev.detail.find("add_voter node=4") != std::string::npos) audited = true;
  }
  EXPECT_TRUE(audited);

  // Now the second change goes through. Remove a follower.
  NodeId victim = leader == 3 ? 2 : 3;
  std::optional<api::Reply> rm = p.SubmitToLeader(RemoveVoter(9, 3, victim), 100);
  ASSERT_TRUE(rm.has_value());
  EXPECT_TRUE(rm->status.ok()) << rm->status;
  p.Steps(5);
  api::ProtocolState vs = p.node(victim)->State();
  EXPECT_EQ(std::count(vs.config.voters.begin(), vs.config.voters.end(), victim), 0);
  // The removed node learned it is out and never campaigns again.
  uint64_t elections = Counter(p, victim, api::kCounterElections);
  uint64_t term = vs.term;
  p.Steps(200);
  EXPECT_EQ(Counter(p, victim, api::kCounterElections), elections);
  EXPECT_EQ(p.node(victim)->State().term, term);
  EXPECT_NE(p.node(victim)->State().role, api::Role::kLeader);
  // The rest keeps working.
  std::optional<api::Reply> after = p.SubmitToLeader(Put(1, 2, "b", "2"), 100);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->status.ok());
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(Cluster, LeaderRemovingItselfStepsDownAndTheRestElectANewOne) {
  Pump p = MakePump({1, 2, 3}, 12);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  ASSERT_TRUE(p.SubmitToLeader(Put(1, 1, "a", "1"), 100).has_value());
  std::optional<api::Reply> rm = p.Submit(leader, RemoveVoter(9, 1, leader), 50);
  ASSERT_TRUE(rm.has_value());
  EXPECT_TRUE(rm->status.ok()) << rm->status;
  EXPECT_NE(p.node(leader)->State().role, api::Role::kLeader);
  NodeId next = p.RunUntilLeader(200);
  ASSERT_NE(next, 0u);
  EXPECT_NE(next, leader);
  std::optional<api::Reply> put = p.SubmitToLeader(Put(1, 2, "b", "2"), 100);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(put->status.ok());
}

// A follower that missed more than the leader kept in its log gets the
// snapshot in one message and converges.
TEST(Cluster, LaggingFollowerInstallsSnapshotAndConverges) {
  Pump p = MakePump({1, 2, 3}, 13, TestNodeOptions(/*snapshot_threshold=*/20));
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  NodeId lagger = leader == 3 ? 2 : 3;
  p.Isolate(lagger);
  for (uint64_t i = 1; i <= 60; ++i) {
    std::optional<api::Reply> r =
        p.SubmitToLeader(Put(1, i, absl::StrCat("k", i % 7), absl::StrCat("v", i)), 100);
    ASSERT_TRUE(r.has_value() && r->status.ok()) << i;
  }
  api::ProtocolState ls = p.node(leader)->State();
  EXPECT_GE(Counter(p, leader, api::kCounterCompactions), 1u);
  EXPECT_GT(ls.first_index, p.node(lagger)->State().last_index + 1);
  EXPECT_EQ(ls.snapshot_format, 1u);
  p.Heal(lagger);
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 100));
  api::ProtocolState fs = p.node(lagger)->State();
  EXPECT_EQ(Counter(p, lagger, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_GE(Counter(p, leader, api::kCounterSnapshotsSent), 1u);
  EXPECT_EQ(fs.kv_digest, p.node(leader)->State().kv_digest);
  EXPECT_EQ(fs.applied_index, p.node(leader)->State().applied_index);
  EXPECT_GE(fs.snapshot_index, ls.snapshot_index);
  // It keeps following afterwards, and survives a restart from the snapshot.
  ASSERT_TRUE(p.SubmitToLeader(Put(2, 1, "after", "x"), 100).has_value());
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 100));
  p.Crash(lagger, /*tear=*/true);
  ASSERT_TRUE(p.Restart(lagger).ok());
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 100));
  EXPECT_EQ(p.node(lagger)->State().kv_digest, p.node(leader)->State().kv_digest);
  // Sessions came with the snapshot: a retry of an old request is answered
  // from them, not applied again.
  std::optional<api::Reply> retry = p.SubmitToLeader(Put(1, 60, "k4", "v60"), 100);
  ASSERT_TRUE(retry.has_value());
  EXPECT_TRUE(retry->status.ok());
  EXPECT_LT(retry->index, ls.last_index + 1);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(Cluster, CompactOnRequestAndAThresholdCompaction) {
  Pump p = MakePump({1}, 14, TestNodeOptions(/*snapshot_threshold=*/10));
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(p.SubmitToLeader(Put(1, i, "k", "v"), 10));
  api::Request compact;
  compact.op = api::Op::kCompact;
  std::optional<api::Reply> r = p.Submit(1, compact, 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok());
  api::ProtocolState s = p.node(1)->State();
  EXPECT_EQ(r->index, s.applied_index);
  EXPECT_EQ(s.snapshot_index, s.applied_index);
  EXPECT_EQ(s.first_index, s.applied_index + 1);
  EXPECT_EQ(Counter(p, 1, api::kCounterCompactions), 1u);
  for (uint64_t i = 6; i <= 20; ++i) ASSERT_TRUE(p.SubmitToLeader(Put(1, i, "k", "v"), 10));
  EXPECT_EQ(Counter(p, 1, api::kCounterCompactions), 2u);
  EXPECT_LE(p.node(1)->State().last_index - p.node(1)->State().snapshot_index, 10u);
}

// Synced entries survive a crash; a torn record at the tail of the last
// segment is dropped (and counted), the node restarts and catches up.
TEST(Cluster, RestartWithTornTail) {
  Pump p = MakePump({1, 2, 3}, 15);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  for (uint64_t i = 1; i <= 10; ++i) {
    ASSERT_TRUE(p.SubmitToLeader(Put(1, i, absl::StrCat("k", i), "v"), 100).has_value());
  }
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 50));
  NodeId victim = leader == 2 ? 3 : 2;
  api::ProtocolState before = p.node(victim)->State();
  std::vector<api::EntryId> entries;
  for (uint64_t i = 1; i <= before.last_index; ++i) entries.push_back(*p.node(victim)->EntryAt(i));
  p.Crash(victim, /*tear=*/false);
  // The crash tore a record being appended: a prefix of it is on disk.
  api::MemFileSystem& fs = p.env(victim)->fs;
  std::string segment = fs.List("log/")->back();
  std::string record = Storage::EncodeRecord(CommandEntry(before.last_index + 1, before.term, "x", "y"));
  fs.Overwrite(segment, *fs.Read(segment) + record.substr(0, record.size() / 2));
  ASSERT_TRUE(p.Restart(victim).ok());
  EXPECT_EQ(Counter(p, victim, kCounterTornTail), 1u);
  api::ProtocolState after = p.node(victim)->State();
  EXPECT_EQ(after.last_index, before.last_index);
  EXPECT_EQ(after.commit_index, before.commit_index);
  for (uint64_t i = 1; i <= before.last_index; ++i) {
    EXPECT_EQ(*p.node(victim)->EntryAt(i), entries[i - 1]) << i;
  }
  ASSERT_TRUE(p.SubmitToLeader(Put(1, 11, "k11", "v"), 100).has_value());
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 50));
  EXPECT_EQ(p.node(victim)->State().kv_digest, p.node(leader)->State().kv_digest);
  // A second restart finds a clean log.
  p.Crash(victim, false);
  ASSERT_TRUE(p.Restart(victim).ok());
  EXPECT_EQ(Counter(p, victim, kCounterTornTail), 0u);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(Cluster, CorruptSnapshotOrMiddleLogRecordRefusesToStart) {
  Pump p = MakePump({1, 2, 3}, 16);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(p.SubmitToLeader(Put(1, i, "k", "v"), 100));
  ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3}, 50));
  NodeId a = leader == 1 ? 2 : 1;
  NodeId b = 6 - leader - a;
  api::Request compact;
  compact.op = api::Op::kCompact;
  ASSERT_TRUE(p.Submit(a, compact, 0).has_value());
  ASSERT_TRUE(p.Submit(a, compact, 0)->status.ok());

  // a: flip one byte in the middle of its snapshot file.
  p.Crash(a, false);
  api::MemFileSystem& fa = p.env(a)->fs;
  std::string snap = fa.List("snap/")->back();
  std::string bytes = *fa.Read(snap);
  bytes[bytes.size() / 2] ^= 0x20;
  fa.Overwrite(snap, bytes);
  absl::Status sa = p.Restart(a);
  EXPECT_EQ(sa.code(), absl::StatusCode::kDataLoss) << sa;
  EXPECT_NE(sa.message().find(snap), std::string::npos) << sa;
  EXPECT_EQ(p.node(a), nullptr);

  // b: flip one byte inside its third log record.
  p.Crash(b, false);
  api::MemFileSystem& fb = p.env(b)->fs;
  std::string seg = fb.List("log/")->front();
  std::string log = *fb.Read(seg);
  log[log.size() / 2] ^= 0x01;
  fb.Overwrite(seg, log);
  absl::Status sb = p.Restart(b);
  EXPECT_EQ(sb.code(), absl::StatusCode::kDataLoss) << sb;
  EXPECT_NE(sb.message().find(seg), std::string::npos) << sb;
  EXPECT_NE(sb.message().find("offset"), std::string::npos) << sb;
  EXPECT_NE(sb.message().find("followed by"), std::string::npos) << sb;
}

// A client retries a request whose first attempt committed but whose answer
// was lost with the leader; the new leader answers it from the session.
TEST(Cluster, ExactlyOnceAcrossALeaderChange) {
  Pump p = MakePump({1, 2, 3}, 17);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId old_leader = p.RunUntilLeader(100);
  ASSERT_NE(old_leader, 0u);
  ASSERT_TRUE(p.SubmitToLeader(Put(7, 1, "k", "a"), 100).has_value());

  // Attempt 1: appended and replicated, but the leader hears no
  // acknowledgement and so never answers.
  p.SetFilter([old_leader](const Pump::Envelope& e) { return e.to != old_leader; });
  std::optional<api::Reply> lost = p.Submit(old_leader, Append(7, 2, "k", "b"), 0);
  EXPECT_FALSE(lost.has_value());
  const uint64_t first_attempt = p.node(old_leader)->State().last_index;
  p.Isolate(old_leader);
  p.ClearFilter();
  NodeId new_leader = 0;
  for (int i = 0; i < 200 && (new_leader == 0 || new_leader == old_leader); ++i) {
    p.Step();
    new_leader = p.Leader();
    if (new_leader == old_leader) new_leader = 0;
    for (NodeId id : {1, 2, 3}) {
      if (id != old_leader && p.node(id)->State().role == api::Role::kLeader) new_leader = id;
    }
  }
  ASSERT_NE(new_leader, 0u);
  // Attempt 2 at the new leader: the entry is in its log twice, applied once.
  std::optional<api::Reply> retry = p.Submit(new_leader, Append(7, 2, "k", "b"), 50);
  ASSERT_TRUE(retry.has_value());
  EXPECT_TRUE(retry->status.ok()) << retry->status;
  EXPECT_EQ(retry->index, first_attempt);  // answered with the first outcome
  EXPECT_GT(p.node(new_leader)->State().last_index, first_attempt + 1);  // retry is in the log too
  EXPECT_GE(Counter(p, new_leader, kCounterDuplicateRequests), 1u);
  // And once more: still the first outcome, still applied once.
  std::optional<api::Reply> again = p.Submit(new_leader, Append(7, 2, "k", "b"), 50);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->status.ok()) << again->status;
  EXPECT_EQ(again->index, retry->index);
  std::optional<api::Reply> get = p.Submit(new_leader, Get(7, 3, "k"), 50);
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->value, "ab");
  // An older sequence than the last one: its outcome is gone.
  std::optional<api::Reply> stale = p.Submit(new_leader, Append(7, 1, "k", "zzz"), 50);
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->status.code(), absl::StatusCode::kOutOfRange) << stale->status;
  EXPECT_EQ(p.Submit(new_leader, Get(7, 4, "k"), 50)->value, "ab");
  // The old leader rejoins and converges on the same state.
  p.HealAll();
  ASSERT_TRUE(RunUntilConverged(p, new_leader, {1, 2, 3}, 100));
  EXPECT_EQ(p.node(old_leader)->State().kv_digest, p.node(new_leader)->State().kv_digest);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// After a crash of every node (torn writes allowed), every acknowledged write
// is still readable.
TEST(Cluster, AcknowledgedWritesSurviveACrashOfAllNodes) {
  for (uint64_t seed : {21, 22, 23}) {
    Pump p = MakePump({1, 2, 3}, seed);
    ASSERT_TRUE(p.StartAll().ok());
    std::map<std::string, std::string> acked;
    for (uint64_t i = 1; i <= 30; ++i) {
      std::string key = absl::StrCat("k", i % 11);
      std::string value = absl::StrCat("v", i);
      std::optional<api::Reply> r = p.SubmitToLeader(Put(1, i, key, value), 100);
      if (r.has_value() && r->status.ok()) acked[key] = value;
      if (i == 15) {
        // A crash of one node mid-way, for good measure.
        NodeId l = p.Leader();
        p.Crash(l, /*tear=*/true);
        ASSERT_TRUE(p.Restart(l).ok());
      }
    }
    ASSERT_EQ(acked.size(), 11u);
    for (NodeId id : {1, 2, 3}) p.Crash(id, /*tear=*/true);
    for (NodeId id : {1, 2, 3}) ASSERT_TRUE(p.Restart(id).ok()) << id;
    uint64_t seq = 100;
    for (const auto& [key, value] : acked) {
      std::optional<api::Reply> g = p.SubmitToLeader(Get(2, ++seq, key), 200);
      ASSERT_TRUE(g.has_value()) << key;
      EXPECT_TRUE(g->found) << key;
      EXPECT_EQ(g->value, value) << key << " seed " << seed;
    }
    EXPECT_EQ(p.violations(), 0u) << p.first_violation();
  }
}

// Faults at random (seeded): isolation, crashes with torn writes, restarts,
// while a client keeps writing. Safety holds at every step and the cluster
// converges once healed.
TEST(Cluster, RandomFaultsKeepSafetyAndConverge) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Pump p = MakePump({1, 2, 3, 4, 5}, seed, TestNodeOptions(/*snapshot_threshold=*/15));
    ASSERT_TRUE(p.StartAll().ok());
    api::SeededRandom rnd(seed);
    uint64_t seq = 0;
    for (int round = 0; round < 40; ++round) {
      NodeId victim = 1 + rnd.Uniform(5);
      switch (rnd.Uniform(4)) {
        case 0: p.Isolate(victim); break;
        case 1: p.Heal(victim); break;
        case 2:
          if (p.node(victim) != nullptr) p.Crash(victim, /*tear=*/true);
          break;
        default:
          if (p.node(victim) == nullptr) ASSERT_TRUE(p.Restart(victim).ok());
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
    for (NodeId id : {1, 2, 3, 4, 5}) {
      if (p.node(id) == nullptr) ASSERT_TRUE(p.Restart(id).ok());
    }
    NodeId leader = p.RunUntilLeader(300);
    ASSERT_NE(leader, 0u) << "seed " << seed;
    ASSERT_TRUE(p.SubmitToLeader(Put(1, ++seq, "final", "x"), 200).has_value());
    ASSERT_TRUE(RunUntilConverged(p, leader, {1, 2, 3, 4, 5}, 300)) << "seed " << seed;
    for (NodeId id : {1, 2, 3, 4, 5}) {
      EXPECT_EQ(p.node(id)->State().kv_digest, p.node(leader)->State().kv_digest)
          << "node " << id << " seed " << seed;
    }
    EXPECT_EQ(p.violations(), 0u) << p.first_violation();
  }
}

}  // namespace
}  // namespace raftlog::v3
