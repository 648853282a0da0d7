#include "snapshots/crc32c.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/crc32c_internal.h"

namespace raftlog {
namespace {

TEST(Crc32c, StandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
}

TEST(Crc32c, EmptyInputIsZeroAndLeavesRunningValueUnchanged) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("", 0xDEADBEEFu), 0xDEADBEEFu);
}

// Published vectors (RFC 3720, appendix B.4: iSCSI uses CRC-32C).
TEST(Crc32c, Rfc3720Vectors) {
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32c, ChainingEqualsOneShotAtEverySplit) {
  using namespace std::string_literals;
  const std::string data = "The quick brown fox jumps over the lazy dog\0\x01\xfe"s;
  const uint32_t whole = Crc32c(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    absl::string_view a(data.data(), split);
    absl::string_view b(data.data() + split, data.size() - split);
    EXPECT_EQ(Crc32c(b, Crc32c(a)), whole) << "split at " << split;
  }
}

TEST(Crc32c, DetectsSingleBitFlips) {
  std::string data = "snapshot bytes";
  const uint32_t original = Crc32c(data);
  for (size_t i = 0; i < data.size() * 8; ++i) {
    std::string flipped = data;
    flipped[i / 8] = static_cast<char>(flipped[i / 8] ^ (1 << (i % 8)));
    EXPECT_NE(Crc32c(flipped), original) << "bit " << i;
  }
}

// Every implementation (the bytewise reference, slicing-by-8, SSE4.2 when the
// CPU has it) computes the same value at every length and alignment, from
// any running value.
TEST(Crc32c, ImplementationsAgreeAtEveryLengthAndAlignment) {
  std::mt19937_64 rng(42);
  std::string buffer(4096 + 16, '\0');
  for (char& ch : buffer) ch = static_cast<char>(rng());
  std::vector<crc32c_internal::Fn> fns = {&crc32c_internal::Slicing8};
  if (crc32c_internal::Fn hw = crc32c_internal::Hardware()) fns.push_back(hw);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t size = 0; size <= 300; ++size) {
      const uint32_t start = static_cast<uint32_t>(rng());
      const char* p = buffer.data() + offset;
      const uint32_t want = crc32c_internal::Bytewise(start, p, size);
      for (crc32c_internal::Fn fn : fns) {
        ASSERT_EQ(fn(start, p, size), want) << "offset " << offset << " size " << size;
      }
    }
  }
  const uint32_t want = crc32c_internal::Bytewise(~0u, buffer.data() + 3, 4096);
  for (crc32c_internal::Fn fn : fns) EXPECT_EQ(fn(~0u, buffer.data() + 3, 4096), want);
  EXPECT_EQ(Crc32c(absl::string_view(buffer.data() + 3, 4096)), ~want);
}

TEST(Crc32c, SelectedImplementationIsOneOfTheChecked) {
  crc32c_internal::Fn s = crc32c_internal::Selected();
  EXPECT_TRUE(s == &crc32c_internal::Slicing8 || s == crc32c_internal::Hardware())
      << crc32c_internal::SelectedName();
}

}  // namespace
}  // namespace raftlog
