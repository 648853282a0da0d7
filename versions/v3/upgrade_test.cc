// Mixed v1/v2/v3 clusters, driven through the releases' adapters on the test
// pump: before finalize a v3 node sends nothing a v1 (or v2) node would
// misread; finalize waits for every member and raises the cluster version
// only as far as every member speaks (1 with a v1 member, 2 with a v2 member,
// 3 when all run v3); a rollback stays possible until then; data of a cluster
// version v3 cannot speak is refused untouched. Some tests only record what
// v1 (frozen) does with newer data, for the matrix.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "snapshots/format2/format2.h"
#include "snapshots/preamble.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/adapter/adapter.h"
#include "versions/v3/storage.h"
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

// Every message that crosses the pump, as the receiver would parse it.
struct WireLog {
  struct Seen {
    NodeId from = 0;
    NodeId to = 0;
    std::string type;  // the sender's name for it (Outbound::type)
    uint32_t protocol_version = 0;
    int wire_type = 0;
  };
  std::vector<Seen> seen;

  void Attach(Pump& p) {
    p.SetFilter([this](const Pump::Envelope& e) {
      wire::v3::Message m;
      Seen s{e.from, e.to, e.type, 0, -1};
      if (m.ParseFromString(e.bytes)) {
        s.protocol_version = m.protocol_version();
        s.wire_type = static_cast<int>(m.type());
      }
      seen.push_back(s);
      return true;
    });
  }
  // Messages from index `from` on that v1 could not read: a protocol version
  // other than 1, or a message type v1 does not know.
  std::vector<std::string> NotV1Readable(size_t from = 0) const {
    std::vector<std::string> out;
    for (size_t i = from; i < seen.size(); ++i) {
      const Seen& s = seen[i];
      if (s.protocol_version != 1 || s.wire_type < 1 || s.wire_type > 6) {
        out.push_back(absl::StrCat(s.from, "->", s.to, " ", s.type, " protocol ",
                                   s.protocol_version));
      }
    }
    return out;
  }
  std::set<std::string> Types(size_t from = 0) const {
    std::set<std::string> out;
    for (size_t i = from; i < seen.size(); ++i) out.insert(seen[i].type);
    return out;
  }
  std::set<uint32_t> Protocols(size_t from = 0) const {
    std::set<uint32_t> out;
    for (size_t i = from; i < seen.size(); ++i) out.insert(seen[i].protocol_version);
    return out;
  }
};

bool RunUntilConverged(Pump& p, const std::vector<NodeId>& ids, int max_steps) {
  for (int i = 0; i < max_steps; ++i) {
    NodeId leader = p.Leader();
    if (leader != 0) {
      bool done = p.queued() == 0;
      uint64_t target = p.node(leader)->State().commit_index;
      for (NodeId id : ids) {
        if (p.node(id) != nullptr && p.node(id)->State().applied_index < target) done = false;
      }
      if (done) return true;
    }
    p.Step();
  }
  return false;
}

void ExpectSameState(Pump& p, const std::vector<NodeId>& ids) {
  api::ProtocolState ref = p.node(ids[0])->State();
  for (NodeId id : ids) {
    api::ProtocolState s = p.node(id)->State();
    EXPECT_EQ(s.applied_index, ref.applied_index) << "node " << id;
    EXPECT_EQ(s.kv_digest, ref.kv_digest) << "node " << id;
  }
}

bool HasAudit(Pump& p, NodeId id, const std::string& kind, const std::string& detail_part) {
  for (const api::AuditEvent& a : p.audit(id)) {
    if (a.kind == kind && absl::StrContains(a.detail, detail_part)) return true;
  }
  return false;
}

// Writes `n` puts of client `client` from sequence `seq` on; all must succeed.
void Write(Pump& p, uint64_t client, uint64_t* seq, int n, const std::string& prefix) {
  for (int i = 0; i < n; ++i) {
    uint64_t s = (*seq)++;
    std::optional<api::Reply> r =
        p.SubmitToLeader(Put(client, s, absl::StrCat(prefix, i), absl::StrCat("v", s)), 200);
    ASSERT_TRUE(r.has_value()) << prefix << i;
    ASSERT_TRUE(r->status.ok()) << r->status;
  }
}

std::shared_ptr<MixedReleases> Releases(std::map<NodeId, std::string> release,
                                        NodeId fast_leader) {
  auto r = std::make_shared<MixedReleases>();
  r->release = std::move(release);
  // Times out first (ticks in [3, 6) against [10, 20)), so it leads.
  if (fast_leader != 0) r->election_ticks[fast_leader] = 3;
  return r;
}

// One leader on either side of a mixed cluster, snapshots in both directions:
// every message stays v1-readable and everyone converges.
void RunMixedCluster(NodeId leader_id, std::map<NodeId, std::string> release) {
  std::shared_ptr<MixedReleases> rel = Releases(release, leader_id);
  api::NodeOptions o = TestNodeOptions(/*snapshot_threshold=*/8);
  Pump p = MakeMixedPump({1, 2, 3}, 11, rel, o);
  WireLog wire;
  wire.Attach(p);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), leader_id);
  EXPECT_EQ(p.node(leader_id)->State().release, release[leader_id]);
  uint64_t seq = 1;
  Write(p, 1, &seq, 5, "a");
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  ExpectSameState(p, {1, 2, 3});

  // A follower of the other release misses enough to need a snapshot.
  NodeId lagging = 0;
  for (NodeId id : {1, 2, 3}) {
    if (id != leader_id && release[id] != release[leader_id]) lagging = id;
  }
  ASSERT_NE(lagging, 0u);
  p.Crash(lagging, false);
  Write(p, 1, &seq, 20, "b");
  EXPECT_GT(p.node(leader_id)->State().snapshot_index, 0u);
  EXPECT_EQ(p.node(leader_id)->State().snapshot_format, 1u);  // below cluster version 2
  ASSERT_TRUE(p.Restart(lagging).ok());
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 100));
  ExpectSameState(p, {1, 2, 3});
  EXPECT_GE(Counter(p, lagging, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_EQ(p.node(lagging)->State().snapshot_format, 1u);

  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(p.node(id)->State().cluster_version, 1u) << id;
    const uint32_t max = release[id] == "v1" ? 1u : release[id] == "v2" ? 2u : 3u;
    EXPECT_EQ(p.node(id)->State().max_protocol, max) << id;
  }
  EXPECT_EQ(wire.NotV1Readable(), std::vector<std::string>{});
  EXPECT_EQ(wire.Protocols(), std::set<uint32_t>{1});
  EXPECT_TRUE(p.deliver_errors().empty()) << p.deliver_errors()[0];
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

TEST(Upgrade, MixedClusterWithAV3LeaderAndV1Followers) {
  RunMixedCluster(1, {{1, "v3"}, {2, "v1"}, {3, "v1"}});
}

TEST(Upgrade, MixedClusterWithAV1LeaderAndV3Followers) {
  RunMixedCluster(1, {{1, "v1"}, {2, "v3"}, {3, "v3"}});
}

TEST(Upgrade, MixedClusterWithV3MajorityAndV1Leader) {
  RunMixedCluster(3, {{1, "v3"}, {2, "v3"}, {3, "v1"}});
}

TEST(Upgrade, MixedClusterWithAV3LeaderAndV2Followers) {
  RunMixedCluster(1, {{1, "v3"}, {2, "v2"}, {3, "v2"}});
}

TEST(Upgrade, MixedClusterWithAV2LeaderAndV3Followers) {
  RunMixedCluster(2, {{1, "v3"}, {2, "v2"}, {3, "v3"}});
}

// Finalize is refused while node 3 runs v1, naming it; after a rolling
// upgrade of node 3 to v2 it raises the cluster version to 2 (not 3: node 3
// speaks 1..2, and finalize to 3 is refused naming it); after node 3 runs v3
// too, to 3 on every node.
TEST(Upgrade, FinalizeWaitsForEveryMemberThenRaisesTheClusterVersion) {
  std::shared_ptr<MixedReleases> rel = Releases({{1, "v3"}, {2, "v3"}, {3, "v1"}}, 1);
  Pump p = MakeMixedPump({1, 2, 3}, 12, rel);
  WireLog wire;
  wire.Attach(p);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  p.Steps(3);  // heartbeats: every follower has answered

  // A follower is not the one to ask.
  std::optional<api::Reply> r = p.Submit(2, Finalize(9, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r->leader_hint, 1u);
  for (uint32_t version : {0u, 2u, 3u}) {
    r = p.Submit(1, Finalize(9, 2 + version, version), 0);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition) << r->status;
    // Only node 3 is named: {3: 1..1}.
    EXPECT_TRUE(absl::StrContains(r->status.message(), "{3: 1..1}")) << r->status;
    EXPECT_EQ(r->leader_hint, 1u);  // the leader itself refused: not "go elsewhere"
  }
  r = p.Submit(1, Finalize(9, 6, 4), 0);  // nobody speaks 4
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition) << r->status;
  EXPECT_EQ(p.node(1)->State().cluster_version, 1u);
  EXPECT_EQ(p.node(1)->State().min_protocol, 1u);
  EXPECT_EQ(p.node(1)->State().max_protocol, 3u);

  // Rolling upgrade of node 3 on its own data, to v2 first.
  uint64_t seq = 1;
  Write(p, 1, &seq, 3, "before");
  p.Crash(3, false);
  rel->release[3] = "v2";
  ASSERT_TRUE(p.Restart(3).ok());
  EXPECT_EQ(p.node(3)->State().release, "v2");
  p.Steps(3);
  const size_t before_finalize = wire.seen.size();
  EXPECT_EQ(wire.NotV1Readable(), std::vector<std::string>{});
  // Exactly 3 is refused, naming the v2 member and its range.
  r = p.Submit(1, Finalize(9, 7, 3), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition) << r->status;
  EXPECT_TRUE(absl::StrContains(r->status.message(), "{3: 1..2}")) << r->status;
  // As high as every member speaks: 2.
  r = p.Submit(1, Finalize(9, 8, 0), 20);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const uint64_t cv_index = r->index;
  EXPECT_GT(cv_index, 0u);
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(p.node(id)->State().cluster_version, 2u) << id;
  }
  for (NodeId id : {1, 2}) {  // v2's audit is v2's: checked on the v3 nodes
    EXPECT_TRUE(HasAudit(p, id, "cluster_version",
                         absl::StrCat("index=", cv_index, " ")))
        << id;
  }
  EXPECT_TRUE(HasAudit(p, 1, "finalize", "version=2 previous=1"));
  // Finalizing to 2 again is a no-op answered with the same index; "as high
  // as possible" is refused now (this leader speaks 3, node 3 does not).
  r = p.Submit(1, Finalize(9, 9, 2), 5);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->index, cv_index);
  r = p.Submit(1, Finalize(9, 12, 0), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition) << r->status;
  EXPECT_TRUE(absl::StrContains(r->status.message(), "{3: 1..2}")) << r->status;
  // A lower version is not a finalize.
  r = p.Submit(1, Finalize(9, 10, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument);
  // Now the messages speak protocol 2, never 3 (a v2 member reads 1..2).
  Write(p, 1, &seq, 3, "after");
  EXPECT_TRUE(wire.Protocols(before_finalize).count(2));
  EXPECT_FALSE(wire.Protocols(before_finalize).count(3));

  // Node 3 to v3: finalize raises the cluster version to 3.
  p.Crash(3, false);
  rel->release[3] = "v3";
  ASSERT_TRUE(p.Restart(3).ok());
  EXPECT_EQ(p.node(3)->State().release, "v3");
  p.Steps(3);
  const size_t before_3 = wire.seen.size();
  r = p.Submit(1, Finalize(9, 11, 0), 20);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const uint64_t cv3_index = r->index;
  EXPECT_GT(cv3_index, cv_index);
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(p.node(id)->State().cluster_version, 3u) << id;
    EXPECT_TRUE(HasAudit(p, id, "cluster_version",
                         absl::StrCat("index=", cv3_index, " ")))
        << id;
  }
  EXPECT_TRUE(HasAudit(p, 1, "finalize", "version=3 previous=2"));
  Write(p, 1, &seq, 3, "three");
  EXPECT_TRUE(wire.Protocols(before_3).count(3));
  // The cluster version survives restarts (replayed from the log).
  for (NodeId id : {1, 2, 3}) {
    p.Crash(id, false);
    ASSERT_TRUE(p.Restart(id).ok());
    EXPECT_EQ(p.node(id)->State().cluster_version, 3u) << id;
  }
  ASSERT_NE(p.RunUntilLeader(200), 0u);
  Write(p, 1, &seq, 2, "restarted");
  EXPECT_TRUE(p.deliver_errors().empty()) << p.deliver_errors()[0];
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// Auto-finalize: with a v1 member the cluster version stays 1; with a v2
// member it rises to 2 only; once every member runs v3, to 3.
TEST(Upgrade, AutoFinalizeOnceEveryMemberReportsVersion2) {
  std::shared_ptr<MixedReleases> rel = Releases({{1, "v3"}, {2, "v3"}, {3, "v1"}}, 1);
  api::NodeOptions o = TestNodeOptions();
  o.auto_finalize = true;
  Pump p = MakeMixedPump({1, 2, 3}, 13, rel, o);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  uint64_t seq = 1;
  Write(p, 1, &seq, 3, "k");
  p.Steps(30);
  EXPECT_EQ(p.node(1)->State().cluster_version, 1u);
  EXPECT_EQ(p.node(2)->State().cluster_version, 1u);
  p.Crash(3, false);
  rel->release[3] = "v2";
  ASSERT_TRUE(p.Restart(3).ok());
  p.Steps(10);
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  p.Steps(30);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(p.node(id)->State().cluster_version, 2u) << id;
  EXPECT_TRUE(HasAudit(p, 1, "finalize", "version=2 previous=1"));
  EXPECT_FALSE(HasAudit(p, 1, "finalize", "version=3"));
  p.Crash(3, false);
  rel->release[3] = "v3";
  ASSERT_TRUE(p.Restart(3).ok());
  p.Steps(10);
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(p.node(id)->State().cluster_version, 3u) << id;
  EXPECT_TRUE(HasAudit(p, 1, "finalize", "version=3 previous=2"));
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// Before finalize, every node can go back to v1 on its data (snapshots are
// format 1, the log holds only v1 entry types), and v1 serves what v2 wrote.
TEST(Upgrade, RollbackToV1BeforeFinalize) {
  std::shared_ptr<MixedReleases> rel = Releases({{1, "v3"}, {2, "v3"}, {3, "v3"}}, 1);
  Pump p = MakeMixedPump({1, 2, 3}, 14, rel, TestNodeOptions(/*snapshot_threshold=*/6));
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  uint64_t seq = 1;
  Write(p, 1, &seq, 15, "k");
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  for (NodeId id : {1, 2, 3}) {
    EXPECT_GT(p.node(id)->State().snapshot_index, 0u);
    EXPECT_EQ(p.node(id)->State().snapshot_format, 1u);
  }
  const uint64_t digest = p.node(1)->State().kv_digest;
  for (NodeId id : {1, 2, 3}) {
    p.Crash(id, false);
    rel->release[id] = "v1";
    ASSERT_TRUE(p.Restart(id).ok()) << id;
    EXPECT_EQ(p.node(id)->State().release, "v1");
    EXPECT_EQ(p.node(id)->State().kv_digest, digest);
  }
  ASSERT_NE(p.RunUntilLeader(200), 0u);
  std::optional<api::Reply> get = p.SubmitToLeader(Get(1, seq++, "k3"), 200);
  ASSERT_TRUE(get.has_value());
  ASSERT_TRUE(get->status.ok()) << get->status;
  EXPECT_TRUE(get->found);
  EXPECT_EQ(get->value, "v4");
  EXPECT_TRUE(p.deliver_errors().empty()) << p.deliver_errors()[0];
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// What v1 (frozen) does after finalize (to 3, all v3), recorded for the
// matrix: a v1 binary
// rolled back onto a finalized node's directory starts (its log holds a
// CLUSTER_VERSION entry, which v1's storage parses and v1 applies as a
// no-op), but refuses every protocol-2 message (counted as unknown), so it
// cannot rejoin; the v2 majority goes on without it, and drops its ever
// higher-term RequestVotes: at cv 3 they carry no MAC (auth_failures; the
// check-quorum lease would ignore them at cv 2): no disruption.
TEST(Upgrade, V1RolledBackAfterFinalizeStartsButIsRefusedOnTheWire) {
  std::shared_ptr<MixedReleases> rel = Releases({{1, "v3"}, {2, "v3"}, {3, "v3"}}, 1);
  Pump p = MakeMixedPump({1, 2, 3}, 15, rel);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  p.Steps(3);
  std::optional<api::Reply> r = p.Submit(1, Finalize(9, 1), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  uint64_t seq = 1;
  Write(p, 1, &seq, 3, "k");
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  p.Crash(3, false);
  rel->release[3] = "v1";
  ASSERT_TRUE(p.Restart(3).ok());  // v1 reads the log, CLUSTER_VERSION included
  EXPECT_EQ(p.node(3)->State().release, "v1");
  EXPECT_EQ(p.node(3)->State().cluster_version, 1u);  // v1's fixed value
  const size_t errors_before = p.deliver_errors().size();
  const uint64_t term = p.node(1)->State().term;
  Write(p, 1, &seq, 3, "after");  // the v2 majority commits without node 3
  p.Steps(60);
  EXPECT_EQ(p.Leader(), 1u);
  EXPECT_EQ(p.node(1)->State().term, term);
  EXPECT_GT(p.node(3)->State().term, term);  // v1 keeps campaigning, alone
  EXPECT_GE(Counter(p, 2, api::kCounterAuthFailures), 1u);
  ASSERT_GT(p.deliver_errors().size(), errors_before);
  const absl::Status& e = p.deliver_errors()[errors_before];
  EXPECT_EQ(e.code(), absl::StatusCode::kUnimplemented) << e;
  EXPECT_TRUE(absl::StrContains(e.message(), "protocol version 3")) << e;
  EXPECT_GT(Counter(p, 3, api::kCounterUnknownMessages), 0u);
  EXPECT_LT(p.node(3)->State().applied_index, p.node(1)->State().commit_index);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

// What v1 does with format 2, recorded for the matrix: a v1 binary rolled
// back onto a directory holding a format-2 snapshot refuses to start
// (kUnimplemented, naming the format); a live v1 node refuses a format-2
// snapshot in an InstallSnapshot (counted unknown_snapshot_formats) and
// v2's chunk message type (counted unknown_message_types); neither crashes it.
TEST(Upgrade, V1RefusesFormat2OnDiskAndOnTheWire) {
  std::shared_ptr<MixedReleases> rel = Releases({{1, "v3"}, {2, "v3"}, {3, "v3"}}, 1);
  Pump p = MakeMixedPump({1, 2, 3}, 16, rel, TestNodeOptions(/*snapshot_threshold=*/6));
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_EQ(p.RunUntilLeader(100), 1u);
  p.Steps(3);
  std::optional<api::Reply> r = p.Submit(1, Finalize(9, 1, 2), 20);  // format 2 at cluster version 2
  ASSERT_TRUE(r.has_value() && r->status.ok());
  uint64_t seq = 1;
  Write(p, 1, &seq, 15, "k");
  ASSERT_TRUE(RunUntilConverged(p, {1, 2, 3}, 50));
  ASSERT_EQ(p.node(3)->State().snapshot_format, 2u);
  absl::StatusOr<std::vector<std::string>> snaps = p.env(3)->fs.List("snap/");
  ASSERT_TRUE(snaps.ok() && !snaps->empty());
  const std::string format2_file = *p.env(3)->fs.Read(snaps->back());

  p.Crash(3, false);
  rel->release[3] = "v1";
  absl::Status s = p.Restart(3);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "format 2")) << s;

  // A live v1 node (its own single-node cluster, id 4).
  std::shared_ptr<MixedReleases> v1only = Releases({{4, "v1"}}, 0);
  Pump solo = MakeMixedPump({4}, 1, v1only);
  ASSERT_TRUE(solo.StartAll().ok());
  api::Node* v1 = solo.node(4);
  ASSERT_EQ(v1->State().release, "v1");
  wire::v3::Message m;
  m.set_protocol_version(1);
  m.set_from(1);
  m.set_to(4);
  m.set_term(v1->State().term + 1);
  m.set_type(wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  m.mutable_install_snapshot()->set_last_index(100);
  m.mutable_install_snapshot()->set_last_term(v1->State().term);
  m.mutable_install_snapshot()->set_format(2);
  m.mutable_install_snapshot()->set_data(format2_file);
  s = v1->Deliver(1, m.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_EQ(v1->Counters()["unknown_snapshot_formats"], 1u);
  wire::v3::Message chunk;
  chunk.set_protocol_version(1);
  chunk.set_from(1);
  chunk.set_to(4);
  chunk.set_term(v1->State().term);
  chunk.set_type(wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK);
  chunk.mutable_install_snapshot_chunk()->set_data(format2_file.substr(0, 64));
  const uint64_t unknown_before = v1->Counters()[api::kCounterUnknownMessages];
  s = v1->Deliver(1, chunk.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_EQ(v1->Counters()[api::kCounterUnknownMessages], unknown_before + 1);
  EXPECT_EQ(v1->State().snapshot_index, 0u);
}

// Every file of a directory with its content.
std::map<std::string, std::string> Files(api::MemFileSystem& fs) {
  std::map<std::string, std::string> out;
  absl::StatusOr<std::vector<std::string>> names = fs.List("");
  EXPECT_TRUE(names.ok());
  for (const std::string& n : *names) out[n] = *fs.Read(n);
  return out;
}

std::unique_ptr<api::Node> NewV3Node(api::MemEnv* env, NodeId id) {
  api::NodeOptions o = TestNodeOptions();
  o.id = id;
  o.env = env->env();
  return adapter::Release().make_node(o);
}

// Data that says cluster version 4 (a later release's) is refused by v3
// before Start touches anything: the scratch file a normal Open would delete
// and the torn tail it would repair are still there, byte for byte.
TEST(Upgrade, RefusesALogOfClusterVersion4BeforeTouchingIt) {
  api::MemEnv env(1);
  ASSERT_TRUE(WriteDataDir(&env.fs, HardState{3, 1, 3},
                           {ConfigEntry(1, 1, {1}), VersionEntry(2, 2, 3), VersionEntry(3, 3, 4),
                            CommandEntry(4, 3, "k", "v")})
                  .ok());
  ASSERT_TRUE(env.fs.Write("tmp/snap", "half a snapshot").ok());
  ASSERT_TRUE(env.fs.Sync("tmp/snap").ok());
  ASSERT_TRUE(env.fs.Append(Storage::SegmentName(1), std::string("\x05\x00", 2)).ok());
  ASSERT_TRUE(env.fs.Sync(Storage::SegmentName(1)).ok());
  std::map<std::string, std::string> before = Files(env.fs);
  std::unique_ptr<api::Node> n = NewV3Node(&env, 1);
  absl::Status s = n->Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "cluster version 4")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "entry 3")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "v3 speaks at most 3")) << s;
  EXPECT_EQ(Files(env.fs), before);

  // The same log with versions 2 and 3 only starts (and repairs the tail then).
  api::MemEnv ok_env(2);
  ASSERT_TRUE(WriteDataDir(&ok_env.fs, HardState{3, 1, 4},
                           {ConfigEntry(1, 1, {1}), VersionEntry(2, 2, 2), VersionEntry(3, 3, 3),
                            CommandEntry(4, 3, "k", "v")})
                  .ok());
  n = NewV3Node(&ok_env, 1);
  ASSERT_TRUE(n->Start().ok());
  EXPECT_EQ(n->State().cluster_version, 3u);
}

TEST(Upgrade, RefusesASnapshotOfClusterVersion4BeforeTouchingIt) {
  api::MemEnv env(1);
  snapshots::SnapshotState st;
  st.last_index = 10;
  st.last_term = 3;
  st.voters = {1};
  st.config_index = 1;
  st.cluster_version = 4;
  st.kv["k"] = "v";
  {
    Storage storage(&env.fs);
    ASSERT_TRUE(storage.Open().ok());
    ASSERT_TRUE(storage.SaveSnapshot(st, 2).ok());
    ASSERT_TRUE(storage.SaveHardState(HardState{3, 0, 10}).ok());
  }
  ASSERT_TRUE(env.fs.Write("tmp/hardstate", "scratch").ok());
  ASSERT_TRUE(env.fs.Sync("tmp/hardstate").ok());
  std::map<std::string, std::string> before = Files(env.fs);
  std::unique_ptr<api::Node> n = NewV3Node(&env, 1);
  absl::Status s = n->Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "cluster version 4")) << s;
  EXPECT_EQ(Files(env.fs), before);

  // A snapshot in a format v3 does not read (4) is kUnimplemented, untouched.
  api::MemEnv env3(2);
  std::string file;
  snapshots::AppendPreamble(4, &file);
  file += std::string(64, '\0');
  ASSERT_TRUE(env3.fs.Write(Storage::SnapshotName(10), file).ok());
  ASSERT_TRUE(env3.fs.Sync(Storage::SnapshotName(10)).ok());
  before = Files(env3.fs);
  n = NewV3Node(&env3, 1);
  s = n->Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_EQ(Files(env3.fs), before);
}

}  // namespace
}  // namespace raftlog::v3
