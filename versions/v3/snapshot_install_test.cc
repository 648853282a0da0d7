// Snapshot formats by cluster version: format 1 (one InstallSnapshot) below
// cluster version 2, format 2 (chunked InstallSnapshotChunk, verified per
// chunk, resumable) at 2, format 3 (the same container, plus metadata) from 3
// on; and the chunked transfer under loss, duplication, damage and a receiver
// restart.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "snapshots/format3/constants.h"
#include "snapshots/format3/format3.h"
#include "snapshots/preamble.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/auth.h"
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

// Incompressible, so that the snapshot spans several 64 KiB chunks.
std::string RandomValue(api::SeededRandom* rnd, size_t n) {
  std::string v(n, '\0');
  for (char& c : v) c = static_cast<char>(rnd->Next());
  return v;
}

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

// The format number of the snapshot file in `id`'s directory (0: none).
uint32_t SnapshotFileFormat(Pump& p, NodeId id, std::string* bytes = nullptr) {
  absl::StatusOr<std::vector<std::string>> names = p.env(id)->fs.List("snap/");
  if (!names.ok() || names->empty()) return 0;
  std::string data = *p.env(id)->fs.Read(names->back());
  if (bytes != nullptr) *bytes = data;
  absl::StatusOr<uint32_t> f = snapshots::ReadPreamble(data);
  return f.ok() ? *f : 0;
}

struct Cluster {
  std::shared_ptr<MixedReleases> rel = std::make_shared<MixedReleases>();
  std::unique_ptr<Pump> pump;
  std::map<std::string, int> types;  // messages by Outbound::type
  std::function<bool(const Pump::Envelope&)> extra;  // more filtering, if set
  uint64_t seq = 1;
  uint64_t fin_seq = 0;
  api::SeededRandom rnd{5};

  explicit Cluster(uint64_t seed) {
    rel->election_ticks[1] = 3;  // node 1 leads
    pump = std::make_unique<Pump>(
        MakeMixedPump({1, 2, 3}, seed, rel, TestNodeOptions(/*snapshot_threshold=*/20)));
    pump->SetFilter([this](const Pump::Envelope& e) {
      ++types[e.type];
      return extra ? extra(e) : true;
    });
  }
  Pump& p() { return *pump; }
  void Start() {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
  }
  // Raises the cluster version to exactly `version` (2: what a cluster with
  // a v2 member reaches; 3: all v3).
  void Finalize(uint32_t version) {
    std::optional<api::Reply> r = p().Submit(1, testing::Finalize(9, ++fin_seq, version), 20);
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->status.ok()) << r->status;
    ASSERT_TRUE(RunUntilConverged(p(), {1, 2, 3}, 50));
  }
  void Write(int n, size_t value_bytes) {
    for (int i = 0; i < n; ++i) {
      std::optional<api::Reply> r = p().SubmitToLeader(
          Put(1, seq, absl::StrCat("k", seq % 50), RandomValue(&rnd, value_bytes)), 200);
      ++seq;
      ASSERT_TRUE(r.has_value());
      ASSERT_TRUE(r->status.ok()) << r->status;
    }
  }
  // Node 3 misses enough to need the leader's snapshot.
  void LagNode3(int writes) {
    const uint64_t had = p().node(3)->State().last_index;
    p().Crash(3, false);
    Write(writes, 4000);
    ASSERT_GT(p().node(1)->State().first_index, had + 1);  // compacted past node 3
    types.clear();
  }
};

TEST(SnapshotInstall, BeforeFinalizeFormat1InOneMessage) {
  Cluster c(21);
  c.Start();
  c.Write(5, 100);
  c.LagNode3(40);
  EXPECT_EQ(SnapshotFileFormat(c.p(), 1), 1u);
  EXPECT_EQ(c.p().node(1)->State().snapshot_format, 1u);
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 100));
  EXPECT_EQ(c.types["InstallSnapshot"], 1);
  EXPECT_EQ(c.types.count("InstallSnapshotChunk"), 0u);
  EXPECT_EQ(c.p().node(3)->State().snapshot_format, 1u);
  EXPECT_EQ(SnapshotFileFormat(c.p(), 3), 1u);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
}

TEST(SnapshotInstall, AfterFinalizeFormat2InChunks) {
  Cluster c(22);
  c.Start();
  c.Write(5, 100);
  c.Finalize(2);
  c.LagNode3(40);
  std::string leader_file;
  EXPECT_EQ(SnapshotFileFormat(c.p(), 1, &leader_file), 2u);
  EXPECT_EQ(c.p().node(1)->State().snapshot_format, 2u);
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 200));
  api::ProtocolState s3 = c.p().node(3)->State();
  EXPECT_EQ(c.types.count("InstallSnapshot"), 0u);
  // Head, at least two 64 KiB chunks of ~160 KB, trailer.
  EXPECT_GE(c.types["InstallSnapshotChunk"], 4);
  EXPECT_EQ(c.types["InstallSnapshotChunk"], c.types["InstallSnapshotChunkResponse"]);
  EXPECT_EQ(s3.snapshot_format, 2u);
  EXPECT_EQ(s3.cluster_version, 2u);
  EXPECT_EQ(Counter(c.p(), 3, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_EQ(Counter(c.p(), 1, api::kCounterSnapshotsSent), 1u);
  EXPECT_EQ(s3.kv_digest, c.p().node(1)->State().kv_digest);
  // The receiver keeps the sender's file byte for byte.
  std::string follower_file;
  ASSERT_EQ(SnapshotFileFormat(c.p(), 3, &follower_file), 2u);
  if (s3.snapshot_index == c.p().node(1)->State().snapshot_index) {
    EXPECT_EQ(follower_file, leader_file);
  }
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();

  // The cluster version lives in the snapshot: once the CLUSTER_VERSION entry
  // is compacted away, a restart still says 2.
  ASSERT_GT(c.p().node(1)->State().first_index, 2u);
  c.p().Crash(1, false);
  ASSERT_TRUE(c.p().Restart(1).ok());
  EXPECT_EQ(c.p().node(1)->State().cluster_version, 2u);
  EXPECT_EQ(c.p().node(1)->State().snapshot_format, 2u);
}

// All v3, finalized to 3: compaction writes format 3 with its metadata
// (writer, index, cluster-version history, how to go back), the leader sends
// it in chunks like format 2, and the receiver keeps it byte for byte.
TEST(SnapshotInstall, AfterFinalizeTo3Format3InChunksWithMetadata) {
  Cluster c(25);
  c.Start();
  c.Write(5, 100);
  c.Finalize(3);
  c.LagNode3(40);
  std::string leader_file;
  ASSERT_EQ(SnapshotFileFormat(c.p(), 1, &leader_file), 3u);
  EXPECT_EQ(c.p().node(1)->State().snapshot_format, 3u);
  absl::StatusOr<snapshots::SnapshotState> st = snapshots::format3::Decode(leader_file);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->cluster_version, 3u);
  EXPECT_EQ(st->metadata[snapshots::format3::kMetaWriter], "v3");
  EXPECT_EQ(st->metadata[snapshots::format3::kMetaCreatedAtIndex],
            absl::StrCat(st->last_index));
  // Bootstrap at cluster version 1, finalize entry (index 7 here) to 3.
  const std::string history = st->metadata["cluster_version_history"];
  EXPECT_EQ(history.substr(0, 4), "0:1,") << history;
  EXPECT_NE(history.find(":3"), std::string::npos) << history;
  EXPECT_NE(st->metadata[snapshots::format3::kMetaDowngrade].find("Op::kDowngrade"),
            std::string::npos);
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 200));
  api::ProtocolState s3 = c.p().node(3)->State();
  EXPECT_EQ(c.types.count("InstallSnapshot"), 0u);
  EXPECT_GE(c.types["InstallSnapshotChunk"], 4);
  EXPECT_EQ(s3.snapshot_format, 3u);
  EXPECT_EQ(s3.cluster_version, 3u);
  EXPECT_EQ(Counter(c.p(), 3, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_EQ(s3.kv_digest, c.p().node(1)->State().kv_digest);
  std::string follower_file;
  ASSERT_EQ(SnapshotFileFormat(c.p(), 3, &follower_file), 3u);
  if (s3.snapshot_index == c.p().node(1)->State().snapshot_index) {
    EXPECT_EQ(follower_file, leader_file);
  }
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();

  // The cluster version and the format survive a restart from the snapshot
  // alone, and the next snapshot inherits the history it recorded.
  ASSERT_GT(c.p().node(1)->State().first_index, 8u);
  c.p().Crash(1, false);
  ASSERT_TRUE(c.p().Restart(1).ok());
  EXPECT_EQ(c.p().node(1)->State().cluster_version, 3u);
  EXPECT_EQ(c.p().node(1)->State().snapshot_format, 3u);
  ASSERT_NE(c.p().RunUntilLeader(200), 0u);
  c.Write(30, 100);
  std::optional<api::Reply> r = c.p().Submit(1, Compact(9, 99), 0);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  std::string again;
  ASSERT_EQ(SnapshotFileFormat(c.p(), 1, &again), 3u);
  st = snapshots::format3::Decode(again);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->metadata["cluster_version_history"], history);
}

// A v3 node in a cluster with a v2 member never writes (nor sends) format 3:
// finalize goes as far as 2, compaction writes format 2 and the v2 member
// installs it in chunks. Once that member runs v3 and the cluster version is
// 3, every node writes format 3 and the leader sends format 3.
TEST(SnapshotInstall, V3WithAV2MemberNeverWritesFormat3ThenDoesAfterFinalizeTo3) {
  Cluster c(27);
  c.rel->release[3] = "v2";
  std::set<uint32_t> formats_sent, protocols;
  c.extra = [&](const Pump::Envelope& e) {
    wire::v3::Message m;
    if (m.ParseFromString(e.bytes)) {
      protocols.insert(m.protocol_version());
      if (m.has_install_snapshot_chunk()) formats_sent.insert(m.install_snapshot_chunk().format());
      if (m.has_install_snapshot()) formats_sent.insert(m.install_snapshot().format());
    }
    return true;
  };
  c.Start();
  ASSERT_EQ(c.p().node(3)->State().release, "v2");
  c.Write(5, 100);
  c.Finalize(0);  // as high as every member speaks: 2 (node 3 runs v2)
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.p().node(id)->State().cluster_version, 2u) << id;
  c.LagNode3(40);
  for (NodeId id : {1, 2}) {
    EXPECT_EQ(c.p().node(id)->State().snapshot_format, 2u) << id;
    EXPECT_EQ(SnapshotFileFormat(c.p(), id), 2u) << id;
  }
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 200));
  EXPECT_EQ(c.p().node(3)->State().release, "v2");
  EXPECT_EQ(c.p().node(3)->State().snapshot_format, 2u);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_GE(c.types["InstallSnapshotChunk"], 4);
  EXPECT_EQ(formats_sent, std::set<uint32_t>{2});
  EXPECT_EQ(protocols.count(3), 0u);
  c.Write(10, 100);
  for (NodeId id : {1, 2, 3}) EXPECT_LE(SnapshotFileFormat(c.p(), id), 2u) << id;
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];

  // Node 3 to v3 on its own data; now finalize reaches 3.
  c.p().Crash(3, false);
  c.rel->release[3] = "v3";
  ASSERT_TRUE(c.p().Restart(3).ok());
  c.p().Steps(5);
  c.Finalize(0);
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.p().node(id)->State().cluster_version, 3u) << id;
  formats_sent.clear();
  c.LagNode3(40);
  for (NodeId id : {1, 2}) {
    EXPECT_EQ(c.p().node(id)->State().snapshot_format, 3u) << id;
    EXPECT_EQ(SnapshotFileFormat(c.p(), id), 3u) << id;
  }
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 200));
  EXPECT_EQ(c.p().node(3)->State().snapshot_format, 3u);
  EXPECT_EQ(SnapshotFileFormat(c.p(), 3), 3u);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(formats_sent, std::set<uint32_t>{3});
  EXPECT_EQ(protocols.count(3), 1u);
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors()[0];
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// Loss, duplication and damage of chunks: the receiver verifies each chunk
// against the writer's checksum, answers with its verified prefix, and the
// leader resumes from there; the install completes once. Format 2 (cluster
// version 2) and format 3 (cluster version 3) alike.
void RunLossDuplicationAndDamage(uint64_t seed, uint32_t version) {
  Cluster c(seed);
  c.Start();
  c.Finalize(version);
  c.LagNode3(40);
  int chunk_no = 0;
  c.extra = [&](const Pump::Envelope& e) {
    if (e.type != "InstallSnapshotChunk") return true;
    ++chunk_no;
    if (chunk_no == 2) return false;  // lost
    if (chunk_no == 5) {               // duplicated
      c.p().Inject(e.from, e.to, e.bytes);
      return true;
    }
    if (chunk_no == 3) {  // damaged in flight (the resent one): one bit of its data
      wire::v3::Message m;
      EXPECT_TRUE(m.ParseFromString(e.bytes));
      std::string* data = m.mutable_install_snapshot_chunk()->mutable_data();
      if (!data->empty()) (*data)[data->size() / 2] ^= 0x10;
      // At cluster version 3 damage on the wire fails the MAC first
      // (auth_cluster_test); here the chunk is damaged before it is sealed,
      // so the chunk's own checksum has to catch it.
      c.p().Inject(e.from, e.to,
                   version >= 3 ? auth::Seal(kTestClusterKey, &m) : m.SerializeAsString());
      return false;
    }
    return true;
  };
  ASSERT_TRUE(c.p().Restart(3).ok());
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 400));
  EXPECT_GE(chunk_no, 7);
  EXPECT_EQ(c.p().node(3)->State().snapshot_format, version);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(Counter(c.p(), 3, api::kCounterSnapshotsInstalled), 1u);
  EXPECT_GE(Counter(c.p(), 3, api::kCounterDecodeErrors), 1u);  // the damaged chunk
  bool saw_damage = false;
  for (const absl::Status& s : c.p().deliver_errors()) {
    if (s.code() == absl::StatusCode::kDataLoss) saw_damage = true;
  }
  EXPECT_TRUE(saw_damage);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

TEST(SnapshotInstall, ChunkedInstallSurvivesLossDuplicationAndDamage) {
  RunLossDuplicationAndDamage(23, 2);
}

TEST(SnapshotInstall, Format3ChunkedInstallSurvivesLossDuplicationAndDamage) {
  RunLossDuplicationAndDamage(26, 3);
}

// The receiver crashes mid-transfer (its partial file was never published):
// the leader learns its verified prefix is 0 and starts over.
TEST(SnapshotInstall, ReceiverRestartMidTransferStartsOver) {
  Cluster c(24);
  c.Start();
  c.Finalize(2);
  c.LagNode3(40);
  int delivered = 0;
  bool crashed = false;
  c.extra = [&](const Pump::Envelope& e) {
    if (e.type == "InstallSnapshotChunk" && ++delivered == 3 && !crashed) {
      crashed = true;
      return false;  // dropped: node 3 crashes right now (below)
    }
    return true;
  };
  ASSERT_TRUE(c.p().Restart(3).ok());
  for (int i = 0; i < 50 && !crashed; ++i) c.p().Step();
  ASSERT_TRUE(crashed);
  c.p().Crash(3, false);
  ASSERT_TRUE(c.p().Restart(3).ok());
  EXPECT_EQ(c.p().node(3)->State().snapshot_index, 0u);
  ASSERT_TRUE(RunUntilConverged(c.p(), {1, 2, 3}, 400));
  EXPECT_EQ(c.p().node(3)->State().snapshot_format, 2u);
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

}  // namespace
}  // namespace raftlog::v3
