// Protocol promises of release v3 pinned one by one with crafted messages on
// a node with a constructed data directory (raft_test.cc's style): what a
// follower does with a duplicated or reordered AppendEntries, with a snapshot
// carrying a (joint) configuration and a cluster version, with a message of a
// lower term; and that a learner's vote or acknowledgment never counts.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "versions/api/mem_env.h"
#include "versions/v3/node.h"
#include "versions/v3/raft.h"
#include "versions/v3/storage.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Entry;
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

std::string Append(NodeId from, NodeId to, uint64_t term, uint64_t prev, uint64_t prev_term,
                   const std::vector<Entry>& entries, uint64_t leader_commit) {
  Message m = Header(from, to, term, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  wire::v3::AppendEntries* ae = m.mutable_append_entries();
  ae->set_prev_log_index(prev);
  ae->set_prev_log_term(prev_term);
  ae->set_leader_commit(leader_commit);
  for (const Entry& e : entries) *ae->add_entries() = e;
  return m.SerializeAsString();
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

uint64_t CounterOf(const Node& n, const std::string& name) {
  auto c = n.Counters();
  auto it = c.find(name);
  return it == c.end() ? 0 : it->second;
}

// A v3 node on its own MemEnv with a constructed data directory.
struct Solo {
  Solo(NodeId id, const HardState& hs, const std::vector<Entry>& log) : env(id) {
    EXPECT_TRUE(WriteDataDir(&env.fs, hs, log).ok());
    api::NodeOptions o = TestNodeOptions();
    o.id = id;
    o.env = env.env();
    node = std::make_unique<Node>(o);
    EXPECT_TRUE(node->Start().ok());
    node->TakeReady();
  }
  // The terms of the entries held, index 1.. (no snapshot in these tests).
  std::vector<uint64_t> Terms() const {
    std::vector<uint64_t> terms;
    const RaftLog& log = node->raft().log();
    for (uint64_t i = log.first_index(); i <= log.last_index(); ++i) {
      terms.push_back(log.At(i)->term());
    }
    return terms;
  }
  api::MemEnv env;
  std::unique_ptr<Node> node;
};

// The entry LogWithTerms would hold at `index` with term `term`.
Entry Held(uint64_t index, uint64_t term) {
  return CommandEntry(index, term, "k" + std::to_string(index), "t" + std::to_string(term));
}

// Figure 2, AppendEntries rule 3: only an entry that CONFLICTS (same index,
// other term) is deleted with all that follow. A duplicated or reordered
// (older) AppendEntries whose entries the follower already holds must leave
// the entries after them alone, and nothing at or below the commit index
// ever changes.
TEST(Promises, DuplicatedOrReorderedAppendEntriesNeverTruncateHeldEntries) {
  // Follower 2 holds [1 config@1, 2@1, 3@2, 4@2, 5@2], term 2, commit 2.
  Solo s(2, HardState{2, 0, 2}, LogWithTerms({1, 2, 3}, {1, 2, 2, 2}));
  Node& n = *s.node;
  const std::vector<uint64_t> held = {1, 1, 2, 2, 2};
  ASSERT_EQ(s.Terms(), held);

  // An old AppendEntries that carried only entry 3 (delivered again, late).
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 2, 2, 1, {Held(3, 2)}, 2)).ok());
  EXPECT_EQ(s.Terms(), held);
  // One carrying entries 3..4, and a heartbeat from before entry 3 existed.
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 2, 2, 1, {Held(3, 2), Held(4, 2)}, 2)).ok());
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 2, 2, 1, {}, 2)).ok());
  EXPECT_EQ(s.Terms(), held);
  // One from below the commit index (its prefix is committed on both sides).
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 2, 1, 1, {Held(2, 1)}, 1)).ok());
  EXPECT_EQ(s.Terms(), held);
  EXPECT_EQ(n.State().last_index, 5u);
  EXPECT_EQ(n.State().commit_index, 2u);
  // A stale leader_commit never lowers the commit index either.
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 2, 2, 1, {}, 0)).ok());
  EXPECT_EQ(n.State().commit_index, 2u);
  // Every one of them was acknowledged (the leader may advance its match).
  api::Ready ready = n.TakeReady();
  int acks = 0;
  for (const api::Outbound& o : ready.messages) {
    Message r;
    ASSERT_TRUE(r.ParseFromString(o.bytes));
    if (r.has_append_entries_response()) {
      EXPECT_TRUE(r.append_entries_response().success());
      ++acks;
    }
  }
  EXPECT_EQ(acks, 5);

  // The control: a real conflict at index 4 (term 3 there) does delete 4 and
  // everything after it, and keeps 1..3.
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 3, 3, 2, {Held(4, 3)}, 2)).ok());
  EXPECT_EQ(s.Terms(), (std::vector<uint64_t>{1, 1, 2, 3}));
  EXPECT_EQ(n.State().commit_index, 2u);
}

// A follower that installs a snapshot takes the configuration the snapshot
// carries, a joint one included (format 3, cluster version 3), and the
// snapshot's cluster version; and a format-2 snapshot's learners.
TEST(Promises, SnapshotInstallAdoptsItsJointConfigurationAndClusterVersion) {
  Solo s(4, HardState{1, 0, 1}, {ConfigEntry(1, 1, {1, 2, 3})});
  Node& n = *s.node;
  ASSERT_EQ(n.State().cluster_version, 1u);

  snapshots::SnapshotState st;
  st.last_index = 10;
  st.last_term = 2;
  st.voters = {3, 4, 5};
  st.voters_outgoing = {1, 2, 3};
  st.config_index = 9;
  st.cluster_version = 3;
  st.kv = {{"k", "v"}};
  absl::StatusOr<std::string> bytes = Storage::EncodeSnapshot(st, kSnapshotFormat3);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  Message m = Header(1, 4, 2, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  m.mutable_install_snapshot()->set_last_index(10);
  m.mutable_install_snapshot()->set_last_term(2);
  m.mutable_install_snapshot()->set_format(kSnapshotFormat3);
  m.mutable_install_snapshot()->set_data(*bytes);
  ASSERT_TRUE(n.Deliver(1, m.SerializeAsString()).ok());

  api::ProtocolState ps = n.State();
  EXPECT_EQ(ps.snapshot_index, 10u);
  EXPECT_EQ(ps.commit_index, 10u);
  EXPECT_EQ(ps.snapshot_format, kSnapshotFormat3);
  EXPECT_EQ(ps.config.voters, (std::vector<NodeId>{3, 4, 5}));
  EXPECT_EQ(ps.config.voters_outgoing, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(ps.config_index, 9u);
  EXPECT_EQ(ps.cluster_version, 3u);
  EXPECT_EQ(CounterOf(n, kCounterSnapshotInstallsFormat3), 1u);
  EXPECT_EQ(CounterOf(n, api::kCounterSnapshotsInstalled), 1u);

  // Another node, a format-2 snapshot at cluster version 2 with a learner.
  Solo s2(4, HardState{1, 0, 1}, {ConfigEntry(1, 1, {1, 2, 3})});
  snapshots::SnapshotState st2;
  st2.last_index = 7;
  st2.last_term = 2;
  st2.voters = {1, 2, 3};
  st2.learners = {4};
  st2.config_index = 6;
  st2.cluster_version = 2;
  absl::StatusOr<std::string> bytes2 = Storage::EncodeSnapshot(st2, kSnapshotFormat2);
  ASSERT_TRUE(bytes2.ok()) << bytes2.status();
  Message m2 = Header(1, 4, 2, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  m2.mutable_install_snapshot()->set_last_index(7);
  m2.mutable_install_snapshot()->set_last_term(2);
  m2.mutable_install_snapshot()->set_format(kSnapshotFormat2);
  m2.mutable_install_snapshot()->set_data(*bytes2);
  ASSERT_TRUE(s2.node->Deliver(1, m2.SerializeAsString()).ok());
  EXPECT_EQ(s2.node->State().config.voters, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(s2.node->State().config.learners, (std::vector<NodeId>{4}));
  EXPECT_TRUE(s2.node->State().config.voters_outgoing.empty());
  EXPECT_EQ(s2.node->State().cluster_version, 2u);
  EXPECT_EQ(CounterOf(*s2.node, kCounterSnapshotInstallsFormat2), 1u);
}

// A message of a lower term (a deposed leader's, a stale candidate's,
// delayed) changes neither term, nor vote, nor log, nor commit; it is only
// answered with the current term.
TEST(Promises, LowerTermMessagesChangeNeitherTermVoteNorLog) {
  // Node 2: term 5, voted for 3, log [1 config@1, 2@1, 3@4, 4@5], commit 2.
  Solo s(2, HardState{5, 3, 2}, LogWithTerms({1, 2, 3}, {1, 4, 5}));
  Node& n = *s.node;
  const std::vector<uint64_t> held = {1, 1, 4, 5};
  ASSERT_EQ(s.Terms(), held);

  // A term-4 leader overwriting 3..4 and committing them.
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 4, 2, 1, {Held(3, 3), Held(4, 4)}, 4)).ok());
  // A term-4 candidate with a longer log.
  Message rv = Header(1, 2, 4, wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
  rv.mutable_request_vote()->set_last_log_index(100);
  rv.mutable_request_vote()->set_last_log_term(4);
  ASSERT_TRUE(n.Deliver(1, rv.SerializeAsString()).ok());
  // A term-3 snapshot.
  snapshots::SnapshotState st;
  st.last_index = 20;
  st.last_term = 3;
  st.voters = {1, 2, 3};
  st.config_index = 1;
  absl::StatusOr<std::string> bytes = Storage::EncodeSnapshot(st, kSnapshotFormat);
  ASSERT_TRUE(bytes.ok());
  Message is = Header(1, 2, 3, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  is.mutable_install_snapshot()->set_last_index(20);
  is.mutable_install_snapshot()->set_last_term(3);
  is.mutable_install_snapshot()->set_format(kSnapshotFormat);
  is.mutable_install_snapshot()->set_data(*bytes);
  ASSERT_TRUE(n.Deliver(1, is.SerializeAsString()).ok());

  api::ProtocolState ps = n.State();
  EXPECT_EQ(ps.term, 5u);
  EXPECT_EQ(ps.vote, 3u);
  EXPECT_EQ(ps.commit_index, 2u);
  EXPECT_EQ(ps.snapshot_index, 0u);
  EXPECT_EQ(ps.leader, 0u);
  EXPECT_EQ(s.Terms(), held);
  EXPECT_EQ(CounterOf(n, kCounterStaleTerm), 3u);
  // Each answer tells the sender the current term, and grants nothing.
  api::Ready ready = n.TakeReady();
  ASSERT_EQ(ready.messages.size(), 3u);
  for (const api::Outbound& o : ready.messages) {
    Message r;
    ASSERT_TRUE(r.ParseFromString(o.bytes));
    EXPECT_EQ(r.term(), 5u);
    if (r.has_request_vote_response()) EXPECT_FALSE(r.request_vote_response().granted());
    if (r.has_append_entries_response()) EXPECT_FALSE(r.append_entries_response().success());
  }
  // And after a restart the durable state says the same.
  ASSERT_TRUE(n.Deliver(1, Append(1, 2, 5, 4, 5, {}, 2)).ok());  // a real leader
  EXPECT_EQ(n.State().term, 5u);
  EXPECT_EQ(s.Terms(), held);
}

// Learners (voters {1,2,3}, learners {4,5}): their votes never elect and
// their acknowledgments never commit; one voter's do.
TEST(Promises, LearnersNeitherElectNorCommit) {
  wire::v3::ConfigChange cc;
  cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_BOOTSTRAP);
  for (NodeId v : {1, 2, 3}) cc.add_voters(v);
  for (NodeId l : {4, 5}) cc.add_learners(l);
  Entry config;
  config.set_index(1);
  config.set_term(1);
  config.set_type(wire::v3::ENTRY_TYPE_CONFIG);
  config.set_data(cc.SerializeAsString());
  // Cluster version 2 (learners exist from 2 on), committed.
  Solo s(1, HardState{1, 0, 2}, {config, VersionEntry(2, 1, 2)});
  Node& n = *s.node;
  ASSERT_EQ(n.State().cluster_version, 2u);
  ASSERT_EQ(n.State().config.learners, (std::vector<NodeId>{4, 5}));

  n.mutable_raft()->Campaign();
  ASSERT_EQ(n.State().role, api::Role::kCandidate);
  const uint64_t term = n.State().term;
  ASSERT_TRUE(n.Deliver(4, VoteResponse(4, 1, term, true)).ok());
  ASSERT_TRUE(n.Deliver(5, VoteResponse(5, 1, term, true)).ok());
  EXPECT_EQ(n.State().role, api::Role::kCandidate) << "elected by learners' votes";
  ASSERT_TRUE(n.Deliver(2, VoteResponse(2, 1, term, true)).ok());
  ASSERT_EQ(n.State().role, api::Role::kLeader);

  // The new leader's NOOP is entry 3. Both learners hold it: not committed.
  const uint64_t noop = n.State().last_index;
  ASSERT_EQ(noop, 3u);
  ASSERT_TRUE(n.Deliver(4, AppendOk(4, 1, term, noop)).ok());
  ASSERT_TRUE(n.Deliver(5, AppendOk(5, 1, term, noop)).ok());
  EXPECT_EQ(n.State().commit_index, 2u) << "committed by learners' acknowledgments";
  // One voter besides the leader: a majority of {1,2,3}.
  ASSERT_TRUE(n.Deliver(3, AppendOk(3, 1, term, noop)).ok());
  EXPECT_EQ(n.State().commit_index, noop);
}

}  // namespace
}  // namespace raftlog::v3
