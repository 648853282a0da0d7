#include "golden/layout.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "snapshots/crc32c.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

using ::testing::HasSubstr;

TEST(LayoutTest, EveryRegisteredReleaseHasALayout) {
  for (const api::ReleaseInfo& r : AllReleases()) {
    absl::StatusOr<DiskLayout> l = LayoutFor(r.tag);
    ASSERT_TRUE(l.ok()) << r.tag << ": " << l.status();
    EXPECT_EQ(l->tag, r.tag);
    EXPECT_EQ(l->entry_message, "raftlog.wire." + r.tag + ".Entry");
    EXPECT_FALSE(l->hard_state_path.empty());
  }
  EXPECT_EQ(LayoutFor("v1")->defined_by, "v1");
  EXPECT_EQ(LayoutFor("v0").status().code(), absl::StatusCode::kNotFound);
}

TEST(LayoutTest, SnapshotPathHasTwentyDigits) {
  EXPECT_EQ(SnapshotPath(*LayoutFor("v1"), 42), "snap/00000000000000000042");
}

TEST(LayoutTest, HardStateRoundTripAndDamage) {
  const DiskLayout l = *LayoutFor("v1");
  const std::string bytes = EncodeHardState(l, 5, 2, 17);
  ASSERT_EQ(bytes.size(), 36u);
  absl::StatusOr<HardStateRecord> hs = ParseHardState(l, bytes);
  ASSERT_TRUE(hs.ok()) << hs.status();
  EXPECT_EQ(hs->term, 5u);
  EXPECT_EQ(hs->vote, 2u);
  EXPECT_EQ(hs->commit, 17u);
  EXPECT_EQ(hs->version, 1u);

  EXPECT_EQ(ParseHardState(l, bytes.substr(0, 35)).status().code(),
            absl::StatusCode::kDataLoss);
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_THAT(std::string(ParseHardState(l, bad).status().message()), HasSubstr("magic"));
  bad = bytes;
  bad[10] ^= 1;
  EXPECT_THAT(std::string(ParseHardState(l, bad).status().message()), HasSubstr("offset 32"));
}

// Records framed as versions/v1/storage.h documents: u32 length,
// u32 CRC32C(length bytes + body), body.
std::string Record(const std::string& body) {
  std::string len;
  const uint32_t n = body.size();
  for (int i = 0; i < 4; ++i) len.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  const uint32_t crc = Crc32c(body, Crc32c(len));
  std::string out = len;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out + body;
}

TEST(LayoutTest, SegmentRecordsAndDamage) {
  const DiskLayout l = *LayoutFor("v1");
  const std::string seg = Record("abc") + Record("") + Record(std::string("\0\xff", 2));
  absl::StatusOr<std::vector<SegmentRecord>> r = ParseSegment(l, seg);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].body, "abc");
  EXPECT_EQ((*r)[1].offset, 11u);
  EXPECT_EQ((*r)[1].body, "");
  EXPECT_EQ((*r)[2].offset, 19u);
  EXPECT_EQ((*r)[2].crc_stored, (*r)[2].crc_computed);

  EXPECT_TRUE(ParseSegment(l, "").ok());
  std::string bad = seg;
  bad[9] ^= 1;  // a body byte of record 0
  EXPECT_THAT(std::string(ParseSegment(l, bad).status().message()),
              HasSubstr("record at offset 0: checksum mismatch"));
  EXPECT_THAT(std::string(ParseSegment(l, seg.substr(0, seg.size() - 1)).status().message()),
              HasSubstr("record at offset 19: truncated record (length 2, 1 bytes left)"));
  EXPECT_THAT(std::string(ParseSegment(l, seg + "abc").status().message()),
              HasSubstr("record at offset 29: truncated header (3 bytes)"));
}

}  // namespace
}  // namespace raftlog::golden
