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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::runner {
namespace {

std::string* regressions_path = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

uint64_t Next(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
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
    std::string s = (i % 2) ? text : lines[Next(&rng) % lines.size()];
    for (int e = 0, edits = 1 + Next(&rng) % 3; e < edits && !s.empty(); ++e) {
      const size_t at = Next(&rng) % s.size();
      switch (Next(&rng) % 4) {
        case 0:
          s[at] = static_cast<char>(Next(&rng));
          break;
        case 1:
          s.insert(at, (Next(&rng) & 1) ? " " : ":");
          break;
        case 2:
          s.insert(at, "18446744073709551616");
          break;
        default:
          s.erase(at, 1 + Next(&rng) % 8);
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
