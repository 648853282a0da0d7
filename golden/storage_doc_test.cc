// snapshots/STORAGE.md against the bytes: the numbers of its tables (hard
// state and record layouts, file names, the per-tag table) are checked
// against the golden data directory every registered release wrote
// (golden/<tag>/) and against golden/layout.cc, which reads them with the
// shared codec (snapshots/storage_codec.h). A doc that drifts from what the releases write fails
// here, naming the row.
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "golden/layout.h"
#include "golden/test_util.h"
#include "gtest/gtest.h"
#include "snapshots/crc32c.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

std::string ReadDoc() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::ifstream in(absl::StrCat(srcdir != nullptr ? srcdir : ".", "/raftcert/snapshots/STORAGE.md"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The rows of the first table after the heading `heading`, cells trimmed,
// header and separator rows dropped.
std::vector<std::vector<std::string>> Table(const std::string& doc, const std::string& heading) {
  std::vector<std::vector<std::string>> rows;
  size_t at = doc.find("\n" + heading + "\n");
  if (at == std::string::npos) {
    ADD_FAILURE() << "STORAGE.md has no section " << heading;
    return rows;
  }
  bool in_table = false, header_seen = false;
  for (absl::string_view line : absl::StrSplit(doc.substr(at + heading.size() + 2), '\n')) {
    if (!absl::StartsWith(line, "|")) {
      if (in_table) break;
      continue;
    }
    in_table = true;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    if (absl::StartsWith(line, "|---")) continue;
    std::vector<std::string> cells;
    for (absl::string_view c : absl::StrSplit(line.substr(1, line.size() - 2), '|')) {
      cells.push_back(std::string(absl::StripAsciiWhitespace(c)));
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

uint64_t Int(const std::string& s) {
  uint64_t v = 0;
  EXPECT_TRUE(absl::SimpleAtoi(s, &v)) << "not a number: " << s;
  return v;
}

uint32_t Fixed32(absl::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3])) << 24;
}

uint64_t Fixed64(absl::string_view b, size_t at) {
  return Fixed32(b, at) | static_cast<uint64_t>(Fixed32(b, at + 4)) << 32;
}

const ManifestFile* FileOfFormat(const GoldenDir& dir, const std::string& format) {
  for (const ManifestFile& f : dir.manifest.files) {
    if (f.format == format) return &f;
  }
  return nullptr;
}

TEST(StorageDocTest, HardStateTableMatchesEveryGoldenHardState) {
  const auto rows = Table(ReadDoc(), "## Hard state (`hardstate`)");
  ASSERT_EQ(rows.size(), 6u);
  std::map<std::string, std::pair<size_t, size_t>> field;  // first word -> (offset, size)
  size_t end = 0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(Int(r[0]), end) << "rows must be contiguous: " << r[2];
    end = Int(r[0]) + Int(r[1]);
    field[r[2]] = {Int(r[0]), Int(r[1])};
  }
  EXPECT_THAT(ReadDoc(), ::testing::HasSubstr(absl::StrCat("Exactly ", end, " bytes")));
  const auto magic = field.at("magic `RLHS`");
  const auto version = field.at("u32 framing version, 1");
  const auto term = field.at("u64 current term");
  const auto vote = field.at("u64 vote (node id, 0 = none)");
  const auto commit = field.at("u64 commit index");
  const auto crc = field.at("u32 CRC32C of bytes 0..31");
  EXPECT_EQ(crc.first, 32u);
  for (const api::ReleaseInfo& r : AllReleases()) {
    SCOPED_TRACE(r.tag);
    absl::StatusOr<GoldenDir> dir = LoadOrGenerateGoldens(r.tag);
    ASSERT_TRUE(dir.ok()) << dir.status();
    const ManifestFile* f = FileOfFormat(*dir, "hard-state");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->attrs.at("source"), "hardstate");
    const std::string& b = dir->files.at(f->name);
    ASSERT_EQ(b.size(), end);
    EXPECT_EQ(b.substr(magic.first, magic.second), "RLHS");
    EXPECT_EQ(Fixed32(b, version.first), 1u);
    EXPECT_EQ(Fixed32(b, crc.first), Crc32c(absl::string_view(b).substr(0, crc.first)));
    absl::StatusOr<DiskLayout> layout = LayoutFor(r.tag);
    ASSERT_TRUE(layout.ok());
    absl::StatusOr<HardStateRecord> hs = ParseHardState(*layout, b);
    ASSERT_TRUE(hs.ok()) << hs.status();
    EXPECT_EQ(Fixed64(b, term.first), hs->term);
    EXPECT_EQ(Fixed64(b, vote.first), hs->vote);
    EXPECT_EQ(Fixed64(b, commit.first), hs->commit);
  }
}

TEST(StorageDocTest, RecordTableMatchesEveryGoldenSegment) {
  const std::string doc = ReadDoc();
  const auto rows = Table(doc, "## Log segment (`log/<first index>`)");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Int(rows[0][0]), 0u);
  EXPECT_EQ(Int(rows[1][0]), Int(rows[0][1]));
  const size_t header = Int(rows[1][0]) + Int(rows[1][1]);
  EXPECT_EQ(Int(rows[2][0]), header);
  EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("The record header is ", header, " bytes")));
  for (const api::ReleaseInfo& r : AllReleases()) {
    SCOPED_TRACE(r.tag);
    absl::StatusOr<GoldenDir> dir = LoadOrGenerateGoldens(r.tag);
    ASSERT_TRUE(dir.ok()) << dir.status();
    absl::StatusOr<DiskLayout> layout = LayoutFor(r.tag);
    ASSERT_TRUE(layout.ok());
    const ManifestFile* f = FileOfFormat(*dir, "log-segment");
    ASSERT_NE(f, nullptr);
    const std::string& b = dir->files.at(f->name);
    // Walk the file by the doc's table alone.
    size_t at = 0, records = 0;
    while (at < b.size()) {
      ASSERT_LE(at + header, b.size());
      const uint32_t length = Fixed32(b, at);
      ASSERT_LE(at + header + length, b.size());
      const uint32_t crc = Crc32c(absl::string_view(b).substr(at + header, length),
                                             Crc32c(absl::string_view(b).substr(at, 4)));
      EXPECT_EQ(Fixed32(b, at + 4), crc) << "record at offset " << at;
      at += header + length;
      ++records;
    }
    absl::StatusOr<std::vector<SegmentRecord>> parsed = ParseSegment(*layout, b);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(records, parsed->size());
    EXPECT_LE(records, 64u);
    // File names: 20-digit zero-padded indexes.
    const std::string& source = f->attrs.at("source");
    ASSERT_TRUE(absl::StartsWith(source, "log/"));
    EXPECT_EQ(source.size(), 4u + 20u);
    EXPECT_EQ(layout->segment_prefix, "log/");
    EXPECT_EQ(SnapshotPath(*layout, 20), "snap/00000000000000000020");
    EXPECT_EQ(layout->entry_message, absl::StrCat("raftlog.wire.", r.tag, ".Entry"));
  }
}

TEST(StorageDocTest, TagTableCoversEveryReleaseAndItsFormats) {
  const auto rows = Table(ReadDoc(), "## Tags");
  std::map<std::string, std::vector<std::string>> by_tag;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 5u);
    by_tag[r[0]] = r;
  }
  for (const api::ReleaseInfo& r : AllReleases()) {
    SCOPED_TRACE(r.tag);
    ASSERT_EQ(by_tag.count(r.tag), 1u) << "STORAGE.md's tag table lacks " << r.tag;
    const auto& row = by_tag[r.tag];
    EXPECT_EQ(row[3], absl::StrCat("`raftlog.wire.", r.tag, ".Entry`"));
    std::vector<std::string> formats;
    for (uint32_t f : r.snapshot_formats_written) formats.push_back(absl::StrCat(f));
    EXPECT_EQ(row[4], absl::StrJoin(formats, ", ")) << "snapshot formats written by " << r.tag;
    absl::StatusOr<DiskLayout> layout = LayoutFor(r.tag);
    ASSERT_TRUE(layout.ok());
    // A tag that inherits its framing says so.
    if (layout->defined_by != r.tag) {
      EXPECT_THAT(row[1], ::testing::HasSubstr(absl::StrCat("(", layout->defined_by, "'s)")));
      EXPECT_EQ(row[2], absl::StrCat(layout->defined_by, "'s"));
    }
  }
  EXPECT_EQ(by_tag.size(), AllReleases().size()) << "a row for a tag that is not registered";
}

}  // namespace
}  // namespace raftlog::golden
