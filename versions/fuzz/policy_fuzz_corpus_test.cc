// Replays policy_fuzz.cc inside `bazel test`, without libFuzzer: the real
// policy (argv[1]), every prefix of it, each line alone, and seeded
// mutations. A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "wire/cross_decode/wire_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::fuzz {
namespace {

std::string* policy_path = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string PolicyText() {
  std::ifstream in(*policy_path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PolicyFuzzCorpus, PolicyPrefixesAndLines) {
  const std::string text = PolicyText();
  ASSERT_GT(text.size(), 100u) << *policy_path;
  FuzzOne(text);
  for (size_t n = 0; n < text.size(); n += 3) FuzzOne(text.substr(0, n));
  for (absl::string_view line : absl::StrSplit(text, '\n')) FuzzOne(std::string(line));
  for (const char* s : {"", "->", "v1 -> v1:", "v1 -> v2: none, none", ":\n:\n", "v1 v2",
                        "v1 -> v2: rolling_upgrade,", "\xff\xfe -> \x00: x"}) {
    FuzzOne(s);
  }
}

TEST(PolicyFuzzCorpus, SeededRandomMutations) {
  const std::vector<std::string> seeds = {PolicyText()};
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(seeds[0], '\n')) lines.emplace_back(line);
  wire::cross_decode::Rng rng(20261208);
  for (int i = 0; i < 20000; ++i) {
    FuzzOne(wire::cross_decode::Mutate(i % 2 ? seeds[0] : lines[rng.Uniform(lines.size())],
                                       &rng, lines));
  }
}

}  // namespace
}  // namespace raftlog::fuzz

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::fuzz::policy_path = new std::string(argc > 1 ? argv[1] : "versions/policy.txt");
  return RUN_ALL_TESTS();
}
