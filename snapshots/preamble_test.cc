#include "snapshots/preamble.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace raftlog::snapshots {
namespace {

TEST(Preamble, BytesAreTheDocumentedOnes) {
  std::string out;
  AppendPreamble(1, &out);
  EXPECT_EQ(out, std::string("RLSNAP\r\n\x01\x00\x00\x00", 12));
  out.clear();
  AppendPreamble(0x04030201u, &out);
  EXPECT_EQ(out.substr(8), std::string("\x01\x02\x03\x04", 4));
}

TEST(Preamble, ReadsAnyFormatNumber) {
  for (uint32_t format : {0u, 1u, 2u, 3u, 0xFFFFFFFFu}) {
    std::string out;
    AppendPreamble(format, &out);
    out += "body";
    absl::StatusOr<uint32_t> read = ReadPreamble(out);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, format);
  }
}

TEST(Preamble, WrongMagicIsInvalidArgument) {
  for (absl::string_view bad : {absl::string_view("PK\x03\x04 zip file"), absl::string_view("X"),
                                absl::string_view("RLSNAP\n\n\x01\0\0\0", 12)}) {
    absl::StatusOr<uint32_t> read = ReadPreamble(bad);
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << read.status();
    EXPECT_NE(read.status().message().find("not a snapshot"), absl::string_view::npos);
  }
}

TEST(Preamble, TornPreambleIsDataLoss) {
  std::string full;
  AppendPreamble(1, &full);
  for (size_t n = 0; n < full.size(); ++n) {
    absl::StatusOr<uint32_t> read = ReadPreamble(absl::string_view(full.data(), n));
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << n << ": " << read.status();
  }
}

}  // namespace
}  // namespace raftlog::snapshots
