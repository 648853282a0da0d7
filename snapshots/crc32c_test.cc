#include "snapshots/crc32c.h"

#include <string>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace raftlog
