// Bad input: every way a file can be cut, flipped, padded or lie about its
// sizes must be refused with the documented error class, and never crash
// (these run under --config=asan too).
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/format1/constants.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format1/testing.h"

namespace raftlog::snapshots::format1 {
namespace {

using ::raftlog::snapshots::format1::testing::MustEncode;
using ::raftlog::snapshots::format1::testing::PutU32At;
using ::raftlog::snapshots::format1::testing::PutU64At;
using ::raftlog::snapshots::format1::testing::Reseal;

absl::StatusCode CodeOf(absl::string_view bytes) { return Decode(bytes).status().code(); }

TEST(Format1BadInput, EveryTruncationIsDataLoss) {
  for (const std::string& file : {MustEncode(testing::EmptyState()),
                                  MustEncode(testing::SmallState())}) {
    ASSERT_EQ(CodeOf(file), absl::StatusCode::kOk);
    for (size_t n = 0; n < file.size(); ++n) {
      absl::StatusOr<SnapshotState> st = Decode(absl::string_view(file).substr(0, n));
      EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss)
          << "prefix of " << n << " bytes: " << st.status();
    }
  }
}

TEST(Format1BadInput, EverySingleBitFlipIsRefused) {
  snapshots::testing::ExpectEveryBitFlipRefused(
      MustEncode(testing::SmallState()), [](absl::string_view b) { return Decode(b); });
}

TEST(Format1BadInput, EveryByteOverwriteOfTheEmptyStateIsRefused) {
  const std::string file = MustEncode(testing::EmptyState());
  for (size_t i = 0; i < file.size(); ++i) {
    for (int v : {0x00, 0x7F, 0x80, 0xFF}) {
      if (static_cast<unsigned char>(file[i]) == v) continue;
      std::string bad = file;
      bad[i] = static_cast<char>(v);
      EXPECT_FALSE(Decode(bad).ok()) << "byte " << i << " = " << v;
    }
  }
}

TEST(Format1BadInput, WrongMagic) {
  std::string file = MustEncode(testing::SmallState());
  file.replace(0, 8, "RLSNAP\n\n");  // a line-ending conversion
  absl::StatusOr<SnapshotState> st = Decode(file);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.status().message().find("not a snapshot"), absl::string_view::npos);
  EXPECT_EQ(CodeOf(std::string(100, '\0')), absl::StatusCode::kInvalidArgument);
}

TEST(Format1BadInput, UnknownFormatNumberNamed) {
  std::string file = MustEncode(testing::SmallState());
  PutU32At(&file, testing::kOffsetFormat, 12345);
  absl::StatusOr<SnapshotState> st = Decode(file);  // no reseal: format is read first
  EXPECT_EQ(st.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(st.status().message().find("snapshot format 12345"), absl::string_view::npos)
      << st.status();
}

TEST(Format1BadInput, TrailingGarbageOfAnyLength) {
  const std::string file = MustEncode(testing::SmallState());
  for (size_t extra = 1; extra <= 64; extra *= 2) {
    absl::StatusOr<SnapshotState> st = Decode(file + std::string(extra, '\xAB'));
    EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(st.status().message().find("trailing garbage"), absl::string_view::npos)
        << extra << ": " << st.status();
  }
  // Two snapshots glued together.
  EXPECT_EQ(CodeOf(file + file), absl::StatusCode::kDataLoss);
}

// Absurd declared sizes with a valid checksum must be refused by the bounds
// checks before any allocation: under ASan an attempt to reserve 2^60
// elements would abort the test ("requested allocation size exceeds").
TEST(Format1BadInput, AbsurdDeclaredSizesRefusedWithoutAllocation) {
  struct Case {
    size_t offset;
    int width;
    uint64_t value;
  };
  const size_t kv_count_at = testing::kOffsetFirstVoter;   // empty state: no voters
  const size_t session_count_at = kv_count_at + 8;
  const std::vector<Case> cases = {
      {testing::kOffsetVoterCount, 4, 0xFFFFFFFFu},
      {testing::kOffsetVoterCount, 4, kMaxVoters},
      {kv_count_at, 8, uint64_t{1} << 60},
      {kv_count_at, 8, ~uint64_t{0}},
      {kv_count_at, 8, 3},  // small but still more than the bytes left
      {session_count_at, 8, uint64_t{1} << 60},
      {session_count_at, 8, ~uint64_t{0}},
  };
  for (const Case& c : cases) {
    for (bool reseal : {false, true}) {
      std::string file = MustEncode(testing::EmptyState());
      if (c.width == 4) {
        PutU32At(&file, c.offset, static_cast<uint32_t>(c.value));
      } else {
        PutU64At(&file, c.offset, c.value);
      }
      if (reseal) Reseal(&file);
      absl::StatusOr<SnapshotState> st = Decode(file);
      EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss)
          << "offset " << c.offset << " value " << c.value << ": " << st.status();
    }
  }
  // A value length near 4 GiB on a 100-byte file.
  SnapshotState s;
  s.kv["k"] = "v";
  std::string file = MustEncode(s);
  PutU32At(&file, kv_count_at + 8 + 4 + 1, 0xFFFFFFF0u);  // value_len of pair 0
  Reseal(&file);
  absl::StatusOr<SnapshotState> st = Decode(file);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(st.status().message().find("value of KV pair 0"), absl::string_view::npos)
      << st.status();
}

TEST(Format1BadInput, ResealedTruncationsAreStillRefused) {
  // Cut the body anywhere and put a valid checksum on what is left: the
  // parser, not the checksum, must catch it.
  const std::string file = MustEncode(testing::SmallState());
  const size_t body_end = file.size() - kChecksumBytes;
  for (size_t n = kPreambleBytes; n < body_end; ++n) {
    std::string cut = file.substr(0, n) + std::string(kChecksumBytes, '\0');
    Reseal(&cut);
    EXPECT_EQ(CodeOf(cut), absl::StatusCode::kDataLoss) << "body cut at " << n;
  }
}

}  // namespace
}  // namespace raftlog::snapshots::format1
