#include "snapshots/storage_codec.h"

#include <string>

#include "gtest/gtest.h"
#include "snapshots/crc32c.h"

namespace raftlog::snapshots::storage {
namespace {

TEST(NumberedName, PadsToTwentyDigitsAndParsesBack) {
  EXPECT_EQ(NumberedName(kLogPrefix, 21), "log/00000000000000000021");
  EXPECT_EQ(ParseNumberedName("log/00000000000000000021", kLogPrefix), 21u);
  EXPECT_EQ(ParseNumberedName(NumberedName(kSnapPrefix, UINT64_MAX), kSnapPrefix), UINT64_MAX);
}

TEST(NumberedName, RefusesOtherNames) {
  EXPECT_FALSE(ParseNumberedName("log/21", kLogPrefix));
  EXPECT_FALSE(ParseNumberedName("snap/00000000000000000021", kLogPrefix));
  EXPECT_FALSE(ParseNumberedName("log/0000000000000000002x", kLogPrefix));
  // 20 digits above UINT64_MAX.
  EXPECT_FALSE(ParseNumberedName("log/99999999999999999999", kLogPrefix));
}

TEST(HardState, RoundTripsAndMatchesTheSpecifiedLayout) {
  std::string bytes = EncodeHardState(7, 3, 42);
  ASSERT_EQ(bytes.size(), kHardStateBytes);
  EXPECT_EQ(bytes.substr(0, 4), "RLHS");
  EXPECT_EQ(bytes[4], 1);                // u32 version, little-endian
  EXPECT_EQ(bytes[8], 7);                // u64 term
  EXPECT_EQ(bytes[16], 3);               // u64 vote
  EXPECT_EQ(bytes[24], 42);              // u64 commit
  absl::StatusOr<HardStateFields> f = DecodeHardState(bytes);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->term, 7u);
  EXPECT_EQ(f->vote, 3u);
  EXPECT_EQ(f->commit, 42u);
  EXPECT_EQ(f->crc_stored, Crc32c(absl::string_view(bytes).substr(0, 32)));
}

TEST(HardState, NamesWhatIsWrongAndWhere) {
  std::string good = EncodeHardState(1, 2, 3);
  absl::Status s = DecodeHardState(good.substr(0, 35), "hardstate", "v3").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "hardstate: size 35 bytes, expected 36");

  std::string magic = good;
  magic[0] = 'X';
  EXPECT_EQ(DecodeHardState(magic).status().message(), "hardstate: bad magic at offset 0");

  std::string flipped = good;
  flipped[10] ^= 1;
  EXPECT_EQ(DecodeHardState(flipped).status().message(),
            "hardstate: checksum mismatch (offset 32)");

  // Another framing version with a valid checksum: unknown, not corrupt.
  std::string v2 = good;
  v2[4] = 2;
  std::string body = v2.substr(0, 32);
  uint32_t crc = Crc32c(body);
  for (int i = 0; i < 4; ++i) v2[32 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  absl::Status u = DecodeHardState(v2, "hardstate", "v3").status();
  EXPECT_EQ(u.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(u.message(), "hardstate: version 2, v3 reads version 1");
}

TEST(Record, AppendThenReadEachRecord) {
  std::string seg;
  AppendRecord(&seg, "first");
  AppendRecord(&seg, "");
  AppendRecord(&seg, "third body");
  RecordRead a = ReadRecord(seg, 0);
  ASSERT_TRUE(a.ok()) << a.problem;
  EXPECT_EQ(a.body, "first");
  EXPECT_EQ(a.end, kRecordHeaderBytes + 5);
  RecordRead b = ReadRecord(seg, a.end);
  ASSERT_TRUE(b.ok()) << b.problem;
  EXPECT_EQ(b.body, "");
  RecordRead c = ReadRecord(seg, b.end);
  ASSERT_TRUE(c.ok()) << c.problem;
  EXPECT_EQ(c.body, "third body");
  EXPECT_EQ(c.end, seg.size());
}

TEST(Record, NamesEachProblem) {
  std::string seg;
  AppendRecord(&seg, "payload");
  EXPECT_EQ(ReadRecord(seg.substr(0, 5), 0).problem, "truncated header (5 bytes)");
  RecordRead short_body = ReadRecord(seg.substr(0, seg.size() - 1), 0);
  EXPECT_EQ(short_body.problem, "truncated record (length 7, 6 bytes left)");
  EXPECT_EQ(short_body.end, seg.size() - 1);
  std::string bad = seg;
  bad.back() ^= 0x40;
  RecordRead mismatch = ReadRecord(bad, 0);
  EXPECT_EQ(mismatch.problem, "checksum mismatch");
  EXPECT_NE(mismatch.crc_stored, mismatch.crc_computed);
  EXPECT_EQ(mismatch.end, bad.size());
}

TEST(ValidRecordAfter, FindsAWholeRecordOnlyWhenOneFollows) {
  std::string seg;
  AppendRecord(&seg, "one");
  const size_t second = seg.size();
  AppendRecord(&seg, "two");
  auto any = [](absl::string_view) { return true; };
  auto never = [](absl::string_view) { return false; };
  EXPECT_TRUE(ValidRecordAfter(seg, 1, any));
  EXPECT_FALSE(ValidRecordAfter(seg, 1, never));
  EXPECT_FALSE(ValidRecordAfter(seg, second + 1, any));
  EXPECT_FALSE(ValidRecordAfter("abc", 0, any));
}

}  // namespace
}  // namespace raftlog::snapshots::storage
