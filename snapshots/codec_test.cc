#include "snapshots/codec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format1/testing.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/format3.h"
#include "snapshots/format3/testing.h"
#include "snapshots/preamble.h"
#include "snapshots/state.h"

namespace raftlog::snapshots {
namespace {

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
  // Format 2 shipped with v2 (frozen); format 3 is specified and decodable,
  // frozen when v3 is.
  ASSERT_NE(FindFormat(2), nullptr);
  EXPECT_TRUE(FindFormat(2)->shipped);
  EXPECT_TRUE(FindFormat(2)->decoder_linked);
  EXPECT_STREQ(FindFormat(2)->first_writer, "v2");
  EXPECT_STREQ(FindFormat(2)->first_reader, "v2");
  ASSERT_NE(FindFormat(3), nullptr);
  EXPECT_FALSE(FindFormat(3)->shipped);
  EXPECT_TRUE(FindFormat(3)->decoder_linked);
  EXPECT_STREQ(FindFormat(3)->first_writer, "v3");
  EXPECT_STREQ(FindFormat(3)->first_reader, "v3");
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

TEST(Codec, DecodeAnyReadsFormatsTwoAndThree) {
  const std::string two = format2::testing::MustEncode(format2::testing::SmallState());
  absl::StatusOr<SnapshotState> st = DecodeAny(two);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(*st == format2::testing::SmallState());
  const std::string three = format3::testing::MustEncode(format3::testing::SmallState());
  st = DecodeAny(three);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(*st == format3::testing::SmallState());
}

TEST(Codec, DecodeAnyPassesLimitsToTheContainerFormats) {
  SnapshotState s = format3::testing::SmallState();
  s.kv["big"] = std::string(10000, 'b');
  format2::DecodeLimits tight;
  tight.max_body_bytes = 1000;
  for (const std::string& f :
       {format3::testing::MustEncode(s), format2::testing::MustEncode(format2::testing::GeneratedState(1, 300, 5))}) {
    EXPECT_TRUE(DecodeAny(f).ok());
    EXPECT_EQ(DecodeAny(f, tight).status().code(), absl::StatusCode::kResourceExhausted);
  }
}

TEST(Codec, DecodeAnyRefusesARelabelledFile) {
  // A format 1 file labelled 2 or 3 is corrupt for those decoders.
  for (uint32_t format : {2u, 3u}) {
    absl::StatusOr<SnapshotState> st = DecodeAny(WithFormat(format));
    EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss) << st.status();
    EXPECT_TRUE(absl::StrContains(st.status().message(), absl::StrCat("snapshot format ", format)))
        << st.status();
  }
}

// --- The same state through formats 1, 2 and 3 ------------------------------

// Decodes each file with DecodeAny and expects `want` from all.
void ExpectAllDecodeTo(const std::vector<std::string>& files, const SnapshotState& want) {
  for (size_t i = 0; i < files.size(); ++i) {
    absl::StatusOr<SnapshotState> st = DecodeAny(files[i]);
    ASSERT_TRUE(st.ok()) << "file " << i << ": " << st.status();
    EXPECT_TRUE(*st == want) << "file " << i;
  }
}

TEST(CrossFormat, AFormatOneStateDecodesEqualFromEveryFormat) {
  for (const SnapshotState& s :
       {SnapshotState(), format1::testing::SmallState(), format1::testing::GeneratedState(8, 500, 80)}) {
    ASSERT_EQ(s.cluster_version, 1u);
    const std::vector<std::string> files = {
        format1::testing::MustEncode(s), format2::testing::MustEncode(s),
        format2::testing::MustEncode(s, format2::testing::TinyChunks()),
        format3::testing::MustEncode(s)};
    ExpectAllDecodeTo(files, s);
    // The uncompressed body of formats 2 and 3 is format 1's KV section and
    // session table, byte for byte.
    const std::string one = format1::testing::MustEncode(s);
    const size_t body_at = format1::testing::kOffsetFirstVoter + 8 * s.voters.size();
    EXPECT_EQ(format2::internal::SerializeBody(s), one.substr(body_at, one.size() - 4 - body_at));
  }
}

TEST(CrossFormat, LearnersAndClusterVersionNeedFormatTwo) {
  const SnapshotState s = format2::testing::SmallState();
  EXPECT_EQ(format1::Encode(s).status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectAllDecodeTo({format2::testing::MustEncode(s), format3::testing::MustEncode(s)}, s);
}

TEST(CrossFormat, JointConfigurationAndMetadataNeedFormatThree) {
  const SnapshotState s = format3::testing::SmallState();
  EXPECT_EQ(format1::Encode(s).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(format2::Encode(s).status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectAllDecodeTo({format3::testing::MustEncode(s)}, s);
}

TEST(CrossFormat, DowngradedFileDecodesAsTheStateWithoutMetadata) {
  const SnapshotState s = format3::testing::DowngradableState();
  absl::StatusOr<std::string> two = format3::DowngradeToFormat2(format3::testing::MustEncode(s));
  ASSERT_TRUE(two.ok()) << two.status();
  SnapshotState want = s;
  want.metadata.clear();
  ExpectAllDecodeTo({*two, format2::testing::MustEncode(want)}, want);
}

TEST(Codec, DecodeAnySaysNoReleaseReadsAnUnknownFormat) {
  for (uint32_t format : {0u, 4u, 0xFFFFFFFFu}) {
    absl::StatusOr<SnapshotState> st = DecodeAny(WithFormat(format));
    ASSERT_EQ(st.status().code(), absl::StatusCode::kUnimplemented) << st.status();
    EXPECT_TRUE(absl::StrContains(st.status().message(), "unknown")) << st.status();
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
