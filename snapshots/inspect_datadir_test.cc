#include "snapshots/inspect_datadir.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace raftlog::snapshots {
namespace {

using ::testing::HasSubstr;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// A serialized Entry {index, term, type, data} as every tag's schema has it.
std::string EntryBytes(uint64_t index, uint64_t term, uint64_t type, const std::string& data) {
  std::string out;
  out.push_back(0x08);
  PutVarint(&out, index);
  out.push_back(0x10);
  PutVarint(&out, term);
  out.push_back(0x18);
  PutVarint(&out, type);
  out.push_back(0x22);
  PutVarint(&out, data.size());
  out += data;
  return out;
}

std::string Segment(uint64_t first, int n) {
  std::string seg;
  for (int i = 0; i < n; ++i) storage::AppendRecord(&seg, EntryBytes(first + i, 2, 1, "put k v"));
  return seg;
}

TEST(ClassifyDataFile, ByNameThenByContent) {
  EXPECT_EQ(ClassifyDataFile("/d/hardstate", ""), DataFileKind::kHardState);
  EXPECT_EQ(ClassifyDataFile("/d/log/00000000000000000001", "SNAP"), DataFileKind::kLogSegment);
  EXPECT_EQ(ClassifyDataFile("d/snap/00000000000000000009", ""), DataFileKind::kSnapshot);
  EXPECT_EQ(ClassifyDataFile("copy.bin", storage::EncodeHardState(1, 2, 3)),
            DataFileKind::kHardState);
  EXPECT_EQ(ClassifyDataFile("copy.bin", Segment(1, 2)), DataFileKind::kLogSegment);
  EXPECT_EQ(ClassifyDataFile("notes.txt", "hello, world, not a record"), DataFileKind::kSnapshot);
}

TEST(InspectHardState, ReadsTheFieldsAndNamesDamage) {
  HardStateReport good = InspectHardState(storage::EncodeHardState(5, 2, 17));
  ASSERT_TRUE(good.status.ok()) << good.status;
  EXPECT_EQ(good.fields->term, 5u);
  EXPECT_THAT(HardStateText(good, "hardstate"), HasSubstr("commit: 17\n"));
  EXPECT_THAT(HardStateJson(good, "hardstate"), HasSubstr("\"vote\": 2"));

  std::string bad = storage::EncodeHardState(5, 2, 17);
  bad[20] ^= 4;
  HardStateReport damaged = InspectHardState(bad);
  EXPECT_EQ(damaged.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(HardStateText(damaged, "hardstate"), HasSubstr("checksum mismatch (offset 32)"));
}

TEST(InspectSegment, ListsEveryRecordWithItsEntryFields) {
  const std::string seg = Segment(21, 3);
  SegmentReport r = InspectSegment("/d/log/00000000000000000021", seg);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.first_index, 21u);
  EXPECT_EQ(r.records[2].index, 23u);
  EXPECT_EQ(r.records[2].term, 2u);
  EXPECT_EQ(r.records[2].data_bytes, 7u);
  const std::string text = SegmentText(r, "log/00000000000000000021", true);
  EXPECT_THAT(text, HasSubstr("indexes: 21..23\n"));
  EXPECT_THAT(text, HasSubstr("record: offset 0 length"));
  EXPECT_THAT(SegmentJson(r, "x", true), HasSubstr("\"record_list\""));
}

TEST(InspectSegment, NamesTheOffsetOfTheFirstBadRecord) {
  std::string seg = Segment(1, 3);
  const size_t second = seg.size() / 3;
  seg[second + 10] ^= 1;  // a body byte of the second record
  SegmentReport r = InspectSegment("log/00000000000000000001", seg);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.status.message(), absl::StrCat("record at offset ", second, ": checksum mismatch"));
  EXPECT_EQ(r.records.size(), 1u);

  SegmentReport torn = InspectSegment("seg", Segment(1, 2).substr(0, second + 3));
  EXPECT_THAT(std::string(torn.status.message()), HasSubstr("truncated header (3 bytes)"));
}

TEST(InspectSegment, AnIndexThatDoesNotFollowTheNameIsDamage) {
  SegmentReport r = InspectSegment("log/00000000000000000005", Segment(1, 2));
  EXPECT_EQ(r.status.message(), "record at offset 0 holds index 1, expected 5");
}

TEST(InspectSegment, ABodyThatIsNotProtobufIsDamage) {
  std::string seg;
  storage::AppendRecord(&seg, "\xff\xff\xff");
  SegmentReport r = InspectSegment("seg", seg);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("not a serialized Entry"));
}

}  // namespace
}  // namespace raftlog::snapshots
