#include "snapshots/codec.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "snapshots/format1/testing.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots {
namespace {

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

std::string WithFormat(uint32_t format) {
  std::string f = format1::testing::MustEncode(format1::testing::SmallState());
  format1::testing::PutU32At(&f, format1::testing::kOffsetFormat, format);
  format1::testing::Reseal(&f);
  return f;
}

TEST(Codec, RegistryIsAscendingAndFormatOneIsShippedByV1) {
  const auto& formats = KnownFormats();
  ASSERT_GE(formats.size(), 3u);
  for (size_t i = 1; i < formats.size(); ++i) {
    EXPECT_LT(formats[i - 1].format, formats[i].format);
  }
  const FormatInfo* one = FindFormat(1);
  ASSERT_NE(one, nullptr);
  EXPECT_TRUE(one->shipped);
  EXPECT_TRUE(one->decoder_linked);
  EXPECT_STREQ(one->first_writer, "v1");
  EXPECT_STREQ(one->first_reader, "v1");
  ASSERT_NE(FindFormat(2), nullptr);
  EXPECT_FALSE(FindFormat(2)->shipped);
  ASSERT_NE(FindFormat(3), nullptr);
  EXPECT_FALSE(FindFormat(3)->shipped);
  EXPECT_EQ(FindFormat(0), nullptr);
  EXPECT_EQ(FindFormat(4), nullptr);
}

TEST(Codec, PeekFormat) {
  absl::StatusOr<uint32_t> f = PeekFormat(WithFormat(1));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(*f, 1u);
  f = PeekFormat(WithFormat(77));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(*f, 77u);
  EXPECT_EQ(PeekFormat("GIF89a..........").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PeekFormat("RLSNAP").status().code(), absl::StatusCode::kDataLoss);
}

TEST(Codec, DecodeAnyReadsFormatOne) {
  absl::StatusOr<SnapshotState> st = DecodeAny(WithFormat(1));
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(*st == format1::testing::SmallState());
}

TEST(Codec, DecodeAnyNamesTheReleaseThatReadsAReservedFormat) {
  for (uint32_t format : {2u, 3u}) {
    absl::StatusOr<SnapshotState> st = DecodeAny(WithFormat(format));
    ASSERT_EQ(st.status().code(), absl::StatusCode::kUnimplemented) << st.status();
    EXPECT_TRUE(Contains(st.status().message(), absl::StrCat("snapshot format ", format)))
        << st.status();
    EXPECT_TRUE(Contains(st.status().message(), absl::StrCat("release v", format)))
        << st.status();
  }
}

TEST(Codec, DecodeAnySaysNoReleaseReadsAnUnknownFormat) {
  for (uint32_t format : {0u, 4u, 0xFFFFFFFFu}) {
    absl::StatusOr<SnapshotState> st = DecodeAny(WithFormat(format));
    ASSERT_EQ(st.status().code(), absl::StatusCode::kUnimplemented) << st.status();
    EXPECT_TRUE(Contains(st.status().message(), "unknown")) << st.status();
  }
}

TEST(Codec, DecodeAnyPassesCorruptionThrough) {
  std::string f = WithFormat(1);
  f[f.size() / 2] ^= 0x10;
  EXPECT_EQ(DecodeAny(f).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeAny("not a snapshot at all").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace raftlog::snapshots
