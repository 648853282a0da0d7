// The checked-in goldens of every registered release: the MANIFEST digests
// match the files, every twin re-derives from its binary, the set covers
// every snapshot format and message type the release declares, and
// regenerating from the recorded scenario and seed gives the same bytes.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "golden/diff.h"
#include "golden/generate.h"
#include "golden/manifest.h"
#include "golden/schema.h"
#include "golden/test_util.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

std::vector<std::string> Tags() {
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  return tags;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    release_ = FindRelease(GetParam());
    ASSERT_NE(release_, nullptr);
    // A head without checked-in goldens is checked on a provisional set
    // generated now; a released tag must have checked-in goldens.
    absl::StatusOr<GoldenDir> dir = LoadOrGenerateGoldens(GetParam());
    ASSERT_TRUE(dir.ok()) << dir.status()
                          << (IsReleased(GetParam()) ? " (a released tag must have goldens)" : "");
    if (dir->provisional) {
      std::cout << "golden/" << GetParam() << " is not checked in: checking a provisional set "
                << "(write it with scripts/regen_golden.sh before " << GetParam()
                << " is released)\n";
    }
    dir_ = *std::move(dir);
  }
  const std::string& File(const std::string& name) {
    static const std::string kEmpty;
    auto it = dir_.files.find(name);
    return it == dir_.files.end() ? kEmpty : it->second;
  }
  const api::ReleaseInfo* release_ = nullptr;
  GoldenDir dir_;
};

TEST_P(GoldenTest, ManifestListsExactlyTheFilesWithTheirDigests) {
  EXPECT_EQ(dir_.manifest.tag, GetParam());
  std::set<std::string> listed;
  for (const ManifestFile& f : dir_.manifest.files) {
    listed.insert(f.name);
    EXPECT_EQ(f.release, GetParam()) << f.name;
    ASSERT_TRUE(dir_.files.count(f.name)) << f.name << " is in the MANIFEST but not on disk";
    EXPECT_EQ(Sha256Hex(File(f.name)), f.sha256)
        << "golden/" << GetParam() << "/" << f.name << " does not match its MANIFEST digest";
  }
  for (const auto& [name, bytes] : dir_.files) {
    if (name == kManifestName) continue;
    EXPECT_TRUE(listed.count(name)) << "golden/" << GetParam() << "/" << name
                                    << " is not listed in the MANIFEST";
  }
  // The MANIFEST is in canonical form: rendering what was parsed gives it back.
  EXPECT_EQ(RenderManifest(dir_.manifest), File(kManifestName));
}

TEST_P(GoldenTest, EveryBinaryHasItsTwinAndTheTwinReDerives) {
  size_t binaries = 0;
  for (const ManifestFile& f : dir_.manifest.files) {
    if (absl::StartsWith(f.format, "twin/")) {
      auto it = f.attrs.find("twin_of");
      ASSERT_NE(it, f.attrs.end()) << f.name << " has no twin_of";
      const ManifestFile* bin = dir_.manifest.Find(it->second);
      ASSERT_NE(bin, nullptr) << f.name << " is the twin of a file not listed";
      EXPECT_EQ(f.format, absl::StrCat("twin/", bin->format));
      continue;
    }
    ++binaries;
    absl::StatusOr<std::pair<std::string, std::string>> twin =
        DeriveTwin(GetParam(), f, File(f.name));
    ASSERT_TRUE(twin.ok()) << twin.status();
    const ManifestFile* listed = dir_.manifest.Find(twin->first);
    ASSERT_NE(listed, nullptr) << f.name << ": its twin " << twin->first << " is not listed";
    EXPECT_EQ(listed->attrs.at("twin_of"), f.name);
    EXPECT_EQ(File(twin->first), twin->second)
        << "golden/" << GetParam() << "/" << twin->first << " is not what " << f.name
        << " gives now:\n"
        << UnifiedDiff(File(twin->first), twin->second,
                       absl::StrCat("golden/", GetParam(), "/", twin->first), "re-derived");
  }
  EXPECT_GT(binaries, 0u);
}

// A wire twin is the message itself in text format: parsed back with the
// tag's schema and serialized, it gives the binary byte for byte.
TEST_P(GoldenTest, WireTwinsParseBackToTheBinary) {
  size_t checked = 0;
  for (const ManifestFile& f : dir_.manifest.files) {
    if (!absl::StartsWith(f.format, "wire/")) continue;
    const std::string twin_name = f.name.substr(0, f.name.size() - 4) + ".textproto";
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> empty =
        ParseWire(GetParam(), "Message", "");
    ASSERT_TRUE(empty.ok()) << empty.status();
    std::unique_ptr<google::protobuf::Message> m = *std::move(empty);
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(File(twin_name), m.get()))
        << twin_name;
    std::string bytes;
    ASSERT_TRUE(m->SerializeToString(&bytes));
    EXPECT_EQ(bytes, File(f.name)) << twin_name << " does not serialize to " << f.name;
    EXPECT_EQ(TypeValueName(*m), f.attrs.at("type")) << f.name;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

// The set covers what the release declares: a snapshot in every format it
// writes, a message of every type its schema has, its log and hard state.
TEST_P(GoldenTest, CoversEveryFormatAndMessageTypeTheReleaseDeclares) {
  std::set<std::string> formats, types;
  for (const ManifestFile& f : dir_.manifest.files) {
    formats.insert(f.format);
    if (absl::StartsWith(f.format, "wire/")) types.insert(f.attrs.at("type"));
  }
  for (uint32_t w : release_->snapshot_formats_written) {
    EXPECT_TRUE(formats.count(absl::StrCat("snapshot/", w)))
        << GetParam() << " writes snapshot format " << w << " but golden/" << GetParam()
        << " has none";
  }
  const std::vector<std::string> declared = MessageTypeValues(GetParam());
  ASSERT_FALSE(declared.empty());
  for (const std::string& t : declared) {
    EXPECT_TRUE(types.count(t)) << "no golden wire message of type " << t;
  }
  EXPECT_TRUE(formats.count("hard-state"));
  EXPECT_TRUE(formats.count("log-segment"));
}

// Byte-identical regeneration from the scenario and seed the MANIFEST
// records. On a difference, the failure shows the diff of the readable twins.
TEST_P(GoldenTest, RegeneratingGivesByteIdenticalFiles) {
  ScenarioOptions options;
  options.scenario = dir_.manifest.scenario;
  options.seed = dir_.manifest.seed;
  absl::StatusOr<GoldenSet> fresh = BuildGoldens(*release_, options);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  const std::string differences =
      DescribeDifferences(GetParam(), fresh->manifest, dir_.files, fresh->files);
  EXPECT_TRUE(differences.empty())
      << "golden/" << GetParam() << " is not what release " << GetParam()
      << " produces now (scenario " << options.scenario << ", seed " << options.seed << "):\n"
      << differences
      << "If the change is intended and the release is head: scripts/regen_golden.sh. A "
         "released (frozen) tag's goldens change only with --force-released.";
}

// What a stability failure prints: a changed binary is shown as the diff of
// its twins, so a reviewer sees which field changed, not two digests.
TEST_P(GoldenTest, ADifferenceIsShownAsADiffOfTheTwins) {
  const ManifestFile* ae = nullptr;
  for (const ManifestFile& f : dir_.manifest.files) {
    if (f.format == "wire/AppendEntries") ae = &f;
  }
  if (ae == nullptr) GTEST_SKIP() << "no AppendEntries golden";
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
      ParseWire(GetParam(), "Message", File(ae->name));
  ASSERT_TRUE(m.ok()) << m.status();
  const auto* term = (*m)->GetDescriptor()->FindFieldByName("term");
  ASSERT_NE(term, nullptr);
  const uint64_t old_term = (*m)->GetReflection()->GetUInt64(**m, term);
  (*m)->GetReflection()->SetUInt64(m->get(), term, old_term + 40);
  std::map<std::string, std::string> changed = dir_.files;
  changed[ae->name] = (*m)->SerializeAsString();
  changed.erase(kManifestName);
  changed["extra.bin"] = "x";
  const std::string d = DescribeDifferences(GetParam(), dir_.manifest, dir_.files, changed);
  EXPECT_THAT(d, ::testing::HasSubstr(absl::StrCat(ae->name, " differs (sha256 ")));
  EXPECT_THAT(d, ::testing::HasSubstr(absl::StrCat("-term: ", old_term, "\n+term: ",
                                                   old_term + 40, "\n")));
  EXPECT_THAT(d, ::testing::HasSubstr("new file extra.bin"));
  EXPECT_THAT(d, ::testing::HasSubstr("MANIFEST is no longer produced"));
  EXPECT_EQ(DescribeDifferences(GetParam(), dir_.manifest, dir_.files, dir_.files), "");
}

INSTANTIATE_TEST_SUITE_P(AllReleases, GoldenTest, ::testing::ValuesIn(Tags()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace raftlog::golden
