// Replays the Deliver paths' checked-in bad-input corpus
// (wire/testdata/bad/deliver_<tag>/, written by write_bad_wire_corpus): each
// message, delivered to a follower of the tag, is refused with exactly the
// code and message its EXPECTED line records, the recorded counter moved
// (the refusal is counted), and the node's term, vote, role, log and commit
// are as before. Frozen releases (v1, v2) are held to what they do today:
// their lines record it honestly, a change there is a finding.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "versions/fuzz/bad_wire_corpus.h"

namespace raftlog::fuzz {
namespace {

std::string* bad_root = nullptr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void ReplayFolder(const std::string& tag, size_t min_cases) {
  const std::string dir = *bad_root + "/deliver_" + tag;
  std::set<std::string> listed;
  for (absl::string_view line : absl::StrSplit(ReadFile(dir + "/EXPECTED"), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, absl::MaxSplits(' ', 5));
    ASSERT_EQ(f.size(), 6u) << line;
    listed.insert(f[0]);
    BadMessage m;
    m.name = f[0];
    ASSERT_TRUE(absl::SimpleAtoi(f[1], &m.from) && absl::SimpleAtoi(f[2], &m.to)) << line;
    m.bytes = ReadFile(dir + "/" + f[0]);
    const DeliverOutcome o = DeliverToFollower(tag, m);
    EXPECT_FALSE(o.status.ok()) << tag << "/" << f[0] << " was accepted";
    EXPECT_EQ(absl::StatusCodeToString(o.status.code()), f[3]) << tag << "/" << f[0];
    EXPECT_EQ(o.counter_moved, f[4]) << tag << "/" << f[0] << ": refusal not counted as recorded";
    EXPECT_NE(o.counter_moved, "") << tag << "/" << f[0] << ": refusal not counted";
    EXPECT_EQ(o.status.message(), f[5]) << tag << "/" << f[0];
    EXPECT_TRUE(o.state_unchanged) << tag << "/" << f[0] << ": a refused message changed the node";
  }
  EXPECT_GE(listed.size(), min_cases) << dir;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "EXPECTED") continue;
    EXPECT_EQ(listed.count(name), 1u) << dir << "/" << name << " has no EXPECTED line";
  }
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
