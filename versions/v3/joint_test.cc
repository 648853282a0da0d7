// Joint consensus (cluster version 3): Op::kChangeConfig moves the voters
// from C_old to an arbitrary C_new through ENTER_JOINT (C_new && C_old in
// effect on append) and LEAVE_JOINT (appended by the leader once the joint
// entry commits). While joint, elections and commit need a majority of both
// sets; a leader outside C_new steps down once LEAVE_JOINT commits; a leader
// crash in between is finished by whoever leads next.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/raft.h"
#include "versions/v3/storage.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v3::testing;  // NOLINT
using Ids = std::vector<NodeId>;

api::Request ChangeConfig(uint64_t client, uint64_t seq, const Ids& voters) {
  api::Request r;
  r.client_id = client;
  r.sequence = seq;
  r.op = api::Op::kChangeConfig;
  r.new_voters = voters;
  return r;
}

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

// True for an AppendEntries that carries a config entry of `type`.
bool CarriesConfig(const Pump::Envelope& e, wire::v3::ConfigChangeType type) {
  wire::v3::Message m;
  if (!m.ParseFromString(e.bytes) || !m.has_append_entries()) return false;
  for (const wire::v3::Entry& en : m.append_entries().entries()) {
    if (en.type() != wire::v3::ENTRY_TYPE_CONFIG) continue;
    wire::v3::ConfigChange cc;
    if (cc.ParseFromString(en.data()) && cc.type() == type) return true;
  }
  return false;
}

// Election safety, observed: at most one node ever leads a given term.
struct LeaderWatch {
  std::map<uint64_t, NodeId> leader_of_term;
  std::string error;
  void Observe(Pump& p) {
    for (NodeId id : p.ids()) {
      api::Node* n = p.node(id);
      if (n == nullptr) continue;
      api::ProtocolState s = n->State();
      if (s.role != api::Role::kLeader) continue;
      auto [it, inserted] = leader_of_term.emplace(s.term, id);
      if (!inserted && it->second != id && error.empty()) {
        error = absl::StrCat("nodes ", it->second, " and ", id, " both lead term ", s.term);
      }
    }
  }
};

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;
  LeaderWatch watch;
  uint64_t seq = 1;

  explicit Cluster(uint64_t seed, uint64_t snapshot_threshold = 1000) {
    rel->election_ticks[1] = 3;  // node 1 leads first
    pump = std::make_unique<Pump>(
        MakeMixedPump({1, 2, 3}, seed, rel, TestNodeOptions(snapshot_threshold)));
  }
  Pump& p() { return *pump; }
  // Starts {1,2,3} with node 1 leading, raised to cluster `version`
  // (1: no finalize).
  void Start(uint32_t version) {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    Run(3);
    if (version > 1) {
      std::optional<api::Reply> r = p().Submit(1, Finalize(9, 100, version), 20);
      ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
      Run(3);
    }
    ASSERT_EQ(p().node(1)->State().cluster_version, version);
  }
  void Run(int steps) {
    for (int i = 0; i < steps; ++i) {
      p().Step();
      watch.Observe(p());
    }
  }
  std::optional<api::Reply> Ask(NodeId to, const api::Request& r, int steps = 30) {
    std::optional<api::Reply> out = p().Submit(to, r, steps);
    watch.Observe(p());
    return out;
  }
  void Put(int n) {
    for (int i = 0; i < n; ++i) {
      std::optional<api::Reply> r =
          p().SubmitToLeader(testing::Put(1, seq, absl::StrCat("k", seq), "v"), 300);
      ++seq;
      ASSERT_TRUE(r.has_value() && r->status.ok());
      watch.Observe(p());
    }
  }
  void ExpectSafe() {
    EXPECT_EQ(p().violations(), 0u) << p().first_violation();
    EXPECT_TRUE(watch.error.empty()) << watch.error;
    for (NodeId id : p().ids()) {
      if (p().node(id) == nullptr) continue;
      EXPECT_EQ(Counter(p(), id, "second_leader_in_term"), 0u) << id;
      EXPECT_EQ(Counter(p(), id, "committed_overwrite_refused"), 0u) << id;
    }
  }
};

TEST(Joint, RefusedBelowClusterVersion3AndSingleServerChangesStillWork) {
  for (uint32_t cv : {1u, 2u}) {
    SCOPED_TRACE(absl::StrCat("cluster version ", cv));
    Cluster c(61 + cv);
    c.Start(cv);
    ASSERT_TRUE(c.p().StartNode(4, {}).ok());
    std::optional<api::Reply> r = c.Ask(1, ChangeConfig(9, 1, {2, 3, 4}));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(r->status.message(), "requires cluster version 3"))
        << r->status;
    api::ProtocolState s = c.p().node(1)->State();
    EXPECT_EQ(s.config.voters, (Ids{1, 2, 3}));
    EXPECT_TRUE(s.config.voters_outgoing.empty());
    // Single-server changes work as before.
    r = c.Ask(1, AddVoter(9, 2, 4));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->status.ok()) << r->status;
    c.Run(3);
    EXPECT_EQ(c.p().node(4)->State().config.voters, (Ids{1, 2, 3, 4}));
    c.ExpectSafe();
  }
  // A follower answers "not the leader" as for every op.
  Cluster c(65);
  c.Start(3);
  std::optional<api::Reply> r = c.Ask(2, ChangeConfig(9, 1, {1, 2}), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r->status.message(), "not the leader")) << r->status;
}

TEST(Joint, ArgumentsAndOneChangeAtATime) {
  Cluster c(66);
  c.Start(3);
  std::optional<api::Reply> r = c.Ask(1, ChangeConfig(9, 1, {}), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument) << r->status;
  r = c.Ask(1, ChangeConfig(9, 2, {3, 4, 3}), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument) << r->status;
  r = c.Ask(1, ChangeConfig(9, 3, {0, 1}), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument) << r->status;
  // The current set, in any order: nothing to do.
  r = c.Ask(1, ChangeConfig(9, 4, {3, 1, 2}), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->index, c.p().node(1)->State().config_index);

  // Nodes 4 and 5 down: ENTER_JOINT {1,4,5}&&{1,2,3} is appended
  // (effective at once) but cannot commit; everything else waits.
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  ASSERT_TRUE(c.p().StartNode(5, {}).ok());
  c.p().Isolate(4);
  c.p().Isolate(5);
  r = c.Ask(1, ChangeConfig(9, 5, {1, 4, 5}), 0);
  EXPECT_FALSE(r.has_value());
  api::ProtocolState s = c.p().node(1)->State();
  EXPECT_EQ(s.config.voters, (Ids{1, 4, 5}));
  EXPECT_EQ(s.config.voters_outgoing, (Ids{1, 2, 3}));
  for (const api::Request& again :
       {ChangeConfig(9, 6, {1, 2}), AddVoter(9, 7, 5), RemoveVoter(9, 8, 3), Finalize(9, 9, 3),
        Downgrade(9, 10, 2)}) {
    r = c.Ask(1, again, 0);
    ASSERT_TRUE(r.has_value()) << api::OpName(again.op);
    EXPECT_EQ(r->status.code(), absl::StatusCode::kUnavailable)
        << api::OpName(again.op) << ": " << r->status;
  }
  s = c.p().node(2)->State();  // followers hold the joint configuration too
  EXPECT_EQ(s.config.voters_outgoing, (Ids{1, 2, 3}));
  // (Node 1 may lose leadership by check-quorum meanwhile: it hears from no
  // majority of C_new. Whoever leads next finishes the change.)
  c.p().HealAll();
  c.Run(40);
  for (NodeId id : {1, 2, 3, 4, 5}) {
    s = c.p().node(id)->State();
    EXPECT_EQ(s.config.voters, (Ids{1, 4, 5})) << id;
    EXPECT_TRUE(s.config.voters_outgoing.empty()) << id;
  }
  c.ExpectSafe();
}

// {1,2,3} -> {3,4,5} with node 4 a learner and node 5 an empty joiner; the
// leader (node 1) is not in the new set and steps down once LEAVE_JOINT
// commits; the new set elects a leader and serves.
TEST(Joint, ReplacesTwoVotersAndTheLeaderStepsDown) {
  Cluster c(67);
  c.Start(3);
  c.Put(3);
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  ASSERT_TRUE(c.p().StartNode(5, {}).ok());
  ASSERT_TRUE(c.p().StartNode(6, {}).ok());
  std::optional<api::Reply> r = c.Ask(1, AddLearner(9, 1, 4));  // single-server ops at cv 3
  ASSERT_TRUE(r.has_value() && r->status.ok());
  r = c.Ask(1, AddLearner(9, 2, 6));
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.Run(3);

  // Submitted straight to the node: its messages leave at its next tick.
  const uint64_t enter = c.p().node(1)->State().last_index + 1;
  c.p().node(1)->Submit(ChangeConfig(9, 3, {5, 4, 3}));
  api::ProtocolState s1 = c.p().node(1)->State();
  EXPECT_EQ(s1.config_index, enter);  // in effect on append
  EXPECT_EQ(s1.config.voters, (Ids{3, 4, 5}));
  EXPECT_EQ(s1.config.voters_outgoing, (Ids{1, 2, 3}));
  EXPECT_EQ(s1.config.learners, (Ids{6}));  // 4 listed: voter; 6 not: stays a learner
  EXPECT_LT(s1.commit_index, enter);
  r.reset();
  for (int i = 0; i < 40 && !r.has_value(); ++i) {
    c.Run(1);
    for (const api::Reply& rep : c.p().replies(1)) {
      if (rep.client_id == 9 && rep.sequence == 3) r = rep;
    }
  }
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  EXPECT_GT(r->index, enter);  // the LEAVE_JOINT entry
  c.Run(3);
  s1 = c.p().node(1)->State();
  EXPECT_NE(s1.role, api::Role::kLeader);  // stepped down after LEAVE_JOINT committed
  // Feature counters: the leader that appended ENTER_JOINT and LEAVE_JOINT.
  EXPECT_EQ(Counter(c.p(), 1, "joint_entered"), 1u);
  EXPECT_EQ(Counter(c.p(), 1, "joint_left"), 1u);
  EXPECT_EQ(Counter(c.p(), 3, "joint_entered"), 0u);
  EXPECT_EQ(s1.config.voters, (Ids{3, 4, 5}));
  EXPECT_TRUE(s1.config.voters_outgoing.empty());
  NodeId leader = c.p().RunUntilLeader(200);
  c.watch.Observe(c.p());
  ASSERT_TRUE(leader == 3 || leader == 4 || leader == 5) << leader;
  c.Put(3);
  c.Run(5);
  // Every member audited both steps (the followers learn that LEAVE_JOINT
  // committed from the next leader; node 2, no longer a member, holds it
  // but is not told it committed, as with v1's removal).
  EXPECT_EQ(c.p().node(2)->State().config.voters, (Ids{3, 4, 5}));
  for (NodeId id : {1, 2, 3, 4, 5, 6}) {
    EXPECT_TRUE(HasAudit(c.p(), id, "config_change",
                         absl::StrCat("index=", enter, " term=")))
        << id;
    EXPECT_TRUE(HasAudit(c.p(), id, "config_change",
                         "enter_joint voters={3,4,5} voters_outgoing={1,2,3} learners={6} "
                         "before={1,2,3} after={3,4,5}&&{1,2,3}"))
        << id;
    if (id == 2) continue;
    EXPECT_TRUE(HasAudit(c.p(), id, "config_change",
                         "leave_joint voters={3,4,5} voters_outgoing={} learners={6} "
                         "before={3,4,5}&&{1,2,3} after={3,4,5}"))
        << id;
  }
  // Old voters 1 and 2 are out: they never campaign again, nor get entries.
  const uint64_t elections1 = Counter(c.p(), 1, api::kCounterElections) +
                              Counter(c.p(), 1, "pre_votes_started");
  c.Run(60);
  EXPECT_EQ(Counter(c.p(), 1, api::kCounterElections) + Counter(c.p(), 1, "pre_votes_started"),
            elections1);
  EXPECT_EQ(c.p().Leader(), leader);
  const api::ProtocolState sl = c.p().node(leader)->State();
  for (NodeId id : {3, 4, 5, 6}) {
    api::ProtocolState s = c.p().node(id)->State();
    EXPECT_EQ(s.commit_index, sl.commit_index) << id;
    EXPECT_EQ(s.kv_digest, sl.kv_digest) << id;
  }
  EXPECT_EQ(c.p().node(6)->State().role, api::Role::kLearner);
  EXPECT_LT(c.p().node(1)->State().last_index, sl.last_index);
  c.ExpectSafe();
}

// A joint configuration never lets one set's majority commit: only the old
// majority acks (the new set's other members are cut off), or only the new
// one does; commit stays put, check-quorum deposes the leader and nobody is
// elected, until both majorities are reachable again.
TEST(Joint, OneSetsMajorityAloneNeverCommits) {
  {
    SCOPED_TRACE("only the old majority acks");
    Cluster c(68);
    c.Start(3);
    ASSERT_TRUE(c.p().StartNode(4, {}).ok());
    ASSERT_TRUE(c.p().StartNode(5, {}).ok());
    c.p().Isolate(4);
    c.p().Isolate(5);
    const uint64_t commit = c.p().node(1)->State().commit_index;
    std::optional<api::Reply> r = c.Ask(1, ChangeConfig(9, 1, {3, 4, 5}), 0);
    EXPECT_FALSE(r.has_value());
    r = c.Ask(1, Put(1, 1, "a", "b"), 5);  // 1, 2 and 3 all hold it
    EXPECT_FALSE(r.has_value());
    for (NodeId id : {1, 2, 3}) {
      api::ProtocolState s = c.p().node(id)->State();
      EXPECT_EQ(s.last_index, commit + 2) << id;
      EXPECT_EQ(s.commit_index, commit) << id;
    }
    // Node 4 back: {3,4} is a majority of C_new, {1,2,3} of C_old.
    c.p().Heal(4);
    c.Run(10);
    api::ProtocolState s1 = c.p().node(1)->State();
    EXPECT_GE(s1.commit_index, commit + 3);  // enter, put, leave
    EXPECT_TRUE(s1.config.voters_outgoing.empty());
    EXPECT_EQ(s1.config.voters, (Ids{3, 4, 5}));
    c.ExpectSafe();
  }
  {
    SCOPED_TRACE("only the new majority acks");
    Cluster c(69);
    c.Start(3);
    ASSERT_TRUE(c.p().StartNode(4, {}).ok());
    ASSERT_TRUE(c.p().StartNode(5, {}).ok());
    c.p().Isolate(2);
    c.p().Isolate(3);
    const uint64_t commit = c.p().node(1)->State().commit_index;
    std::optional<api::Reply> r = c.Ask(1, ChangeConfig(9, 1, {1, 4, 5}), 0);
    EXPECT_FALSE(r.has_value());
    c.Run(4);
    for (NodeId id : {1, 4, 5}) {
      api::ProtocolState s = c.p().node(id)->State();
      EXPECT_EQ(s.last_index, commit + 1) << id;  // all of C_new holds ENTER_JOINT
      EXPECT_EQ(s.config.voters_outgoing, (Ids{1, 2, 3})) << id;
    }
    EXPECT_EQ(c.p().node(1)->State().commit_index, commit);
    // Check-quorum counts both halves: node 1 hears from all of C_new but
    // from no majority of C_old, and steps down; no one can be elected.
    c.Run(40);
    EXPECT_GE(Counter(c.p(), 1, "check_quorum_step_downs"), 1u);
    EXPECT_EQ(c.p().Leader(), 0u);
    // Nodes 4 and 5 campaign, and all of C_new would vote, but no majority
    // of C_old can: nobody wins (not even for one step).
    EXPECT_GE(Counter(c.p(), 4, "pre_votes_started") + Counter(c.p(), 5, "pre_votes_started"),
              1u);
    for (NodeId id : {4, 5}) {
      EXPECT_EQ(Counter(c.p(), id, api::kCounterLeaderChanges), 0u) << id;
    }
    EXPECT_EQ(Counter(c.p(), 1, api::kCounterLeaderChanges), 1u);
    for (NodeId id : {1, 4, 5}) EXPECT_EQ(c.p().node(id)->State().commit_index, commit) << id;
    c.p().HealAll();
    NodeId leader = c.p().RunUntilLeader(300);
    c.watch.Observe(c.p());
    ASSERT_NE(leader, 0u);
    c.Run(20);
    // Whoever won, the cluster agrees and is not left joint: either the
    // change finished ({1,4,5}) or a leader without it discarded it.
    const api::ProtocolState sl = c.p().node(c.p().Leader())->State();
    EXPECT_TRUE(sl.config.voters_outgoing.empty());
    EXPECT_TRUE(sl.config.voters == (Ids{1, 4, 5}) || sl.config.voters == (Ids{1, 2, 3}))
        << api::ConfigString(sl.config);
    c.Put(1);
    c.ExpectSafe();
  }
}

// The leader crashes after ENTER_JOINT committed but before LEAVE_JOINT
// did: either no LEAVE_JOINT ever left it (the followers hold C_new && C_old
// and do not know it committed), or they hold LEAVE_JOINT but the leader
// never heard them acknowledge it (they applied ENTER_JOINT: the applied
// configuration is joint). The next leader, from C_old only, from both sets,
// or from C_new only, finishes the change; the old leader, restarted, does
// not disturb. Compaction never covers the joint configuration in format 2.
enum class Cut { kLeaveNeverSent, kLeaveNeverAcked };

TEST(Joint, LeaderCrashBetweenEnterAndLeave) {
  for (Cut cut : {Cut::kLeaveNeverSent, Cut::kLeaveNeverAcked}) {
    for (NodeId next : {2u, 3u, 4u}) {
      const bool sent = cut == Cut::kLeaveNeverSent;
      SCOPED_TRACE(absl::StrCat(sent ? "LEAVE_JOINT never sent" : "LEAVE_JOINT never acked",
                                ", shortest election timeout on node ", next));
      Cluster c(70 + next + (sent ? 0 : 10));
      c.Start(3);
      c.Put(2);
      ASSERT_TRUE(c.p().StartNode(4, {}).ok());
      ASSERT_TRUE(c.p().StartNode(5, {}).ok());
      const uint64_t enter = c.p().node(1)->State().last_index + 1;
      if (sent) {
        c.p().SetFilter([](const Pump::Envelope& e) {
          return !(e.from == 1 && CarriesConfig(e, wire::v3::CONFIG_CHANGE_TYPE_LEAVE_JOINT));
        });
      } else {
        c.p().SetFilter([enter](const Pump::Envelope& e) {
          wire::v3::Message m;
          return !(e.to == 1 && m.ParseFromString(e.bytes) && m.has_append_entries_response() &&
                   m.append_entries_response().match_index() > enter);
        });
      }
      std::optional<api::Reply> r = c.Ask(1, ChangeConfig(9, 1, {3, 4, 5}), 5);
      EXPECT_FALSE(r.has_value());
      // ENTER_JOINT committed on the leader, which appended LEAVE_JOINT.
      api::ProtocolState s1 = c.p().node(1)->State();
      ASSERT_GE(s1.commit_index, enter);
      ASSERT_EQ(s1.config_index, enter + 1);
      ASSERT_LT(s1.commit_index, enter + 1);
      EXPECT_TRUE(s1.config.voters_outgoing.empty());
      for (NodeId id : {1, 2, 3, 4, 5}) {
        api::ProtocolState s = c.p().node(id)->State();
        if (id != 1 && sent) {
          EXPECT_EQ(s.config_index, enter) << id;
          EXPECT_EQ(s.config.voters_outgoing, (Ids{1, 2, 3})) << id;  // joint
          EXPECT_LT(s.commit_index, enter) << id;
        } else if (id != 1) {
          EXPECT_EQ(s.config_index, enter + 1) << id;
          EXPECT_TRUE(s.config.voters_outgoing.empty()) << id;
          EXPECT_EQ(s.applied_index, enter) << id;  // the applied configuration is joint
        }
        if (s.applied_index < enter) continue;
        // Formats 1 and 2 cannot hold a joint configuration: no compaction
        // while the applied configuration is joint.
        std::optional<api::Reply> cr = c.Ask(id, Compact(9, 50 + id), 0);
        ASSERT_TRUE(cr.has_value());
        if (SnapshotFormatFor(3) < 3) {
          EXPECT_EQ(cr->status.code(), absl::StatusCode::kUnavailable) << id << ": " << cr->status;
          EXPECT_LT(c.p().node(id)->State().snapshot_index, enter) << id;
        } else {
          // Format 3 holds it (voters_outgoing): compaction goes on.
          EXPECT_TRUE(cr->status.ok()) << id << ": " << cr->status;
          EXPECT_GE(c.p().node(id)->State().snapshot_format, 3u) << id;
        }
      }
      if (!sent && SnapshotFormatFor(3) >= 3) {
        // Node 2's snapshot (at ENTER_JOINT) carries the joint configuration
        // and node 2 recovers from it.
        ASSERT_EQ(c.p().node(2)->State().snapshot_index, enter);
        c.p().Crash(2, false);
        {
          Storage st(&c.p().env(2)->fs);
          absl::StatusOr<Recovered> rec = st.Open();
          ASSERT_TRUE(rec.ok()) << rec.status();
          ASSERT_TRUE(rec->snapshot.has_value());
          EXPECT_EQ(rec->snapshot_format, 3u);
          EXPECT_EQ(rec->snapshot->voters, (Ids{3, 4, 5}));
          EXPECT_EQ(rec->snapshot->voters_outgoing, (Ids{1, 2, 3}));
          EXPECT_EQ(rec->snapshot->config_index, enter);
        }
        ASSERT_TRUE(c.p().Restart(2).ok());
        api::ProtocolState s2 = c.p().node(2)->State();
        EXPECT_EQ(s2.config_index, enter + 1);  // LEAVE_JOINT, in the log after it
        EXPECT_TRUE(s2.config.voters_outgoing.empty());
      }
      c.p().Crash(1, false);
      c.p().ClearFilter();
      for (NodeId id : {2u, 3u, 4u, 5u}) c.rel->election_ticks[id] = id == next ? 3 : 30;
      for (NodeId id : {2, 3, 4, 5}) {  // restart (not crash) to pick the timeouts up
        ASSERT_TRUE(c.p().Restart(id).ok());
      }
      c.Run(80);
      NodeId leader = c.p().RunUntilLeader(200);
      c.watch.Observe(c.p());
      ASSERT_TRUE(leader == 3 || leader == 4 || leader == 5) << leader;
      // The change finished on C_new, by whoever led first.
      for (NodeId id : {3, 4, 5}) {
        api::ProtocolState s = c.p().node(id)->State();
        EXPECT_EQ(s.config.voters, (Ids{3, 4, 5})) << id;
        EXPECT_TRUE(s.config.voters_outgoing.empty()) << id;
        EXPECT_GE(s.commit_index, s.config_index) << id;
        EXPECT_GT(s.config_index, enter) << id;
        EXPECT_TRUE(HasAudit(c.p(), id, "config_change", "leave_joint voters={3,4,5}")) << id;
      }
      if (sent) {
        // The node with the shortest timeout led first and appended the
        // LEAVE_JOINT; node 2 (C_old only) then stepped down.
        EXPECT_EQ(Counter(c.p(), next, api::kCounterLeaderChanges), 1u);
        if (next != 2) EXPECT_EQ(leader, next);
      } else {
        // Every live node holds LEAVE_JOINT: node 2 is no voter any more and
        // never campaigns, whatever its timeout.
        EXPECT_EQ(Counter(c.p(), 2, api::kCounterElections), 0u);
        EXPECT_EQ(Counter(c.p(), 2, "pre_votes_started"), 0u);
      }
      EXPECT_NE(c.p().node(2)->State().role, api::Role::kLeader);
      // The old leader comes back and is not a member: it neither campaigns
      // nor disturbs.
      ASSERT_TRUE(c.p().Restart(1).ok());
      c.Put(2);
      c.Run(60);
      EXPECT_EQ(c.p().Leader(), leader);
      EXPECT_EQ(Counter(c.p(), 1, api::kCounterElections), 0u);
      EXPECT_EQ(Counter(c.p(), 1, "pre_votes_started"), 0u);
      c.Put(1);
      c.Run(3);
      const api::ProtocolState sl = c.p().node(leader)->State();
      for (NodeId id : {3, 4, 5}) {
        EXPECT_EQ(c.p().node(id)->State().kv_digest, sl.kv_digest) << id;
      }
      // Now compaction covers the configuration change.
      std::optional<api::Reply> cr = c.Ask(leader, Compact(9, 99), 0);
      ASSERT_TRUE(cr.has_value());
      EXPECT_TRUE(cr->status.ok()) << cr->status;
      EXPECT_GT(c.p().node(leader)->State().snapshot_index, enter + 1);
      c.p().Crash(leader, false);
      ASSERT_TRUE(c.p().Restart(leader).ok());
      EXPECT_EQ(c.p().node(leader)->State().config.voters, (Ids{3, 4, 5}));
      c.ExpectSafe();
    }
  }
}

// Random voter changes among five nodes under isolation, crashes (torn
// writes included) and restarts: never two leaders in a term, never two
// entries applied at one index; once healed, one leader, not joint, and
// every member of the final configuration holds the same state.
TEST(Joint, RandomChangesUnderFaultsStaySafe) {
  int moved = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Cluster c(900 + seed);
    c.Start(3);
    ASSERT_TRUE(c.p().StartNode(4, {}).ok());
    ASSERT_TRUE(c.p().StartNode(5, {}).ok());
    uint64_t x = seed * 0x9E3779B97F4A7C15ull;
    auto next = [&x](uint64_t n) {  // splitmix64, portable
      x += 0x9E3779B97F4A7C15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return (z ^ (z >> 31)) % n;
    };
    uint64_t client_seq = 1;
    for (int round = 0; round < 40; ++round) {
      const NodeId victim = 1 + next(5);
      switch (next(6)) {
        case 0:
          c.p().Isolate(victim);
          break;
        case 1:
          c.p().HealAll();
          break;
        case 2:
          if (c.p().node(victim) != nullptr) {
            c.p().Crash(victim, /*tear=*/next(2) == 0);
          } else {
            ASSERT_TRUE(c.p().Restart(victim).ok());
          }
          break;
        default: {
          NodeId leader = c.p().Leader();
          if (leader == 0) break;
          Ids voters;
          for (NodeId id = 1; id <= 5; ++id) {
            if (next(2) == 0) voters.push_back(id);
          }
          if (voters.empty()) voters.push_back(1 + next(5));
          c.Ask(leader, ChangeConfig(9, client_seq++, voters), 0);
          c.Ask(leader, Put(2, client_seq++, "k", absl::StrCat(round)), 0);
          break;
        }
      }
      c.Run(5);
    }
    c.p().HealAll();
    for (NodeId id = 1; id <= 5; ++id) {
      if (c.p().node(id) == nullptr) ASSERT_TRUE(c.p().Restart(id).ok());
    }
    c.Run(150);
    NodeId leader = c.p().RunUntilLeader(300);
    ASSERT_NE(leader, 0u);
    c.Put(1);
    c.Run(20);
    leader = c.p().Leader();
    ASSERT_NE(leader, 0u);
    const api::ProtocolState sl = c.p().node(leader)->State();
    EXPECT_TRUE(sl.config.voters_outgoing.empty()) << api::ConfigString(sl.config);
    for (NodeId id : sl.config.voters) {
      api::ProtocolState s = c.p().node(id)->State();
      EXPECT_EQ(s.config, sl.config) << id;
      EXPECT_EQ(s.commit_index, sl.commit_index) << id;
      EXPECT_EQ(s.kv_digest, sl.kv_digest) << id;
    }
    c.ExpectSafe();
    if (sl.config.voters != (Ids{1, 2, 3})) ++moved;
  }
  EXPECT_GE(moved, 6);  // the changes happened (and were exercised under faults)
}

}  // namespace
}  // namespace raftlog::v3
