#include "snapshots/format2/internal/crc32c_combine.h"

#include <string>

#include "gtest/gtest.h"
#include "snapshots/crc32c.h"

namespace raftlog::snapshots::format2::internal {
namespace {

TEST(Crc32cCombine, EqualsTheCrcOfTheConcatenationAtEverySplit) {
  std::string data;
  uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<char>(x >> 16));
  }
  const uint32_t whole = Crc32c(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    const absl::string_view a(data.data(), split);
    const absl::string_view b(data.data() + split, data.size() - split);
    EXPECT_EQ(Crc32cCombine(Crc32c(a), Crc32c(b), b.size()), whole) << "split " << split;
  }
}

TEST(Crc32cCombine, EmptySecondPartLeavesTheFirst) {
  EXPECT_EQ(Crc32cCombine(0xDEADBEEFu, 0, 0), 0xDEADBEEFu);
  EXPECT_EQ(Crc32cCombine(0, Crc32c("123456789"), 9), 0xE3069283u);
}

TEST(Crc32cCombine, LargeLengths) {
  // 1 MiB of zeros, combined from two halves and from 1024 pieces.
  const std::string zeros(1 << 20, '\0');
  const uint32_t whole = Crc32c(zeros);
  const absl::string_view half(zeros.data(), zeros.size() / 2);
  EXPECT_EQ(Crc32cCombine(Crc32c(half), Crc32c(half), half.size()), whole);
  uint32_t running = 0;
  const absl::string_view piece(zeros.data(), 1024);
  const uint32_t piece_crc = Crc32c(piece);
  for (int i = 0; i < 1024; ++i) running = Crc32cCombine(running, piece_crc, piece.size());
  EXPECT_EQ(running, whole);
}

}  // namespace
}  // namespace raftlog::snapshots::format2::internal
