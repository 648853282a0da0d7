// Both read directions over the goldens: every registered release reads
// every golden snapshot (of every release's golden directory) whose format it
// declares it reads, through its node (same KV, sessions and configuration,
// seen through ProtocolState and through client reads) and through
// snapshots/codec; and refuses, with a message naming the format and the
// first release that reads it, every golden snapshot of a format it does not
// read. No golden of an unread format exists yet, so a synthetic file with a
// format-2 preamble covers the refusal path today.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "golden/layout.h"
#include "golden/read_policy.h"
#include "golden/test_util.h"
#include "gtest/gtest.h"
#include "snapshots/codec.h"
#include "snapshots/format1/format1.h"
#include "snapshots/preamble.h"
#include "versions/api/mem_env.h"
#include "versions/api/pump.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

using ::testing::HasSubstr;

constexpr int kMaxSteps = 400;
constexpr uint64_t kReaderClient = 1000000;

// Formats with one canonical encoding (snapshots/FORMAT.md): a decoded
// golden re-encodes byte for byte.
std::optional<absl::StatusOr<std::string>> CanonicalEncode(uint32_t format,
                                                           const snapshots::SnapshotState& s) {
  if (format == snapshots::kFormat1) return snapshots::format1::Encode(s);
  return std::nullopt;
}

// Releases that refuse a data directory holding only a snapshot (no hard
// state), with why; the expected-red list of that check. An entry that starts
// to pass fails the test, so the list never goes stale.
const std::map<std::string, std::string>& SnapshotOnlyRefusedBy() {
  static const auto* m = new std::map<std::string, std::string>{
      {"v1", "hardstate: term 0 is below the last log term"},
      {"v2", "hardstate: term 0 is below the last log term"},
      {"v3", "hardstate: term 0 is below the last log term"},
  };
  return *m;
}

struct SnapshotGolden {
  std::string writer;      // for messages: "v1", or "v2 (provisional)"
  std::string writer_tag;  // the tag whose golden directory holds it
  std::string name;
  uint32_t format = 0;
  std::string bytes;
  std::map<std::string, std::string> attrs;
};

std::vector<SnapshotGolden> AllSnapshotGoldens(std::vector<std::string>* problems) {
  std::vector<SnapshotGolden> out;
  for (const api::ReleaseInfo& r : AllReleases()) {
    // A head without checked-in goldens contributes a provisional set.
    absl::StatusOr<GoldenDir> dir = LoadOrGenerateGoldens(r.tag);
    if (!dir.ok()) {
      problems->push_back(dir.status().ToString());
      continue;
    }
    for (const ManifestFile& f : dir->manifest.files) {
      if (!absl::StartsWith(f.format, "snapshot/")) continue;
      SnapshotGolden g;
      g.writer = dir->provisional ? r.tag + " (provisional)" : r.tag;
      g.writer_tag = r.tag;
      g.name = f.name;
      if (!absl::SimpleAtoi(f.format.substr(9), &g.format)) {
        problems->push_back(absl::StrCat(r.tag, "/", f.name, ": bad format ", f.format));
        continue;
      }
      g.bytes = dir->files[f.name];
      g.attrs = f.attrs;
      out.push_back(std::move(g));
    }
  }
  return out;
}

std::vector<uint64_t> ParseIds(const std::string& s) {
  std::vector<uint64_t> ids;
  for (absl::string_view part : absl::StrSplit(s, ',', absl::SkipEmpty())) {
    uint64_t v = 0;
    if (absl::SimpleAtoi(part, &v)) ids.push_back(v);
  }
  return ids;
}

uint64_t Attr(const SnapshotGolden& g, const std::string& key) {
  auto it = g.attrs.find(key);
  uint64_t v = 0;
  if (it == g.attrs.end() || !absl::SimpleAtoi(it->second, &v)) {
    ADD_FAILURE() << g.writer << "/" << g.name << ": MANIFEST attribute " << key
                  << " missing or not a number";
  }
  return v;
}

// A data directory of `writer`'s layout holding the snapshot and, unless
// `snapshot_only`, the smallest hard state that goes with it (term = the
// snapshot's term, no vote, commit = its index).
void PrepareDataDir(const SnapshotGolden& g, bool snapshot_only, api::MemFileSystem* fs) {
  absl::StatusOr<DiskLayout> layout = LayoutFor(g.writer_tag);
  ASSERT_TRUE(layout.ok()) << layout.status();
  fs->Overwrite(g.attrs.at("source"), g.bytes);
  if (!snapshot_only) {
    fs->Overwrite(layout->hard_state_path,
                  EncodeHardState(*layout, Attr(g, "last_term"), 0, Attr(g, "last_index")));
  }
}

api::NodeOptions ReaderOptions() {
  api::NodeOptions o;
  o.election_ticks = 10;
  o.heartbeat_ticks = 1;
  o.snapshot_threshold = uint64_t{1} << 40;
  // Data at cluster version 3 (v3's goldens) needs the cluster's key.
  o.cluster_key = api::kPumpClusterKey;
  return o;
}

std::vector<std::string> Tags() {
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  return tags;
}

class ReadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    reader_ = FindRelease(GetParam());
    ASSERT_NE(reader_, nullptr);
    std::vector<std::string> problems;
    goldens_ = AllSnapshotGoldens(&problems);
    ASSERT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
  }
  bool Reads(uint32_t format) const { return CheckReadable(*reader_, format).ok(); }

  // Checks that the reader refuses `bytes` (a snapshot of `format` at
  // `path`): by policy with a message naming the format and its first reader,
  // and at Start of a node on a data directory holding it.
  void ExpectRefused(uint32_t format, const std::string& path, const std::string& bytes,
                     const std::string& what) {
    absl::Status policy = CheckReadable(*reader_, format);
    EXPECT_EQ(policy.code(), absl::StatusCode::kUnimplemented) << what;
    EXPECT_THAT(std::string(policy.message()), HasSubstr(absl::StrCat("format ", format)));
    EXPECT_THAT(std::string(policy.message()), HasSubstr(FirstReader(format)));
    EXPECT_NE(FirstReader(format), "no release") << what;

    api::MemEnv env(1);
    env.fs.Overwrite(path, bytes);
    absl::StatusOr<DiskLayout> layout = LayoutFor(reader_->tag);
    ASSERT_TRUE(layout.ok());
    env.fs.Overwrite(layout->hard_state_path, EncodeHardState(*layout, 1, 0, 0));
    api::NodeOptions o = ReaderOptions();
    o.id = 1;
    o.env = env.env();
    std::unique_ptr<api::Node> node = reader_->make_node(o);
    absl::Status s = node->Start();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented)
        << reader_->tag << " starting on " << what << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(absl::StrCat("format ", format))) << what;
  }

  const api::ReleaseInfo* reader_ = nullptr;
  std::vector<SnapshotGolden> goldens_;
};

// Codec level: every golden of a format the reader reads decodes, agrees with
// what its MANIFEST recorded, and re-encodes byte for byte where the format
// has one canonical encoding.
TEST_P(ReadTest, CodecDecodesEveryReadableGolden) {
  size_t read = 0;
  for (const SnapshotGolden& g : goldens_) {
    if (!Reads(g.format)) continue;
    SCOPED_TRACE(absl::StrCat("golden/", g.writer, "/", g.name));
    absl::StatusOr<snapshots::SnapshotState> s = snapshots::DecodeAny(g.bytes);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->last_index, Attr(g, "last_index"));
    EXPECT_EQ(s->last_term, Attr(g, "last_term"));
    EXPECT_EQ(s->config_index, Attr(g, "config_index"));
    EXPECT_EQ(s->voters, ParseIds(g.attrs.at("voters")));
    EXPECT_FALSE(s->kv.empty());
    EXPECT_FALSE(s->sessions.empty());
    if (auto encoded = CanonicalEncode(g.format, *s); encoded.has_value()) {
      ASSERT_TRUE(encoded->ok()) << encoded->status();
      EXPECT_EQ(**encoded, g.bytes) << "re-encoding is not byte-exact";
    }
    ++read;
  }
  // Every release reads at least the goldens of its own formats.
  EXPECT_GT(read, 0u) << GetParam() << " read no golden snapshot";
}

// Node level: a node of the reader started on a data directory holding the
// snapshot (and the smallest hard state) has the snapshot's state, and a
// cluster of such nodes answers reads and session retries from it.
TEST_P(ReadTest, NodeStartsOnEveryReadableGoldenWithItsState) {
  for (const SnapshotGolden& g : goldens_) {
    if (!Reads(g.format)) continue;
    SCOPED_TRACE(absl::StrCat(GetParam(), " reading golden/", g.writer, "/", g.name));
    absl::StatusOr<snapshots::SnapshotState> want = snapshots::DecodeAny(g.bytes);
    ASSERT_TRUE(want.ok()) << want.status();

    api::Pump::Options po;
    po.ids = want->voters;
    po.seed = 7;
    po.node = ReaderOptions();
    api::Pump pump(reader_->make_node, po);
    for (api::NodeId id : want->voters) {
      PrepareDataDir(g, /*snapshot_only=*/false, &pump.env(id)->fs);
      ASSERT_TRUE(pump.StartNode(id, {}).ok()) << "node " << id;
      const api::ProtocolState st = pump.node(id)->State();
      EXPECT_EQ(st.release, GetParam());
      EXPECT_EQ(st.snapshot_index, want->last_index);
      EXPECT_EQ(st.snapshot_term, want->last_term);
      EXPECT_EQ(st.snapshot_format, g.format);
      EXPECT_EQ(st.applied_index, want->last_index);
      EXPECT_EQ(st.config.voters, want->voters);
      EXPECT_EQ(st.config.learners, want->learners);
      EXPECT_EQ(st.config_index, want->config_index);
      EXPECT_EQ(st.kv_digest, Attr(g, "kv_digest"))
          << "KV and sessions differ from what the writer's node held";
    }
    ASSERT_NE(pump.RunUntilLeader(kMaxSteps), 0u);

    // Every key reads back; an absent key stays absent.
    uint64_t seq = 0;
    for (const auto& [key, value] : want->kv) {
      api::Request r;
      r.client_id = kReaderClient;
      r.sequence = ++seq;
      r.op = api::Op::kGet;
      r.key = key;
      std::optional<api::Reply> rep = pump.SubmitToLeader(r, kMaxSteps);
      ASSERT_TRUE(rep.has_value() && rep->status.ok()) << "get " << key;
      EXPECT_TRUE(rep->found) << key;
      EXPECT_EQ(rep->value, value) << key;
    }
    api::Request absent;
    absent.client_id = kReaderClient;
    absent.sequence = ++seq;
    absent.op = api::Op::kGet;
    absent.key = "golden-read-test-absent-key";
    std::optional<api::Reply> rep = pump.SubmitToLeader(absent, kMaxSteps);
    ASSERT_TRUE(rep.has_value() && rep->status.ok());
    EXPECT_FALSE(rep->found);

    // Every session: a retry of its last sequence is answered with the
    // recorded outcome at the original index, not applied again.
    for (const snapshots::Session& session : want->sessions) {
      api::Request r;
      r.client_id = session.client_id;
      r.sequence = session.last_sequence;
      r.op = api::Op::kGet;
      r.key = "golden-read-test-absent-key";
      std::optional<api::Reply> dup = pump.SubmitToLeader(r, kMaxSteps);
      ASSERT_TRUE(dup.has_value()) << "client " << session.client_id;
      EXPECT_TRUE(dup->status.ok()) << dup->status;
      EXPECT_EQ(dup->index, session.last_index) << "client " << session.client_id;
      EXPECT_EQ(dup->value, session.response) << "client " << session.client_id;
      EXPECT_EQ(dup->found, session.found) << "client " << session.client_id;
      EXPECT_EQ(dup->succeeded, session.succeeded) << "client " << session.client_id;
    }
    EXPECT_EQ(pump.violations(), 0u) << pump.first_violation();
  }
}

// A data directory holding nothing but the snapshot. Releases listed in
// SnapshotOnlyRefusedBy() refuse it cleanly (a Status naming the reason, no
// crash); any other release must start with the snapshot's state.
TEST_P(ReadTest, SnapshotOnlyDataDirectory) {
  const auto& refused = SnapshotOnlyRefusedBy();
  auto expected_refusal = refused.find(GetParam());
  for (const SnapshotGolden& g : goldens_) {
    if (!Reads(g.format)) continue;
    SCOPED_TRACE(absl::StrCat(GetParam(), " on golden/", g.writer, "/", g.name, " alone"));
    api::MemEnv env(3);
    PrepareDataDir(g, /*snapshot_only=*/true, &env.fs);
    api::NodeOptions o = ReaderOptions();
    o.id = ParseIds(g.attrs.at("voters")).front();
    o.env = env.env();
    std::unique_ptr<api::Node> node = reader_->make_node(o);
    absl::Status s = node->Start();
    if (expected_refusal != refused.end()) {
      EXPECT_FALSE(s.ok()) << GetParam()
                           << " now starts from a snapshot-only data directory: remove it "
                              "from SnapshotOnlyRefusedBy() in golden/read_test.cc";
      EXPECT_THAT(std::string(s.message()), HasSubstr(expected_refusal->second));
    } else {
      ASSERT_TRUE(s.ok()) << s;
      EXPECT_EQ(node->State().snapshot_index, Attr(g, "last_index"));
      EXPECT_EQ(node->State().kv_digest, Attr(g, "kv_digest"));
    }
  }
}

// Every golden snapshot of a format the reader does not read is refused
// (none exist yet: every registered release reads format 1 only).
TEST_P(ReadTest, RefusesEveryGoldenOfAFormatItDoesNotRead) {
  size_t refused = 0;
  for (const SnapshotGolden& g : goldens_) {
    if (Reads(g.format)) continue;
    SCOPED_TRACE(absl::StrCat(GetParam(), " refusing golden/", g.writer, "/", g.name));
    ExpectRefused(g.format, g.attrs.at("source"), g.bytes,
                  absl::StrCat("golden/", g.writer, "/", g.name));
    ++refused;
  }
  std::cout << GetParam() << " refused " << refused << " golden snapshot(s) of formats it "
            << "does not read\n";
}

// The refusal path, exercised today: a file with a format-2 preamble and a
// body no codec accepts. Every release that does not read format 2 refuses it
// with kUnimplemented naming the format; the codec, while it links no format
// 2 decoder, refuses it naming the first release that reads format 2.
TEST_P(ReadTest, RefusesASyntheticFormat2Snapshot) {
  constexpr uint32_t kFormat = snapshots::kFormat2;
  std::string bytes;
  snapshots::AppendPreamble(kFormat, &bytes);
  bytes += std::string(48, '\x5a');
  absl::StatusOr<DiskLayout> layout = LayoutFor(GetParam());
  ASSERT_TRUE(layout.ok());
  if (!Reads(kFormat)) {
    ExpectRefused(kFormat, SnapshotPath(*layout, 7), bytes, "a synthetic format-2 file");
  } else {
    // A release that reads format 2 judges the body: corrupt, refused at Start.
    api::MemEnv env(1);
    env.fs.Overwrite(SnapshotPath(*layout, 7), bytes);
    env.fs.Overwrite(layout->hard_state_path, EncodeHardState(*layout, 1, 0, 0));
    api::NodeOptions o = ReaderOptions();
    o.id = 1;
    o.env = env.env();
    absl::Status s = reader_->make_node(o)->Start();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  }
  const snapshots::FormatInfo* info = snapshots::FindFormat(kFormat);
  ASSERT_NE(info, nullptr);
  absl::StatusOr<snapshots::SnapshotState> decoded = snapshots::DecodeAny(bytes);
  EXPECT_FALSE(decoded.ok());
  if (!info->decoder_linked) {
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr("format 2"));
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr(info->first_reader));
  } else {
    // With a decoder linked the body is judged instead: corrupt, not unknown.
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << decoded.status();
  }
}

INSTANTIATE_TEST_SUITE_P(AllReleases, ReadTest, ::testing::ValuesIn(Tags()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace raftlog::golden
