// Replays edn_fuzz.cc inside `bazel test`, without libFuzzer: the example
// histories of testdata/ (argv), every prefix of them, each line alone and
// doubled, and seeded mutations. A property violation aborts.
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

namespace raftlog::lin {
namespace {

std::vector<std::string>* seed_paths = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::vector<std::string> Seeds() {
  std::vector<std::string> out;
  for (const std::string& p : *seed_paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  return out;
}

TEST(EdnFuzzCorpus, SeedsPrefixesAndLines) {
  const std::vector<std::string> seeds = Seeds();
  ASSERT_GE(seeds.size(), 3u);
  for (const std::string& s : seeds) {
    FuzzOne(s);
    for (size_t n = 0; n < s.size(); n += 5) FuzzOne(s.substr(0, n));
    for (absl::string_view line : absl::StrSplit(s, '\n')) {
      FuzzOne(std::string(line));
      FuzzOne(std::string(line) + "\n" + std::string(line));
    }
  }
}

TEST(EdnFuzzCorpus, SeededRandomMutations) {
  const std::vector<std::string> seeds = Seeds();
  const std::string tokens[] = {"{", "}", "[", "]", "(", ")", "#{", "#_", "\"", "\\", ":ok",
                                ":invoke", ":info", ":fail", ":cas", ":read", ":process",
                                "nil", "-9223372036854775808", "99999999999999999999", ";", ","};
  uint64_t rng = 20261208;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[util::SplitMix(&rng) % seeds.size()];
    for (int e = 0, edits = 1 + util::SplitMix(&rng) % 4; e < edits && !s.empty(); ++e) {
      const size_t at = util::SplitMix(&rng) % s.size();
      switch (util::SplitMix(&rng) % 3) {
        case 0:
          s[at] = static_cast<char>(util::SplitMix(&rng));
          break;
        case 1:
          s.insert(at, tokens[util::SplitMix(&rng) % (sizeof(tokens) / sizeof(tokens[0]))]);
          break;
        default:
          s.erase(at, 1 + util::SplitMix(&rng) % 12);
      }
    }
    FuzzOne(s);
  }
}

}  // namespace
}  // namespace raftlog::lin

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::lin::seed_paths = new std::vector<std::string>(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
