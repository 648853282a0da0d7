// The downgrade procedures 3 -> 2 and 2 -> 1 (RELEASE.md):
// Op::kDowngrade(N) commits CLUSTER_VERSION(N); every node then stops using
// what the lower version lacks and compacts into a snapshot of its format
// (2, or 1) covering that entry; only then do v2 (or v1) binaries start on the
// data, and the cluster serves again. Without the procedure, v2 (frozen)
// refuses v3 data before touching it. One version at a time: 3 -> 1 is
// refused.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "snapshots/preamble.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/test_util.h"
#include "wire/minver/downgrade.h"
#include "wire/minver/snapshot.h"
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
  // Messages not v2-readable (protocol above 2), counted while `watch_v2`.
  bool watch_v2 = false;
  std::vector<std::string> not_v2;
  // Every message is dropped while set.
  bool hold = false;

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
      if (watch_v2 && (!m.ParseFromString(e.bytes) || m.protocol_version() > 2)) {
        not_v2.push_back(absl::StrCat(e.from, "->", e.to, " ", e.type));
      }
      return !hold;
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
  // To cluster version `version` exactly (3: all nodes run v3).
  void FinalizeTo(uint32_t version) {
    std::optional<api::Reply> r = p().Submit(1, testing::Finalize(9, seq++, version), 20);
    ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "no reply");
    p().Steps(3);
    for (NodeId id : {1, 2, 3}) {
      if (p().node(id) != nullptr) ASSERT_EQ(p().node(id)->State().cluster_version, version);
    }
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
  // The same for rolling back node `id` to v2 (after 3 -> 2).
  void ExpectReadyForV2(NodeId id, uint64_t downgrade_index) {
    api::ProtocolState s = p().node(id)->State();
    EXPECT_EQ(s.cluster_version, 2u) << id;
    EXPECT_EQ(s.snapshot_format, 2u) << id;
    EXPECT_GE(s.snapshot_index, downgrade_index) << id;
    EXPECT_EQ(SnapshotFileFormat(p(), id), 2u) << id;
  }
};

// Every file of a node's directory with its content.
std::map<std::string, std::string> Files(api::MemFileSystem& fs) {
  std::map<std::string, std::string> out;
  absl::StatusOr<std::vector<std::string>> names = fs.List("");
  EXPECT_TRUE(names.ok());
  for (const std::string& n : *names) out[n] = *fs.Read(n);
  return out;
}

// The CLUSTER_VERSION records above version `max` in a node's log files,
// wherever they are (v2's Start refuses any of them), as "file: index".
std::vector<std::string> VersionRecordsAbove(Pump& p, NodeId id, uint32_t max) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<std::string>> names = p.env(id)->fs.List("log/");
  EXPECT_TRUE(names.ok());
  for (const std::string& path : *names) {
    const std::string data = *p.env(id)->fs.Read(path);
    size_t off = 0;
    while (data.size() - off >= 8) {
      uint32_t length = 0;
      for (int i = 0; i < 4; ++i) length |= uint32_t{static_cast<unsigned char>(data[off + i])} << (8 * i);
      if (length > data.size() - off - 8) break;
      wire::v3::Entry e;
      if (!e.ParseFromString(data.substr(off + 8, length))) break;
      off += 8 + length;
      wire::v3::ClusterVersionChange cv;
      if (e.type() == wire::v3::ENTRY_TYPE_CLUSTER_VERSION && cv.ParseFromString(e.data()) &&
          cv.version() > max) {
        out.push_back(absl::StrCat(path, ": ", e.index()));
      }
    }
  }
  return out;
}

std::string SnapshotFile(Pump& p, NodeId id) {
  absl::StatusOr<std::vector<std::string>> names = p.env(id)->fs.List("snap/");
  if (!names.ok() || names->empty()) return "";
  return *p.env(id)->fs.Read(names->back());
}

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

// The procedure 3 -> 2: Op::kDowngrade(2) at cluster version 3; every node
// compacts into format 2 at once (its directory no longer needs v3: the
// minimum readable release of its snapshot goes from v3 to v2), the wire
// speaks protocol 2 again, and v2 binaries start on every node's data, one at
// a time, while the cluster serves.
TEST(Downgrade, From3To2EndsWithFormat2SnapshotsAndV2StartsOnTheData) {
  Cluster c(65);
  c.Start();
  c.FinalizeTo(3);
  c.Put(12, "a");
  for (NodeId id : {1, 2, 3}) {
    ASSERT_EQ(c.p().node(id)->State().snapshot_format, 3u) << id;
    ASSERT_EQ(SnapshotFileFormat(c.p(), id), 3u) << id;
  }
  // What v3 wrote needs v3 to read: a downgrade to v2 is not certified.
  absl::StatusOr<wire::minver::MinRelease> min =
      wire::minver::MinReleaseForSnapshot(SnapshotFile(c.p(), 1));
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 3u) << wire::minver::Describe(*min);
  EXPECT_EQ(wire::minver::CheckDowngrade(2, std::vector<wire::minver::MinRelease>{*min}).code(),
            absl::StatusCode::kFailedPrecondition);

  // The request and a write right behind it: the downgrade compaction then
  // covers only part of the log segment that holds the finalize entry.
  const uint64_t downgrade_seq = c.seq++;
  c.hold = true;  // both are appended on the leader before anyone hears of either
  EXPECT_FALSE(c.p().Submit(1, Downgrade(9, downgrade_seq, 2), 0).has_value());
  EXPECT_FALSE(c.p().Submit(1, testing::Put(1, c.seq++, "behind", "x"), 0).has_value());
  c.hold = false;
  c.p().Steps(10);
  uint64_t d = 0;
  for (const api::Reply& reply : c.p().replies(1)) {
    if (reply.client_id == 9 && reply.sequence == downgrade_seq) {
      ASSERT_TRUE(reply.status.ok()) << reply.status;
      d = reply.index;
    }
  }
  ASSERT_GT(d, 0u);
  EXPECT_GT(c.p().node(1)->State().last_index, d);
  EXPECT_TRUE(HasAudit(c.p(), 1, "downgrade_request", "version=2 previous=3"));
  for (NodeId id : {1, 2, 3}) {
    EXPECT_TRUE(HasAudit(c.p(), id, "cluster_version", absl::StrCat("index=", d, " "))) << id;
    EXPECT_TRUE(HasAudit(c.p(), id, "cluster_version", "version=2 previous=3 downgrade")) << id;
    EXPECT_TRUE(HasAudit(c.p(), id, "downgrade_compacted",
                         absl::StrCat("snapshot_index=", d, " format=2 cluster_version=2")))
        << id;
    c.ExpectReadyForV2(id, d);
    EXPECT_EQ(VersionRecordsAbove(c.p(), id, 2), std::vector<std::string>{}) << id;
    min = wire::minver::MinReleaseForSnapshot(SnapshotFile(c.p(), id));
    ASSERT_TRUE(min.ok()) << min.status();
    EXPECT_EQ(min->release, 2u) << id << ": " << wire::minver::Describe(*min);
    EXPECT_TRUE(
        wire::minver::CheckDowngrade(2, std::vector<wire::minver::MinRelease>{*min}).ok());
  }
  // From here on the wire is v2's again, failover included.
  c.watch_v2 = true;
  c.Put(3, "b");
  c.p().Crash(1, false);
  ASSERT_NE(c.p().RunUntilLeader(300), 0u);
  c.Put(3, "c");
  ASSERT_TRUE(c.p().Restart(1).ok());
  c.p().Steps(10);
  EXPECT_EQ(c.not_v2, std::vector<std::string>{});
  for (NodeId id : {1, 2, 3}) EXPECT_LE(SnapshotFileFormat(c.p(), id), 2u) << id;

  // Roll every node back to v2 on its own data, one at a time.
  for (NodeId id : {1, 2, 3}) {
    const uint64_t digest = c.p().node(id)->State().kv_digest;
    c.p().Crash(id, false);
    c.rel->release[id] = "v2";
    absl::Status s = c.p().Restart(id);
    ASSERT_TRUE(s.ok()) << "node " << id << ": " << s;
    EXPECT_EQ(c.p().node(id)->State().release, "v2");
    EXPECT_EQ(c.p().node(id)->State().cluster_version, 2u) << id;
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

// A downgrade right after the finalize, with a write behind it: the downgrade
// compaction covers only part of the log segment that holds CLUSTER_VERSION(3)
// (and the downgrade entry); that record is rewritten as a NOOP, else v2's
// Start would refuse the directory ("sets cluster version 3").
TEST(Downgrade, From3To2LeavesNoVersion3RecordInAPartlyCoveredSegment) {
  Cluster c(69);
  c.Start();
  c.FinalizeTo(3);
  const uint64_t downgrade_seq = c.seq++;
  c.hold = true;  // both appended on the leader before anyone hears of either
  EXPECT_FALSE(c.p().Submit(1, Downgrade(9, downgrade_seq, 2), 0).has_value());
  EXPECT_FALSE(c.p().Submit(1, testing::Put(1, c.seq++, "behind", "x"), 0).has_value());
  c.hold = false;
  c.p().Steps(10);
  for (NodeId id : {1, 2, 3}) {
    api::ProtocolState st = c.p().node(id)->State();
    EXPECT_EQ(st.cluster_version, 2u) << id;
    EXPECT_EQ(st.snapshot_format, 2u) << id;
    EXPECT_GT(st.last_index, st.snapshot_index) << id;  // the write behind it
    EXPECT_FALSE(c.p().env(id)->fs.List("log/")->empty()) << id;
    EXPECT_EQ(VersionRecordsAbove(c.p(), id, 2), std::vector<std::string>{}) << id;
  }
  for (NodeId id : {1, 2, 3}) {
    c.p().Crash(id, false);
    c.rel->release[id] = "v2";
    absl::Status s = c.p().Restart(id);
    ASSERT_TRUE(s.ok()) << "node " << id << ": " << s;
  }
  ASSERT_NE(c.p().RunUntilLeader(300), 0u);
  c.Put(2, "v2");
  std::optional<api::Reply> get = c.p().SubmitToLeader(Get(1, c.seq++, "behind"), 300);
  ASSERT_TRUE(get.has_value() && get->status.ok());
  EXPECT_EQ(get->value, "x");
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// A node down during the 3 -> 2 downgrade catches up on v3 (applying the
// entry, or installing a format-2 snapshot), meets the precondition, and
// then v2 starts on its data.
TEST(Downgrade, ANodeDownDuringThe3To2DowngradeCatchesUpBeforeItsRollback) {
  Cluster c(66);
  c.Start();
  c.FinalizeTo(3);
  c.Put(6, "a");
  c.p().Crash(3, false);
  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, c.seq++, 2), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "");
  const uint64_t d = r->index;
  c.Put(10, "b");
  ASSERT_TRUE(c.p().Restart(3).ok());
  EXPECT_EQ(c.p().node(3)->State().cluster_version, 3u);  // not yet
  c.p().Steps(20);
  c.ExpectReadyForV2(3, d);
  EXPECT_EQ(VersionRecordsAbove(c.p(), 3, 2), std::vector<std::string>{});
  c.p().Crash(3, false);
  c.rel->release[3] = "v2";
  absl::Status s = c.p().Restart(3);
  ASSERT_TRUE(s.ok()) << s;
  c.Put(3, "c");
  c.p().Steps(5);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// Without the procedure, v2 (frozen) refuses v3 data before touching it: a
// log holding CLUSTER_VERSION(3) (kFailedPrecondition naming the entry) and a
// format-3 snapshot (kUnimplemented naming the format). Not one byte of the
// directory changes; v3 starts again on the same data.
TEST(Downgrade, V2RefusesV3DataWithoutTheProcedureBeforeTouchingIt) {
  Cluster c(67);
  c.Start();
  c.FinalizeTo(3);  // no compaction yet: the entry is in the log
  c.p().Crash(2, false);
  std::map<std::string, std::string> before = Files(c.p().env(2)->fs);
  ASSERT_EQ(SnapshotFileFormat(c.p(), 2), 0u);
  c.rel->release[2] = "v2";
  absl::Status s = c.p().Restart(2);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "sets cluster version 3")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "v2 speaks at most 2")) << s;
  EXPECT_EQ(Files(c.p().env(2)->fs), before);
  c.rel->release[2] = "v3";
  ASSERT_TRUE(c.p().Restart(2).ok());

  c.Put(12, "a");
  c.p().Crash(3, false);
  ASSERT_EQ(SnapshotFileFormat(c.p(), 3), 3u);
  before = Files(c.p().env(3)->fs);
  c.rel->release[3] = "v2";
  s = c.p().Restart(3);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "format 3")) << s;
  EXPECT_EQ(Files(c.p().env(3)->fs), before);
  c.rel->release[3] = "v3";
  ASSERT_TRUE(c.p().Restart(3).ok());
  c.Put(2, "b");
  c.p().Steps(5);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// One version at a time: 3 -> 1 is refused ("downgrade to 2 first"); 3 -> 2
// then 2 -> 1 both work in v3, ending with format 1 everywhere.
TEST(Downgrade, From3GoesOneVersionAtATime) {
  Cluster c(68);
  c.Start();
  c.FinalizeTo(3);
  c.Put(6, "a");
  std::optional<api::Reply> r = c.p().Submit(1, Downgrade(9, c.seq++, 1), 0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.code(), absl::StatusCode::kInvalidArgument) << r->status;
  EXPECT_TRUE(absl::StrContains(r->status.message(), "downgrade to 2 first")) << r->status;
  EXPECT_EQ(c.p().node(1)->State().cluster_version, 3u);
  r = c.p().Submit(1, Downgrade(9, c.seq++, 2), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "");
  const uint64_t d2 = r->index;
  c.p().Steps(5);
  for (NodeId id : {1, 2, 3}) c.ExpectReadyForV2(id, d2);
  r = c.p().Submit(1, Downgrade(9, c.seq++, 1), 20);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "");
  const uint64_t d1 = r->index;
  c.p().Steps(5);
  for (NodeId id : {1, 2, 3}) {
    c.ExpectReadyForV1(id, d1);
    EXPECT_TRUE(HasAudit(c.p(), id, "downgrade_compacted", "format=1 cluster_version=1")) << id;
  }
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

}  // namespace
}  // namespace raftlog::v3
