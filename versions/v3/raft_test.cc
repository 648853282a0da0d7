// Scenarios of release v3 (first written for v1) that need crafted messages
// or constructed logs:
// the commit rule of section 5.4.2 (Figure 8), configuration guards, fast
// backtracking, and hostile input on the wire.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/mem_env.h"
#include "versions/api/pump.h"
#include "versions/v3/auth.h"
#include "versions/v3/node.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using namespace raftlog::v3::testing;  // NOLINT

Message Header(NodeId from, NodeId to, uint64_t term, wire::v3::MessageType type) {
  Message m;
  m.set_protocol_version(1);
  m.set_type(type);
  m.set_from(from);
  m.set_to(to);
  m.set_term(term);
  return m;
}

std::string VoteResponse(NodeId from, NodeId to, uint64_t term, bool granted) {
  Message m = Header(from, to, term, wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE);
  m.mutable_request_vote_response()->set_granted(granted);
  return m.SerializeAsString();
}

std::string AppendOk(NodeId from, NodeId to, uint64_t term, uint64_t match) {
  Message m = Header(from, to, term, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE);
  m.mutable_append_entries_response()->set_success(true);
  m.mutable_append_entries_response()->set_match_index(match);
  m.mutable_append_entries_response()->set_last_index(match);
  return m.SerializeAsString();
}

uint64_t Count(const Node& n, const std::string& name) {
  auto c = n.Counters();
  auto it = c.find(name);
  return it == c.end() ? 0 : it->second;
}

// A v3 node on its own MemEnv with a constructed data directory.
struct Solo {
  Solo(NodeId id, const HardState& hs, const std::vector<wire::v3::Entry>& log) : env(id) {
    EXPECT_TRUE(WriteDataDir(&env.fs, hs, log).ok());
    api::NodeOptions o = TestNodeOptions();
    o.id = id;
    o.env = env.env();
    node = std::make_unique<Node>(o);
    EXPECT_TRUE(node->Start().ok());
    node->TakeReady();
  }
  api::MemEnv env;
  std::unique_ptr<Node> node;
};

// Raft paper, Figure 8 (c): S1 leads term 4 with log [1, 2@t2, 3@t4]. Index 2
// reaches a majority (S1, S2, S3) but is from term 2, so it is not committed
// by counting replicas; only once index 3 (term 4) is on a majority do both
// commit. (Cluster.Figure8OldTermEntryOnAMajorityCanBeOverwritten shows why.)
TEST(Raft, Figure8OldTermEntryIsNotCommittedByCounting) {
  const std::vector<NodeId> ids = {1, 2, 3, 4, 5};
  Solo s1(1, HardState{3, 0, 1}, LogWithTerms(ids, {2}));
  Node& n = *s1.node;
  n.mutable_raft()->Campaign();
  EXPECT_EQ(n.State().term, 4u);
  EXPECT_EQ(n.State().role, api::Role::kCandidate);
  ASSERT_TRUE(n.Deliver(2, VoteResponse(2, 1, 4, true)).ok());
  ASSERT_TRUE(n.Deliver(3, VoteResponse(3, 1, 4, true)).ok());
  ASSERT_EQ(n.State().role, api::Role::kLeader);
  EXPECT_EQ(n.State().last_index, 3u);  // its NOOP of term 4
  EXPECT_EQ(n.EntryAt(3)->term, 4u);

  // Before any entry of term 4 committed, no configuration change.
  std::optional<api::Reply> early;
  n.Submit(AddVoter(9, 1, 6));
  for (const api::Reply& r : n.TakeReady().replies) early = r;
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status.code(), absl::StatusCode::kUnavailable) << early->status;
  EXPECT_NE(early->status.message().find("not yet committed an entry of its term"),
            std::string::npos);

  ASSERT_TRUE(n.Deliver(2, AppendOk(2, 1, 4, 2)).ok());
  ASSERT_TRUE(n.Deliver(3, AppendOk(3, 1, 4, 2)).ok());
  EXPECT_EQ(n.State().commit_index, 1u);  // index 2 on 3 of 5, but from term 2
  ASSERT_TRUE(n.Deliver(2, AppendOk(2, 1, 4, 3)).ok());
  EXPECT_EQ(n.State().commit_index, 1u);  // index 3 on 2 of 5
  ASSERT_TRUE(n.Deliver(3, AppendOk(3, 1, 4, 3)).ok());
  EXPECT_EQ(n.State().commit_index, 3u);  // index 3 on a majority: 2 and 3 commit
  api::Ready ready = n.TakeReady();
  ASSERT_EQ(ready.applied.size(), 2u);
  EXPECT_EQ(ready.applied[0].index, 2u);
  EXPECT_EQ(ready.applied[1].index, 3u);

  // Now a change is accepted, takes effect on append, and blocks the next.
  n.Submit(AddVoter(9, 2, 6));
  EXPECT_EQ(n.State().config.voters, (std::vector<NodeId>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(n.State().config_index, 4u);
  EXPECT_TRUE(n.TakeReady().replies.empty());  // pending until committed
  n.Submit(RemoveVoter(9, 3, 2));
  std::vector<api::Reply> replies = n.TakeReady().replies;
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status.code(), absl::StatusCode::kUnavailable) << replies[0].status;
  // With six voters the quorum is four.
  ASSERT_TRUE(n.Deliver(2, AppendOk(2, 1, 4, 4)).ok());
  ASSERT_TRUE(n.Deliver(3, AppendOk(3, 1, 4, 4)).ok());
  EXPECT_EQ(n.State().commit_index, 3u);
  ASSERT_TRUE(n.Deliver(4, AppendOk(4, 1, 4, 4)).ok());
  EXPECT_EQ(n.State().commit_index, 4u);
  replies = n.TakeReady().replies;
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].status.ok());
  EXPECT_EQ(replies[0].index, 4u);
}

// The hard state is durable before the vote leaves: a node that granted a
// vote and crashed does not vote for someone else in the same term.
TEST(Raft, VoteIsDurableBeforeTheReply) {
  const std::vector<NodeId> ids = {1, 2, 3};
  api::MemEnv env(3);
  ASSERT_TRUE(WriteDataDir(&env.fs, HardState{1, 0, 1}, LogWithTerms(ids, {})).ok());
  api::NodeOptions o = TestNodeOptions();
  o.id = 3;
  o.env = env.env();
  auto vote_request = [](NodeId from) {
    Message m = Header(from, 3, 2, wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
    m.mutable_request_vote()->set_last_log_index(1);
    m.mutable_request_vote()->set_last_log_term(1);
    return m.SerializeAsString();
  };
  auto granted = [](const api::Ready& r) {
    Message m;
    EXPECT_EQ(r.messages.size(), 1u);
    EXPECT_TRUE(m.ParseFromString(r.messages.at(0).bytes));
    return m.request_vote_response().granted();
  };
  {
    Node n(o);
    ASSERT_TRUE(n.Start().ok());
    n.TakeReady();
    ASSERT_TRUE(n.Deliver(1, vote_request(1)).ok());
    EXPECT_TRUE(granted(n.TakeReady()));
  }
  env.fs.Crash();
  Node n(o);
  ASSERT_TRUE(n.Start().ok());
  n.TakeReady();
  EXPECT_EQ(n.State().vote, 1u);
  ASSERT_TRUE(n.Deliver(2, vote_request(2)).ok());
  EXPECT_FALSE(granted(n.TakeReady()));
  ASSERT_TRUE(n.Deliver(1, vote_request(1)).ok());  // the same candidate again: yes
  EXPECT_TRUE(granted(n.TakeReady()));
}

// A follower with 40 conflicting entries is repaired in a few round trips,
// not 40: the reject carries the conflicting term and its first index.
TEST(Raft, FastBacktrackingSkipsAWholeConflictingTerm) {
  const std::vector<NodeId> ids = {1, 2, 3};
  std::vector<uint64_t> leader_terms(40, 3), follower_terms(40, 2);
  api::Pump p = MakePump(ids, 5);
  ASSERT_TRUE(WriteDataDir(&p.env(1)->fs, HardState{5, 0, 1}, LogWithTerms(ids, leader_terms)).ok());
  ASSERT_TRUE(WriteDataDir(&p.env(2)->fs, HardState{5, 0, 1}, LogWithTerms(ids, leader_terms)).ok());
  ASSERT_TRUE(
      WriteDataDir(&p.env(3)->fs, HardState{5, 0, 1}, LogWithTerms(ids, follower_terms)).ok());
  for (NodeId id : ids) ASSERT_TRUE(p.StartNode(id, {}).ok());
  int rejects = 0;
  p.SetFilter([&rejects](const api::Pump::Envelope& e) {
    Message m;
    if (e.from == 3 && m.ParseFromString(e.bytes) && m.has_append_entries_response() &&
        !m.append_entries_response().success()) {
      ++rejects;
    }
    return true;
  });
  for (int i = 0; i < 100 && p.Leader() != 1; ++i) {
    p.Tick(1);
    p.DeliverAll();
  }
  ASSERT_EQ(p.Leader(), 1u);
  for (int i = 0; i < 10; ++i) {
    p.Tick(1);
    p.DeliverAll();
  }
  EXPECT_EQ(p.node(3)->State().last_index, 42u);
  EXPECT_EQ(p.node(3)->EntryAt(41)->term, 3u);
  EXPECT_EQ(p.node(3)->State().commit_index, 42u);
  EXPECT_GE(rejects, 1);
  EXPECT_LE(rejects, 3);
}

// Hostile bytes: every kind is refused with a Status and counted; the node
// keeps working.
TEST(Raft, GarbageAndUnknownMessagesAreCountedNeverFatal) {
  api::Pump p = MakePump({1, 2, 3}, 3);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  NodeId target = leader == 1 ? 2 : 1;
  Node* unused = nullptr;
  (void)unused;
  api::Node* n = p.node(target);
  uint64_t term = n->State().term;
  auto counters = [&]() { return n->Counters(); };
  auto deliver = [&](const std::string& bytes) { return n->Deliver(leader, bytes); };

  // 1. Random garbage, many lengths.
  api::SeededRandom rnd(99);
  int errors = 0;
  for (int i = 0; i < 200; ++i) {
    std::string g(rnd.Uniform(64), '\0');
    for (char& c : g) c = static_cast<char>(rnd.Next());
    if (!deliver(g).ok()) ++errors;
  }
  EXPECT_GT(errors, 150);  // a few random strings may parse as an empty message
  EXPECT_GT(counters()["decode_errors"] + counters()["unknown_message_types"], 150u);

  // 2. Every strict prefix of a valid AppendEntries is refused.
  Message ae = Header(leader, target, term, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  ae.mutable_append_entries()->set_prev_log_index(0);
  *ae.mutable_append_entries()->add_entries() = CommandEntry(1, 1, "k", "v");
  std::string full = ae.SerializeAsString();
  uint64_t before = counters()["decode_errors"] + counters()["unknown_message_types"];
  for (size_t len = 0; len < full.size(); ++len) {
    EXPECT_FALSE(deliver(full.substr(0, len)).ok()) << "prefix " << len;
  }
  EXPECT_EQ(counters()["decode_errors"] + counters()["unknown_message_types"],
            before + full.size());

  // 3. An unknown message type (a later tag's), with and without a body.
  Message unknown_type = Header(leader, target, term, wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
  unknown_type.set_type(static_cast<wire::v3::MessageType>(42));
  unknown_type.mutable_request_vote();
  uint64_t unknown_before = counters()["unknown_message_types"];
  absl::Status s = deliver(unknown_type.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  // 4. A body case v1 does not know (field 40), type of a known kind.
  std::string only_unknown_body =
      Header(leader, target, term, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES).SerializeAsString() +
      std::string("\xc2\x02\x02\x08\x01", 5);
  s = deliver(only_unknown_body);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  // 5. An entry type v1 does not know, inside an AppendEntries.
  Message bad_entry = ae;
  bad_entry.mutable_append_entries()->mutable_entries(0)->set_type(
      static_cast<wire::v3::EntryType>(17));
  s = deliver(bad_entry.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  // 6. A newer protocol version (v3 speaks 1..3; v1's test sent 2 here).
  Message v2 = ae;
  v2.set_protocol_version(4);
  s = deliver(v2.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_EQ(counters()["unknown_message_types"], unknown_before + 4);

  // 7. Self-contradicting messages: type vs body, sender, recipient, order.
  uint64_t decode_before = counters()["decode_errors"];
  Message mismatch = Header(leader, target, term, wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
  mismatch.mutable_append_entries();
  EXPECT_EQ(deliver(mismatch.SerializeAsString()).code(), absl::StatusCode::kInvalidArgument);
  Message wrong_from = ae;
  wrong_from.set_from(77);
  EXPECT_EQ(deliver(wrong_from.SerializeAsString()).code(), absl::StatusCode::kInvalidArgument);
  Message wrong_to = ae;
  wrong_to.set_to(77);
  EXPECT_EQ(deliver(wrong_to.SerializeAsString()).code(), absl::StatusCode::kInvalidArgument);
  Message gap = ae;
  gap.mutable_append_entries()->mutable_entries(0)->set_index(5);
  EXPECT_EQ(deliver(gap.SerializeAsString()).code(), absl::StatusCode::kInvalidArgument);
  Message future_term = ae;
  future_term.mutable_append_entries()->mutable_entries(0)->set_term(term + 1);
  EXPECT_EQ(deliver(future_term.SerializeAsString()).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(counters()["decode_errors"], decode_before + 5);

  // 8. A snapshot in a format v1 does not read, and one with corrupt bytes.
  Message snap = Header(leader, target, term, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  snap.mutable_install_snapshot()->set_last_index(1000);
  snap.mutable_install_snapshot()->set_last_term(term);
  snap.mutable_install_snapshot()->set_format(2);
  snap.mutable_install_snapshot()->set_data("RLSNAP\r\n....");
  EXPECT_EQ(deliver(snap.SerializeAsString()).code(), absl::StatusCode::kUnimplemented);
  snap.mutable_install_snapshot()->set_format(1);
  snap.mutable_install_snapshot()->set_data(std::string("RLSNAP\r\n\x01\x00\x00\x00", 12) +
                                            std::string(40, '\x07'));
  absl::Status corrupt = deliver(snap.SerializeAsString());
  EXPECT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.code(), absl::StatusCode::kUnimplemented) << corrupt;
  EXPECT_EQ(n->State().snapshot_index, 0u);  // nothing installed

  // Nothing of this broke the node or the cluster.
  EXPECT_EQ(n->State().term, term);
  std::optional<api::Reply> put = p.SubmitToLeader(Put(1, 1, "k", "v"), 100);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(put->status.ok());
  p.Steps(3);
  EXPECT_EQ(n->State().applied_index, p.node(leader)->State().applied_index);
  EXPECT_EQ(p.violations(), 0u);
}

// v2's additions to the wire, hostile or malformed: refused with a Status and
// counted, never fatal, never installed.
TEST(Raft, HostileV2MessagesAreRefusedNeverFatal) {
  api::Pump p = MakePump({1, 2, 3}, 4);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  p.Steps(3);
  std::optional<api::Reply> fin = p.Submit(leader, Finalize(9, 1), 20);
  ASSERT_TRUE(fin.has_value() && fin->status.ok());
  NodeId target = leader == 1 ? 2 : 1;
  api::Node* n = p.node(target);
  const uint64_t term = n->State().term;
  // From the leader, with a valid MAC (cluster version 3 drops anything
  // unauthenticated before these checks): a buggy peer, not a forger.
  auto deliver = [&](Message m) { return n->Deliver(leader, auth::Seal(kTestClusterKey, &m)); };
  auto counter = [&](const std::string& name) { return n->Counters()[name]; };

  // A chunk in a format that is not chunked (1), or of no known format.
  Message chunk = Header(leader, target, term, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK);
  chunk.set_protocol_version(2);
  auto* c = chunk.mutable_install_snapshot_chunk();
  c->set_last_index(1000);
  c->set_last_term(term);
  c->set_format(1);
  c->set_data("RLSNAP\r\n");
  EXPECT_EQ(deliver(chunk).code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(counter("unknown_snapshot_formats"), 1u);
  // Format 2 but garbage at offset 0: refused, the leader is told to resend.
  c->set_format(2);
  c->set_data(std::string(100, '\x07'));
  c->set_crc(0);
  EXPECT_FALSE(deliver(chunk).ok());
  // A chunk from the middle of a transfer that never started: answered with
  // offset 0 (start over), not an error.
  c->set_offset(500);
  EXPECT_TRUE(deliver(chunk).ok());
  EXPECT_EQ(n->State().snapshot_index, 0u);

  // A pre-vote for a huge term moves no term and gets no grant (a leader is
  // known).
  Message pv = Header(leader, target, term + 100, wire::v3::MESSAGE_TYPE_PRE_VOTE);
  pv.set_protocol_version(2);
  pv.mutable_pre_vote()->set_last_log_index(1u << 30);
  pv.mutable_pre_vote()->set_last_log_term(term + 100);
  EXPECT_TRUE(deliver(pv).ok());
  EXPECT_EQ(n->State().term, term);

  // Protocol 4, a cluster version entry of 4 (a newer release's) or of 0.
  uint64_t unknown_before = counter("unknown_message_types");
  Message ae = Header(leader, target, term, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  ae.set_protocol_version(4);
  EXPECT_EQ(deliver(ae).code(), absl::StatusCode::kUnimplemented);
  ae.set_protocol_version(2);
  const uint64_t last = n->State().last_index;
  ae.mutable_append_entries()->set_prev_log_index(last);
  ae.mutable_append_entries()->set_prev_log_term(n->State().last_term);
  *ae.mutable_append_entries()->add_entries() = VersionEntry(last + 1, term, 4);
  EXPECT_EQ(deliver(ae).code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(counter("unknown_message_types"), unknown_before + 2);
  uint64_t decode_before = counter("decode_errors");
  *ae.mutable_append_entries()->mutable_entries(0) = VersionEntry(last + 1, term, 0);
  EXPECT_EQ(deliver(ae).code(), absl::StatusCode::kInvalidArgument);
  // A configuration whose learner is also a voter.
  wire::v3::ConfigChange cc;
  cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_ADD_LEARNER);
  cc.add_voters(1);
  cc.add_voters(2);
  cc.add_learners(2);
  ae.mutable_append_entries()->mutable_entries(0)->set_type(wire::v3::ENTRY_TYPE_CONFIG);
  ae.mutable_append_entries()->mutable_entries(0)->set_data(cc.SerializeAsString());
  EXPECT_EQ(deliver(ae).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(counter("decode_errors"), decode_before + 2);
  EXPECT_EQ(n->State().last_index, last);

  // The cluster carries on.
  std::optional<api::Reply> put = p.SubmitToLeader(Put(1, 1, "k", "v"), 100);
  ASSERT_TRUE(put.has_value() && put->status.ok());
  p.Steps(3);
  EXPECT_EQ(n->State().applied_index, p.node(leader)->State().applied_index);
  EXPECT_EQ(n->State().term, term);
  EXPECT_EQ(p.violations(), 0u);
}

// A stale leader hears the new term in the reply and steps down.
TEST(Raft, StaleLeaderStepsDownOnAHigherTermReply) {
  const std::vector<NodeId> ids = {1, 2, 3};
  Solo s1(1, HardState{3, 0, 1}, LogWithTerms(ids, {}));
  Node& n = *s1.node;
  n.mutable_raft()->Campaign();
  ASSERT_TRUE(n.Deliver(2, VoteResponse(2, 1, 4, true)).ok());
  ASSERT_EQ(n.State().role, api::Role::kLeader);
  Message r = Header(2, 1, 9, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE);
  r.mutable_append_entries_response()->set_success(false);
  ASSERT_TRUE(n.Deliver(2, r.SerializeAsString()).ok());
  EXPECT_EQ(n.State().role, api::Role::kFollower);
  EXPECT_EQ(n.State().term, 9u);
  // And a message from an older term is answered with the current one.
  n.TakeReady();
  Message old = Header(3, 1, 2, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  old.mutable_append_entries();
  ASSERT_TRUE(n.Deliver(3, old.SerializeAsString()).ok());
  api::Ready ready = n.TakeReady();
  ASSERT_EQ(ready.messages.size(), 1u);
  Message answer;
  ASSERT_TRUE(answer.ParseFromString(ready.messages[0].bytes));
  EXPECT_EQ(answer.term(), 9u);
  EXPECT_FALSE(answer.append_entries_response().success());
  EXPECT_EQ(n.Counters()[kCounterStaleTerm], 1u);
}

// Restart replays the committed log into the same state (applied entries and
// digest), and an audit chain that verifies.
TEST(Raft, RestartReplaysToTheSameStateAndChainsAudit) {
  api::Pump p = MakePump({1}, 4);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_TRUE(p.StartNode(2, {}).ok());  // joins
  ASSERT_EQ(p.RunUntilLeader(50), 1u);
  for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(p.SubmitToLeader(Put(1, i, "k", "v"), 10));
  std::optional<api::Reply> add = p.SubmitToLeader(AddVoter(2, 1, 2), 10);
  ASSERT_TRUE(add.has_value());
  EXPECT_TRUE(add->status.ok()) << add->status;
  api::ProtocolState before = p.node(1)->State();
  p.Crash(1, true);
  ASSERT_TRUE(p.Restart(1).ok());
  api::ProtocolState after = p.node(1)->State();
  EXPECT_EQ(after.applied_index, before.applied_index);
  EXPECT_EQ(after.kv_digest, before.kv_digest);
  EXPECT_EQ(after.config.voters, (std::vector<NodeId>{1, 2}));
  // Audit events of this incarnation: bootstrap config and the add, chained.
  const std::vector<api::AuditEvent>& audit = p.audit(1);
  ASSERT_GE(audit.size(), 4u);  // two per incarnation
  uint64_t chain = 0;
  uint64_t seq = 0;
  for (const api::AuditEvent& ev : audit) {
    if (ev.seq == 1) chain = 0, seq = 0;  // a new incarnation starts a new chain
    EXPECT_EQ(ev.seq, ++seq);
    EXPECT_EQ(ev.chain, api::ChainDigest(chain, ev.seq, ev.kind, ev.detail));
    chain = ev.chain;
  }
}

}  // namespace
}  // namespace raftlog::v3
