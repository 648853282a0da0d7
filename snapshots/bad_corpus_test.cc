// Replays the snapshot decoders' checked-in bad-input corpus
// (testdata/bad/<decoder>/, see bad_corpus.h): every input is refused with
// exactly the code and message its EXPECTED line records, every file of a
// folder has a line and every line a file, and every message names what is
// wrong and where (it is not empty and says more than the code).
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "snapshots/bad_corpus.h"
#include "util/expected_corpus.h"

namespace raftlog::snapshots {
namespace {

std::string* bad_root = nullptr;

void ReplayFolder(const std::string& decoder, size_t min_cases) {
  util::ReplayExpectedFolder(
      *bad_root + "/" + decoder, 3, min_cases,
      [&](const std::vector<std::string>& f, const std::string& bytes) {
        const absl::Status s = RunBadCorpusInput(decoder, bytes);
        EXPECT_FALSE(s.ok()) << decoder << "/" << f[0] << " was accepted";
        EXPECT_EQ(absl::StatusCodeToString(s.code()), f[1]) << decoder << "/" << f[0] << ": " << s;
        EXPECT_EQ(s.message(), f[2]) << decoder << "/" << f[0];
        EXPECT_GT(s.message().size(), 20u) << decoder << "/" << f[0] << ": says too little: " << s;
      });
}

TEST(SnapshotBadCorpus, Format1) { ReplayFolder("format1", 8); }
TEST(SnapshotBadCorpus, Format2) { ReplayFolder("format2", 10); }
TEST(SnapshotBadCorpus, Format3) { ReplayFolder("format3", 10); }
TEST(SnapshotBadCorpus, ChunkedInstall) { ReplayFolder("install", 6); }

}  // namespace
}  // namespace raftlog::snapshots

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  // argv[1]: .../testdata/bad/format1/EXPECTED; the root is two levels up.
  std::filesystem::path p(argc > 1 ? argv[1] : "snapshots/testdata/bad/format1/EXPECTED");
  raftlog::snapshots::bad_root = new std::string(p.parent_path().parent_path().string());
  return RUN_ALL_TESTS();
}
