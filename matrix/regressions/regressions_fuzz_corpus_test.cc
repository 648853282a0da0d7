// Replays regressions_fuzz.cc inside `bazel test`, without libFuzzer: the
// real regressions.txt (argv[1]), every prefix of it, each line alone, and
// seeded mutations. A property violation aborts.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "util/fuzz_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::runner {
namespace {

std::string* regressions_path = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Text() {
  std::ifstream in(*regressions_path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RegressionsFuzzCorpus, FilePrefixesLinesAndMutations) {
  const std::string text = Text();
  ASSERT_GT(text.size(), 20u) << *regressions_path;
  FuzzOne(text);
  for (size_t n = 0; n < text.size(); n += 3) FuzzOne(text.substr(0, n));
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (const std::string& line : lines) {
    FuzzOne(line);
    FuzzOne(line + "\n" + line);  // named twice
  }
  uint64_t rng = 20261208;
  for (int i = 0; i < 20000; ++i) {
    std::string s = (i % 2) ? text : lines[util::SplitMix(&rng) % lines.size()];
    for (int e = 0, edits = 1 + util::SplitMix(&rng) % 3; e < edits && !s.empty(); ++e) {
      const size_t at = util::SplitMix(&rng) % s.size();
      switch (util::SplitMix(&rng) % 4) {
        case 0:
          s[at] = static_cast<char>(util::SplitMix(&rng));
          break;
        case 1:
          s.insert(at, (util::SplitMix(&rng) & 1) ? " " : ":");
          break;
        case 2:
          s.insert(at, "18446744073709551616");
          break;
        default:
          s.erase(at, 1 + util::SplitMix(&rng) % 8);
      }
    }
    FuzzOne(s);
  }
}

}  // namespace
}  // namespace raftlog::runner

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::runner::regressions_path =
      new std::string(argc > 1 ? argv[1] : "matrix/regressions/regressions.txt");
  return RUN_ALL_TESTS();
}
