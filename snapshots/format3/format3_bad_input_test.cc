// Bad input for format 3: the container's defenses (format 2's code, tested
// in depth by format2_bad_input_test) hold here too, and the format 3 head
// extension refuses every lie.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/constants.h"
#include "snapshots/format3/format3.h"
#include "snapshots/format3/testing.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format3 {
namespace {

using format2::testing::HandmadeFile;
using format2::testing::HandmadeFrame;

void ExpectRefused(absl::string_view bytes, absl::StatusCode code, absl::string_view word) {
  absl::StatusOr<SnapshotState> st = Decode(bytes);
  ASSERT_FALSE(st.ok()) << "accepted";
  EXPECT_EQ(st.status().code(), code) << st.status();
  EXPECT_TRUE(absl::StrContains(st.status().message(), word)) << "want [" << word << "]: " << st.status();
}

TEST(Format3BadInput, EveryTruncationIsDataLoss) {
  for (const std::string& file : testing::SampleFiles()) {
    ASSERT_TRUE(Decode(file).ok());
    if (file.size() > 4096) continue;
    for (size_t n = 0; n < file.size(); ++n) {
      EXPECT_EQ(Decode(absl::string_view(file).substr(0, n)).status().code(),
                absl::StatusCode::kDataLoss)
          << n;
    }
  }
}

TEST(Format3BadInput, EverySingleBitFlipIsRefused) {
  snapshots::testing::ExpectEveryBitFlipRefused(
      testing::MustEncode(testing::SmallState(), format2::testing::TinyChunks()),
      [](absl::string_view b) { return Decode(b); });
}

TEST(Format3BadInput, TrailingGarbage) {
  const std::string f = testing::MustEncode(testing::SmallState());
  ExpectRefused(f + "zz", absl::StatusCode::kDataLoss, "trailing garbage");
}

// A format 3 file around the empty state's body with the given extension.
std::string WithExtension(absl::string_view extension) {
  const std::string body(16, '\0');
  return HandmadeFile(SnapshotState(), 16, HandmadeFrame(16, body, 0),
                      format2::kDefaultChunkBytes, {}, kFormatNumber, extension);
}

std::string U32(uint32_t v) {
  std::string s;
  format2::internal::PutU32(v, &s);
  return s;
}
std::string U64(uint64_t v) {
  std::string s;
  format2::internal::PutU64(v, &s);
  return s;
}

TEST(Format3BadInput, ExtensionLiesRefused) {
  ASSERT_TRUE(Decode(WithExtension(U32(0) + U32(0))).ok());
  ExpectRefused(WithExtension(""), absl::StatusCode::kDataLoss, "truncated: outgoing voter count");
  ExpectRefused(WithExtension(U32(0)), absl::StatusCode::kDataLoss, "metadata_count");
  ExpectRefused(WithExtension(U32(0xFFFFFFFFu) + U32(0)), absl::StatusCode::kDataLoss,
                "exceeds the limit");
  ExpectRefused(WithExtension(U32(1000) + U32(0)), absl::StatusCode::kDataLoss,
                "outgoing voter count 1000");
  ExpectRefused(WithExtension(U32(2) + U64(5) + U64(5) + U32(0)), absl::StatusCode::kDataLoss,
                "not strictly increasing");
  ExpectRefused(WithExtension(U32(0) + U32(0x10000000u)), absl::StatusCode::kDataLoss,
                "metadata entry count 268435456");
  ExpectRefused(WithExtension(U32(0) + U32(1) + U32(0xFFFFFFF0u) + "k" + U32(0)),
                absl::StatusCode::kDataLoss, "key of metadata entry 0");
  ExpectRefused(WithExtension(U32(0) + U32(1) + U32(1) + "k" + U32(9) + "v"),
                absl::StatusCode::kDataLoss, "value of metadata entry 0");
  ExpectRefused(
      WithExtension(U32(0) + U32(2) + U32(1) + "b" + U32(0) + U32(1) + "a" + U32(0)),
      absl::StatusCode::kDataLoss, "metadata keys not strictly increasing");
  ExpectRefused(WithExtension(U32(0) + U32(2) + U32(1) + "a" + U32(0) + U32(1) + "a" + U32(0)),
                absl::StatusCode::kDataLoss, "metadata keys not strictly increasing");
  ExpectRefused(WithExtension(U32(0) + U32(0) + "extra"), absl::StatusCode::kDataLoss,
                "unexplained bytes");
  EXPECT_EQ(DecodeHead(WithExtension("")).status().code(), absl::StatusCode::kDataLoss);
}

// The container's bomb defense, through format 3.
TEST(Format3BadInput, BombStopsAtTheDeclaredSize) {
  std::string prefix = U64(1) + U32(0) + U32(1 << 20);
  const uint64_t declared = 16 + (1 << 20) + 8;
  const std::string f =
      HandmadeFile(SnapshotState(), declared,
                   HandmadeFrame(declared, prefix, uint64_t{8} << 30 >> 17),
                   format2::kMaxChunkBytes, {}, kFormatNumber, U32(0) + U32(0));
  ExpectRefused(f, absl::StatusCode::kDataLoss, absl::StrCat("decoding stopped at ", declared + 1));
}

}  // namespace
}  // namespace raftlog::snapshots::format3
