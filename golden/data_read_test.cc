// Both read directions over the golden data directories: the checked-in log
// segment and hard state of every tag (with the golden snapshot the segment
// follows, when there is one), started on by a node of every registered tag.
//
// Who must read whose data comes from the upgrade policy
// (versions/policy.txt): a tag reads its own data; a newer tag reads an older
// tag's data when the pair declares rolling_upgrade (the upgraded node
// restarts on it); an older tag reads a newer tag's data when the pair
// declares a way back (downgrade_before_finalize, downgrade_after_finalize,
// downgrade_by_procedure) and the data is in a state that way back leaves it
// in: a cluster version the older binary speaks (downgrade_after_finalize
// excepted) and a snapshot format it declares it reads. The data's cluster
// version is what a writer node started on it reports.
//
// A reader that must read starts, and its node shows the data: the hard
// state's term and vote, the segment's first and last index, the term of
// every segment entry at its index. Every other reader refuses cleanly: Start
// fails with a code of node.h's table (kUnimplemented, kFailedPrecondition or
// kDataLoss) and a message, and leaves the data directory byte-identical (no
// file written, added or removed).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "golden/layout.h"
#include "golden/schema.h"
#include "golden/test_util.h"
#include "versions/api/mem_env.h"
#include "versions/api/pump.h"
#include "versions/policy.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

// One writer's golden data directory, as files at their data-directory paths.
struct DataGolden {
  std::string writer;
  api::NodeId node = 0;
  std::map<std::string, std::string> files;  // data-directory path -> bytes
  uint64_t first_index = 0;                  // of the segment
  std::vector<std::pair<uint64_t, uint64_t>> entries;  // (index, term), segment order
  uint64_t hard_term = 0;
  uint64_t hard_vote = 0;
  std::optional<uint32_t> snapshot_format;  // of the snapshot the segment follows
  std::optional<uint64_t> snapshot_index;
};

uint64_t Number(const std::map<std::string, std::string>& attrs, const std::string& key) {
  auto it = attrs.find(key);
  uint64_t v = 0;
  if (it == attrs.end() || !absl::SimpleAtoi(it->second, &v)) {
    ADD_FAILURE() << "MANIFEST attribute " << key << " missing or not a number";
  }
  return v;
}

uint64_t UintField(const google::protobuf::Message& m, const std::string& name) {
  const google::protobuf::FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_UINT64) {
    ADD_FAILURE() << m.GetDescriptor()->full_name() << " has no uint64 field " << name;
    return 0;
  }
  return m.GetReflection()->GetUInt64(m, f);
}

// The data directory of `tag`'s goldens: hard state, log segment(s), and the
// golden snapshot whose last index is just before the first segment.
absl::StatusOr<DataGolden> LoadDataGolden(const std::string& tag) {
  absl::StatusOr<GoldenDir> dir = LoadOrGenerateGoldens(tag);
  if (!dir.ok()) return dir.status();
  absl::StatusOr<DiskLayout> layout = LayoutFor(tag);
  if (!layout.ok()) return layout.status();
  DataGolden g;
  g.writer = tag;
  std::vector<const ManifestFile*> snapshots;
  for (const ManifestFile& f : dir->manifest.files) {
    if (f.format == "hard-state") {
      absl::StatusOr<HardStateRecord> hs = ParseHardState(*layout, dir->files[f.name]);
      if (!hs.ok()) return hs.status();
      g.hard_term = hs->term;
      g.hard_vote = hs->vote;
      g.files[f.attrs.at("source")] = dir->files[f.name];
      g.node = Number(f.attrs, "node");
    } else if (f.format == "log-segment") {
      absl::StatusOr<std::vector<SegmentRecord>> records =
          ParseSegment(*layout, dir->files[f.name]);
      if (!records.ok()) return records.status();
      for (const SegmentRecord& r : *records) {
        absl::StatusOr<std::unique_ptr<google::protobuf::Message>> e =
            ParseWire(tag, "Entry", r.body);
        if (!e.ok()) return e.status();
        g.entries.emplace_back(UintField(**e, "index"), UintField(**e, "term"));
      }
      g.files[f.attrs.at("source")] = dir->files[f.name];
      if (g.node != 0 && g.node != Number(f.attrs, "node")) {
        return absl::FailedPreconditionError(
            absl::StrCat(tag, ": hard state and log segment of different nodes"));
      }
      g.node = Number(f.attrs, "node");
    } else if (absl::StartsWith(f.format, "snapshot/")) {
      snapshots.push_back(&f);
    }
  }
  if (g.entries.empty() || g.node == 0) {
    return absl::NotFoundError(absl::StrCat(tag, ": no golden log segment and hard state"));
  }
  std::sort(g.entries.begin(), g.entries.end());
  g.first_index = g.entries.front().first;
  for (const ManifestFile* s : snapshots) {
    if (Number(s->attrs, "last_index") + 1 != g.first_index) continue;
    g.snapshot_index = Number(s->attrs, "last_index");
    uint32_t format = 0;
    if (!absl::SimpleAtoi(s->format.substr(9), &format)) {
      return absl::DataLossError(absl::StrCat(tag, "/", s->name, ": bad format"));
    }
    // The newest format covering the index wins (a release writes one at a time).
    if (!g.snapshot_format.has_value() || format > *g.snapshot_format) {
      g.snapshot_format = format;
      g.files[s->attrs.at("source")] = dir->files[s->name];
    }
  }
  return g;
}

api::NodeOptions Options(api::NodeId id, api::MemEnv* env) {
  api::NodeOptions o;
  o.id = id;
  o.env = env->env();
  o.election_ticks = 10;
  o.heartbeat_ticks = 1;
  o.snapshot_threshold = uint64_t{1} << 40;
  o.cluster_key = api::kPumpClusterKey;
  return o;
}

struct Started {
  std::unique_ptr<api::MemEnv> env;
  std::unique_ptr<api::Node> node;
  absl::Status status;
};

Started StartOn(const api::ReleaseInfo& release, const DataGolden& g) {
  Started s;
  s.env = std::make_unique<api::MemEnv>(1);
  for (const auto& [path, bytes] : g.files) s.env->fs.Overwrite(path, bytes);
  s.node = release.make_node(Options(g.node, s.env.get()));
  s.status = s.node->Start();
  return s;
}

// Every file of `fs` with its current content.
std::map<std::string, std::string> Snapshot(api::MemFileSystem& fs) {
  std::map<std::string, std::string> out;
  absl::StatusOr<std::vector<std::string>> names = fs.List("");
  if (!names.ok()) {
    ADD_FAILURE() << names.status();
    return out;
  }
  for (const std::string& n : *names) {
    absl::StatusOr<std::string> data = fs.Read(n);
    out[n] = data.ok() ? *data : absl::StrCat("<unreadable: ", data.status().ToString(), ">");
  }
  return out;
}

int RegistryIndex(const std::string& tag) {
  const auto& all = AllReleases();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].tag == tag) return static_cast<int>(i);
  }
  return -1;
}

policy::Policy LoadPolicy() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path =
      absl::StrCat(srcdir != nullptr ? srcdir : ".", "/raftcert/versions/policy.txt");
  absl::StatusOr<policy::Policy> p = policy::Policy::Load(path);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : policy::Policy();
}

// Whether the policy says `reader` must run on `writer`'s data, and why.
bool MustRead(const policy::Policy& p, const api::ReleaseInfo& reader, const DataGolden& g,
              uint32_t data_cluster_version, std::string* why) {
  using policy::Capability;
  const int r = RegistryIndex(reader.tag), w = RegistryIndex(g.writer);
  if (r == w) {
    *why = "its own data";
    return true;
  }
  if (r > w) {
    const bool yes = p.For(g.writer, reader.tag).Has(Capability::kRollingUpgrade);
    *why = absl::StrCat(g.writer, " -> ", reader.tag, yes ? " declares" : " lacks",
                        " rolling_upgrade");
    return yes;
  }
  const policy::Capabilities caps = p.For(reader.tag, g.writer);
  const bool after = caps.Has(Capability::kDowngradeAfterFinalize);
  const bool back = after || caps.Has(Capability::kDowngradeBeforeFinalize) ||
                    caps.Has(Capability::kDowngradeByProcedure);
  if (!back) {
    *why = absl::StrCat(reader.tag, " -> ", g.writer, " declares no way back");
    return false;
  }
  if (!after && data_cluster_version > reader.max_protocol) {
    *why = absl::StrCat("the data is at cluster version ", data_cluster_version, ", above ",
                        reader.tag, "'s protocols");
    return false;
  }
  if (g.snapshot_format.has_value() &&
      std::find(reader.snapshot_formats_read.begin(), reader.snapshot_formats_read.end(),
                *g.snapshot_format) == reader.snapshot_formats_read.end()) {
    *why = absl::StrCat("its snapshot is format ", *g.snapshot_format, ", which ", reader.tag,
                        " does not read");
    return false;
  }
  *why = absl::StrCat(reader.tag, " -> ", g.writer, " declares a way back and the data is in "
                      "a state it leaves");
  return true;
}

std::vector<std::string> Tags() {
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  return tags;
}

class DataReadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DataReadTest, ReadsOrRefusesEveryGoldenDataDirectory) {
  const api::ReleaseInfo* reader = FindRelease(GetParam());
  ASSERT_NE(reader, nullptr);
  const policy::Policy p = LoadPolicy();
  size_t read = 0, refused = 0;
  for (const api::ReleaseInfo& writer : AllReleases()) {
    absl::StatusOr<DataGolden> g = LoadDataGolden(writer.tag);
    ASSERT_TRUE(g.ok()) << g.status();
    // The data's cluster version, as the writer's own node reports it.
    Started own = StartOn(writer, *g);
    ASSERT_TRUE(own.status.ok()) << writer.tag << " cannot start on its own golden data: "
                                 << own.status;
    const uint32_t cv = own.node->State().cluster_version;

    std::string why;
    const bool must = MustRead(p, *reader, *g, cv, &why);
    SCOPED_TRACE(absl::StrCat(reader->tag, " on golden/", writer.tag,
                              " data (node ", g->node, ", cluster version ", cv, "): ", why));
    Started s = StartOn(*reader, *g);
    if (must) {
      ASSERT_TRUE(s.status.ok()) << s.status;
      const api::ProtocolState st = s.node->State();
      EXPECT_EQ(st.term, g->hard_term);
      EXPECT_EQ(st.vote, g->hard_vote);
      EXPECT_EQ(st.first_index, g->first_index);
      EXPECT_EQ(st.last_index, g->entries.back().first);
      if (g->snapshot_index.has_value()) EXPECT_EQ(st.snapshot_index, *g->snapshot_index);
      for (const auto& [index, term] : g->entries) {
        std::optional<api::EntryId> e = s.node->EntryAt(index);
        ASSERT_TRUE(e.has_value()) << "no entry at " << index;
        EXPECT_EQ(e->term, term) << "index " << index;
      }
      ++read;
    } else {
      EXPECT_FALSE(s.status.ok()) << "started, though the policy does not ask it to";
      const absl::StatusCode c = s.status.code();
      EXPECT_TRUE(c == absl::StatusCode::kUnimplemented ||
                  c == absl::StatusCode::kFailedPrecondition ||
                  c == absl::StatusCode::kDataLoss)
          << "not a clean refusal: " << s.status;
      EXPECT_FALSE(s.status.message().empty());
      EXPECT_EQ(Snapshot(s.env->fs), g->files) << "the refused data directory was modified";
      std::cout << reader->tag << " refuses golden/" << writer.tag << " data: " << s.status
                << "\n";
      ++refused;
    }
  }
  std::cout << reader->tag << " read " << read << " and refused " << refused
            << " golden data directories\n";
  EXPECT_GT(read, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllReleases, DataReadTest, ::testing::ValuesIn(Tags()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace raftlog::golden
