// Replays the Deliver paths' checked-in bad-input corpus
// (wire/testdata/bad/deliver_<tag>/, written by write_bad_wire_corpus): each
// message, delivered to a follower of the tag, is refused with exactly the
// code and message its EXPECTED line records, the recorded counter moved
// (the refusal is counted), and the node's term, vote, role, log and commit
// are as before. Frozen releases (v1, v2) are held to what they do today:
// their lines record it honestly, a change there is a finding.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "util/expected_corpus.h"
#include "versions/fuzz/bad_wire_corpus.h"

namespace raftlog::fuzz {
namespace {

std::string* bad_root = nullptr;

void ReplayFolder(const std::string& tag, size_t min_cases) {
  util::ReplayExpectedFolder(
      *bad_root + "/deliver_" + tag, 6, min_cases,
      [&](const std::vector<std::string>& f, const std::string& bytes) {
        BadMessage m;
        m.name = f[0];
        ASSERT_TRUE(absl::SimpleAtoi(f[1], &m.from) && absl::SimpleAtoi(f[2], &m.to)) << f[0];
        m.bytes = bytes;
        const DeliverOutcome o = DeliverToFollower(tag, m);
        EXPECT_FALSE(o.status.ok()) << tag << "/" << f[0] << " was accepted";
        EXPECT_EQ(absl::StatusCodeToString(o.status.code()), f[3]) << tag << "/" << f[0];
        EXPECT_EQ(o.counter_moved, f[4])
            << tag << "/" << f[0] << ": refusal not counted as recorded";
        EXPECT_NE(o.counter_moved, "") << tag << "/" << f[0] << ": refusal not counted";
        EXPECT_EQ(o.status.message(), f[5]) << tag << "/" << f[0];
        EXPECT_TRUE(o.state_unchanged)
            << tag << "/" << f[0] << ": a refused message changed the node";
      });
}

TEST(BadWireCorpus, V1) { ReplayFolder("v1", 5); }
TEST(BadWireCorpus, V2) { ReplayFolder("v2", 5); }
TEST(BadWireCorpus, V3) { ReplayFolder("v3", 6); }

}  // namespace
}  // namespace raftlog::fuzz

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::filesystem::path p(argc > 1 ? argv[1] : "wire/testdata/bad/deliver_v3/EXPECTED");
  raftlog::fuzz::bad_root = new std::string(p.parent_path().parent_path().string());
  return RUN_ALL_TESTS();
}
