// The downgrade procedure v2 -> v1 (RELEASE.md, "Downgrade procedure"):
// Op::kDowngrade(1) commits CLUSTER_VERSION(1); every node then stops using
// what v1 lacks and compacts into a format-1 snapshot covering that entry;
// only then do v1 binaries start on the data, and the cluster serves again.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "snapshots/preamble.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v3::testing;  // NOLINT

bool HasAudit(Pump& p, NodeId id, const std::string& kind, const std::string& part) {
  for (const api::AuditEvent& a : p.audit(id)) {
    if (a.kind == kind && absl::StrContains(a.detail, part)) return true;
  }
  return false;
}

uint32_t SnapshotFileFormat(Pump& p, NodeId id) {
  absl::StatusOr<std::vector<std::string>> names = p.env(id)->fs.List("snap/");
  if (!names.ok() || names->empty()) return 0;
  absl::StatusOr<uint32_t> f = snapshots::ReadPreamble(*p.env(id)->fs.Read(names->back()));
  return f.ok() ? *f : 0;
}

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;
  uint64_t seq = 1;
  // Messages not v1-readable (protocol != 1 or a v2-only type), counted
  // while `watch` is set.
  bool watch = false;
  std::vector<std::string> not_v1;

  explicit Cluster(uint64_t seed, bool auto_finalize = false) {
    rel->election_ticks[1] = 3;  // node 1 leads
    api::NodeOptions o = TestNodeOptions(/*snapshot_threshold=*/5);
    o.auto_finalize = auto_finalize;
    pump = std::make_unique<Pump>(MakeMixedPump({1, 2, 3}, seed, rel, o));
    pump->SetFilter([this](const Pump::Envelope& e) {
      wire::v3::Message m;
      if (watch && (!m.ParseFromString(e.bytes) || m.protocol_version() != 1 ||
                    static_cast<int>(m.type()) > 6)) {
        not_v1.push_back(absl::StrCat(e.from, "->", e.to, " ", e.type));
      }
      return true;
    });
  }
  Pump& p() { return *pump; }
  void Start() {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
  }
  // To cluster version 2 exactly: the v2 -> v1 procedure starts there.
  void Finalize() {
    std::optional<api::Reply> r = p().Submit(1, testing::Finalize(9, seq++, 2), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok());
    p().Steps(3);
  }
  void Put(int n, const std::string& prefix) {
    for (int i = 0; i < n; ++i) {
      std::optional<api::Reply> r = p().SubmitToLeader(
          testing::Put(1, seq, absl::StrCat(prefix, i), absl::StrCat("v", seq)), 300);
      ++seq;
      ASSERT_TRUE(r.has_value());
      ASSERT_TRUE(r->status.ok()) << r->status;
    }
  }
  // Checks the procedure's precondition for rolling back node `id`.
  void ExpectReadyForV1(NodeId id, uint64_t downgrade_index) {
    api::ProtocolState s = p().node(id)->State();
    EXPECT_EQ(s.cluster_version, 1u) << id;
    EXPECT_EQ(s.snapshot_format, 1u) << id;
    EXPECT_GE(s.snapshot_index, downgrade_index) << id;
    EXPECT_EQ(SnapshotFileFormat(p(), id), 1u) << id;
  }
};

TEST(Downgrade, ProcedureEndsWithFormat1SnapshotsAndV1StartsOnTheData) {
  Cluster c(61);
  c.Start();
  c.Finalize();
  c.Put(12, "a");
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.p().node(id)->State().snapshot_format, 2u) << id;

  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, c.seq++, 1), 20);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const uint64_t d = r->index;
  ASSERT_GT(d, 0u);
  c.p().Steps(5);
  EXPECT_TRUE(HasAudit(c.p(), 1, "downgrade_request", "version=1 previous=2"));
  for (NodeId id : {1, 2, 3}) {
    EXPECT_TRUE(HasAudit(c.p(), id, "cluster_version",
                         absl::StrCat("index=", d, " ")))
        << id;
    EXPECT_TRUE(HasAudit(c.p(), id, "cluster_version", "version=1 previous=2 downgrade")) << id;
    EXPECT_TRUE(HasAudit(c.p(), id, "downgrade_compacted", "format=1")) << id;
    c.ExpectReadyForV1(id, d);
  }
  // From here on the wire is v1's again, failover included.
  c.watch = true;
  c.Put(3, "b");
  c.p().Crash(1, false);
  ASSERT_NE(c.p().RunUntilLeader(300), 0u);
  c.Put(3, "c");
  ASSERT_TRUE(c.p().Restart(1).ok());
  c.p().Steps(10);
  EXPECT_EQ(c.not_v1, std::vector<std::string>{});

  // Roll every node back to v1 on its own data, one at a time.
  for (NodeId id : {1, 2, 3}) {
    const uint64_t digest = c.p().node(id)->State().kv_digest;
    c.p().Crash(id, false);
    c.rel->release[id] = "v1";
    absl::Status s = c.p().Restart(id);
    ASSERT_TRUE(s.ok()) << "node " << id << ": " << s;
    EXPECT_EQ(c.p().node(id)->State().release, "v1");
    EXPECT_EQ(c.p().node(id)->State().kv_digest, digest) << id;
    c.Put(2, absl::StrCat("roll", id));  // the mixed cluster serves on the way
  }
  std::optional<api::Reply> get = c.p().SubmitToLeader(Get(1, c.seq++, "a3"), 300);
  ASSERT_TRUE(get.has_value() && get->status.ok());
  EXPECT_TRUE(get->found);
  c.p().Steps(10);
  for (NodeId id : {2, 3}) {
    EXPECT_EQ(c.p().node(id)->State().kv_digest, c.p().node(1)->State().kv_digest) << id;
  }
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// A node that was down during the downgrade catches up on v2 (applying the
// entry, or installing a format-1 snapshot) and then meets the precondition.
TEST(Downgrade, ANodeDownDuringTheDowngradeCatchesUpBeforeItsRollback) {
  Cluster c(62);
  c.Start();
  c.Finalize();
  c.Put(6, "a");
  c.p().Crash(3, false);
  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, c.seq++, 1), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "");
  const uint64_t d = r->index;
  c.Put(10, "b");
  ASSERT_TRUE(c.p().Restart(3).ok());
  EXPECT_EQ(c.p().node(3)->State().cluster_version, 2u);  // not yet
  c.p().Steps(20);
  c.ExpectReadyForV1(3, d);
  c.p().Crash(3, false);
  c.rel->release[3] = "v1";
  ASSERT_TRUE(c.p().Restart(3).ok());
  c.Put(3, "c");
  c.p().Steps(5);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

TEST(Downgrade, Refusals) {
  Cluster c(63);
  c.Start();
  // Already at 1: nothing to do.
  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, 1, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  r = c.p().Submit(1, Downgrade(9, 2, 0), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument);
  r = c.p().Submit(1, Downgrade(9, 3, 2), 0);  // raising is finalize
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument);
  c.seq = 10;
  c.Finalize();
  r = c.p().Submit(2, Downgrade(9, 20, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r->leader_hint, 1u);
  // Learners first: format 1 and cluster version 1 have none.
  ASSERT_TRUE(c.p().StartNode(4, {}).ok());
  r = c.p().Submit(1, AddLearner(9, 21, 4), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  r = c.p().Submit(1, Downgrade(9, 22, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r->status.message(), "learners {4}")) << r->status;
  EXPECT_EQ(c.p().node(1)->State().cluster_version, 2u);
  c.p().Steps(5);
  r = c.p().Submit(1, PromoteLearner(9, 23, 4), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "");
  r = c.p().Submit(1, Downgrade(9, 24, 1), 20);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  c.p().Steps(3);
  for (NodeId id : {1, 2, 3, 4}) EXPECT_EQ(c.p().node(id)->State().cluster_version, 1u) << id;
}

TEST(Downgrade, AutoFinalizeDoesNotUndoIt) {
  Cluster c(64, /*auto_finalize=*/true);
  c.Start();
  c.p().Steps(5);
  ASSERT_EQ(c.p().node(1)->State().cluster_version, 3u);  // finalized by itself (all v3)
  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, 1, 2), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.p().Steps(30);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.p().node(id)->State().cluster_version, 2u) << id;
}

}  // namespace
}  // namespace raftlog::v3
