// Replays the history reader's checked-in bad-input corpus
// (testdata/bad/edn/): every input is refused by ParseEdnHistory with
// exactly the code and message its EXPECTED line records ("<file> <code>
// <message>"; every message names its line), and every file has a line.
// Also the bounds of edn.h (kMaxEdnLineBytes, kMaxEdnEvents) at the limit
// and one past it.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/lin/edn.h"
#include "util/expected_corpus.h"

namespace raftlog::lin {
namespace {

std::string* expected_path = nullptr;

TEST(EdnBadCorpus, EveryInputRefusedAsRecorded) {
  util::ReplayExpectedFolder(
      std::filesystem::path(*expected_path).parent_path().string(), 3, 10,
      [](const std::vector<std::string>& f, const std::string& bytes) {
        absl::StatusOr<History> h = ParseEdnHistory(bytes);
        ASSERT_FALSE(h.ok()) << f[0] << " was accepted";
        EXPECT_EQ(absl::StatusCodeToString(h.status().code()), f[1]) << f[0];
        EXPECT_EQ(h.status().message(), f[2]) << f[0];
        EXPECT_TRUE(absl::StartsWith(h.status().message(), "line ")) << f[0] << ": no line";
      });
}

// An invocation line of exactly `bytes` bytes (padded in an ignored key).
std::string LineOf(size_t bytes) {
  const std::string head = "{:process 0, :type :invoke, :f :read, :pad \"";
  const std::string tail = "\"}";
  return head + std::string(bytes - head.size() - tail.size(), 'x') + tail;
}

TEST(EdnBounds, LineBytesAtTheLimitAndOnePast) {
  EXPECT_TRUE(ParseEdnHistory(LineOf(kMaxEdnLineBytes)).ok());
  absl::StatusOr<History> past = ParseEdnHistory("\n" + LineOf(kMaxEdnLineBytes + 1));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(past.status().message(),
            absl::StrCat("line 2: ", kMaxEdnLineBytes + 1, " bytes, over the limit of ",
                         kMaxEdnLineBytes, " per line"));
}

std::string Events(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppend(&out, "{:process ", i / 2, ", :type ", i % 2 ? ":ok" : ":invoke",
                    ", :f :read, :value nil}\n");
  }
  return out;
}

TEST(EdnBounds, EventsAtTheLimitAndOnePast) {
  EdnLimits limits;
  EXPECT_EQ(limits.max_events, kMaxEdnEvents);
  EXPECT_EQ(limits.max_line_bytes, kMaxEdnLineBytes);
  limits.max_events = 6;
  absl::StatusOr<History> at = ParseEdnHistory("; comment\n" + Events(6), limits);
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->ops().size(), 3u);
  absl::StatusOr<History> past = ParseEdnHistory("; comment\n" + Events(7), limits);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().message(), "line 8: column 1: more than 6 events in the history");
}

}  // namespace
}  // namespace raftlog::lin

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::lin::expected_path =
      new std::string(argc > 1 ? argv[1] : "matrix/lin/testdata/bad/edn/EXPECTED");
  return RUN_ALL_TESTS();
}
