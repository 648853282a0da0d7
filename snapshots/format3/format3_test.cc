#include "snapshots/format3/format3.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/constants.h"
#include "snapshots/format3/testing.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format3 {
namespace {

using ::raftlog::snapshots::format3::testing::DowngradableState;
using ::raftlog::snapshots::format3::testing::GeneratedState;
using ::raftlog::snapshots::format3::testing::MustEncode;
using ::raftlog::snapshots::format3::testing::SmallState;

EncodeOptions Tiny() { return format2::testing::TinyChunks(); }

void ExpectRoundTrip(const SnapshotState& state, const EncodeOptions& options = {}) {
  snapshots::testing::ExpectCanonicalRoundTrip(
      state, [&](const SnapshotState& s) { return format3::Encode(s, options); },
      [](absl::string_view b) { return Decode(b); });
}

TEST(Format3RoundTrip, EverythingTheStateHolds) {
  const SnapshotState s = SmallState();
  ASSERT_FALSE(s.voters_outgoing.empty());
  ASSERT_FALSE(s.metadata.empty());
  ExpectRoundTrip(s);
  ExpectRoundTrip(s, Tiny());
  ExpectRoundTrip(SnapshotState());
  ExpectRoundTrip(GeneratedState(6, 2000, 300), Tiny());
}

TEST(Format3RoundTrip, LargeMetadataAndMaximumOutgoing) {
  SnapshotState s = SmallState();
  s.metadata["notes"] = std::string(500000, 'n');
  s.voters_outgoing.clear();
  for (uint64_t i = 0; i < format2::kMaxIds; ++i) s.voters_outgoing.push_back(i * 3);
  ExpectRoundTrip(s);
}

TEST(Format3DecodeHead, CarriesConfigurationAndMetadata) {
  const std::string f = MustEncode(SmallState(), Tiny());
  absl::StatusOr<SnapshotState> head = DecodeHead(f);
  ASSERT_TRUE(head.ok()) << head.status();
  SnapshotState want = SmallState();
  want.kv.clear();
  want.sessions.clear();
  EXPECT_TRUE(*head == want);
}

// Pins the head extension of FORMAT.md byte by byte; the rest is format 2's
// container (its own grammar test) and must be identical but for the offsets.
TEST(Format3Bytes, MatchTheGrammar) {
  SnapshotState s;
  s.last_index = 1;
  s.last_term = 2;
  s.config_index = 3;
  s.voters = {9};
  s.learners = {10};
  s.voters_outgoing = {8};
  s.cluster_version = 3;
  s.metadata["a"] = "bc";
  s.kv["k"] = "vv";
  const std::string extension(
      "\x01\0\0\0"                 // outgoing_count
      "\x08\0\0\0\0\0\0\0"         // outgoing id 8
      "\x01\0\0\0"                 // metadata_count
      "\x01\0\0\0a"                // key
      "\x02\0\0\0bc",              // value
      4 + 8 + 4 + 5 + 6);
  const std::string body = format2::internal::SerializeBody(s);
  const std::string frame =
      format2::testing::ReferenceFrame(body, format2::kDefaultZstdLevel, format2::kDefaultChunkBytes);
  const std::string want = format2::testing::HandmadeFile(s, body.size(), frame,
                                                          format2::kDefaultChunkBytes, {}, 3,
                                                          extension);
  const std::string got = MustEncode(s);
  EXPECT_EQ(got, want);
  EXPECT_EQ(format2::internal::LoadU32(got.data() + format2::kOffsetHeadLen),
            56 + 16 + extension.size());
  EXPECT_EQ(got.substr(8, 4), std::string("\x03\0\0\0", 4));
}

TEST(Format3Determinism, EqualStatesAndOptionsGiveEqualBytes) {
  SnapshotState a = GeneratedState(12, 300, 40);
  SnapshotState b = a;
  b.metadata.clear();
  for (auto it = a.metadata.rbegin(); it != a.metadata.rend(); ++it) b.metadata.insert(*it);
  EXPECT_EQ(MustEncode(a), MustEncode(b));
  EXPECT_EQ(MustEncode(a, Tiny()), MustEncode(b, Tiny()));
  b.metadata["x"] = "y";
  EXPECT_NE(MustEncode(a), MustEncode(b));
}

TEST(Format3Encode, Refusals) {
  SnapshotState s = SmallState();
  s.voters_outgoing = {3, 2};
  absl::StatusOr<std::string> r = Encode(s);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "voters_outgoing")) << r.status();
  s.voters_outgoing.clear();
  for (uint64_t i = 0; i <= format2::kMaxIds; ++i) s.voters_outgoing.push_back(i);
  EXPECT_EQ(Encode(s).status().code(), absl::StatusCode::kFailedPrecondition);
  s = SmallState();
  s.metadata["huge"] = std::string(format2::kMaxHeadFieldsBytes, 'h');
  r = Encode(s);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  s = SmallState();
  s.metadata["almost"] = std::string(format2::kMaxHeadFieldsBytes - 100, 'h');
  r = Encode(s);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "head would take")) << r.status();
  s = SmallState();
  s.cluster_version = 0;
  EXPECT_EQ(Encode(s).status().code(), absl::StatusCode::kInvalidArgument);
  EncodeOptions bad;
  bad.zstd_level = 0;
  EXPECT_EQ(format3::Encode(SmallState(), bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Format3Decode, OtherFormatsAreUnimplemented) {
  const std::string two = format2::testing::MustEncode(format2::testing::SmallState());
  absl::StatusOr<SnapshotState> st = Decode(two);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kUnimplemented) << st.status();
  EXPECT_TRUE(absl::StrContains(st.status().message(), "format 3 decoder")) << st.status();
  EXPECT_EQ(format2::Decode(MustEncode(SmallState())).status().code(),
            absl::StatusCode::kUnimplemented);
}

// --- DowngradeToFormat2 ------------------------------------------------------

TEST(Format3Downgrade, RewritesAsFormatTwoWithTheSameCompressedBody) {
  for (const EncodeOptions& o : {EncodeOptions(), Tiny()}) {
    const SnapshotState s = DowngradableState();
    const std::string three = MustEncode(s, o);
    absl::StatusOr<std::string> two = DowngradeToFormat2(three);
    ASSERT_TRUE(two.ok()) << two.status();
    SnapshotState want = s;
    want.metadata.clear();  // format 2 cannot carry it; informational by rule
    absl::StatusOr<SnapshotState> back = format2::Decode(*two);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == want);
    // Exactly what the format 2 encoder writes for that state and options.
    EXPECT_EQ(*two, format2::testing::MustEncode(want, o));
    // Idempotent.
    absl::StatusOr<std::string> again = DowngradeToFormat2(*two);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *two);
  }
}

TEST(Format3Downgrade, KeepsLevelAndChunkSize) {
  EncodeOptions o;
  o.zstd_level = 9;
  o.chunk_bytes = 100;
  const SnapshotState s = DowngradableState();
  const std::string two = *DowngradeToFormat2(MustEncode(s, o));
  EXPECT_EQ(format2::internal::LoadU32(two.data() + format2::kOffsetZstdLevel), 9u);
  EXPECT_EQ(format2::internal::LoadU32(two.data() + format2::kOffsetChunkBytes), 100u);
}

TEST(Format3Downgrade, RefusesWhatFormatTwoOrV2CannotTake) {
  SnapshotState joint = DowngradableState();
  joint.voters_outgoing = {1, 2, 3};
  absl::StatusOr<std::string> r = DowngradeToFormat2(MustEncode(joint));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "joint configuration")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "voters_outgoing {1,2,3}")) << r.status();

  SnapshotState v3 = DowngradableState();
  v3.cluster_version = 3;
  r = DowngradeToFormat2(MustEncode(v3));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "cluster version 3")) << r.status();

  // Both at once: both named.
  r = DowngradeToFormat2(MustEncode(SmallState()));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "joint configuration")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "cluster version 3")) << r.status();
}

TEST(Format3Downgrade, RefusesDamagedOrForeignInput) {
  std::string f = MustEncode(DowngradableState(), Tiny());
  f[f.size() / 2] ^= 0x10;
  EXPECT_EQ(DowngradeToFormat2(f).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DowngradeToFormat2("not a snapshot").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string one("RLSNAP\r\n\x01\0\0\0", 12);
  EXPECT_EQ(DowngradeToFormat2(one).status().code(), absl::StatusCode::kUnimplemented);
  std::string two = format2::testing::MustEncode(format2::testing::SmallState());
  two.back() ^= 1;
  EXPECT_EQ(DowngradeToFormat2(two).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace raftlog::snapshots::format3
