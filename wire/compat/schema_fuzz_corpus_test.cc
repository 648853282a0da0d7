// Replays schema_fuzz.cc inside `bazel test`, without libFuzzer: the
// descriptor sets given as arguments (the checker's rule-case sets), alone
// and in pairs, every prefix of the smallest, and seeded mutations. A
// property violation aborts.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "util/fuzz_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::wire::compat {
namespace {

std::vector<std::string>* set_paths = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// The fuzz input of one old and one new set.
std::string Pair(const std::string& a, const std::string& b) {
  std::string out;
  out += static_cast<char>(a.size() & 0xFF);
  out += static_cast<char>((a.size() >> 8) & 0xFF);
  return out + a + b;
}

std::vector<std::string> Sets() {
  std::vector<std::string> out;
  for (const std::string& p : *set_paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (!s.str().empty() && s.str().size() < 60000) out.push_back(s.str());
  }
  return out;
}

TEST(SchemaFuzzCorpus, SetsPairsPrefixesAndMutations) {
  const std::vector<std::string> sets = Sets();
  ASSERT_GE(sets.size(), 2u);
  for (size_t i = 0; i < sets.size(); ++i) {
    FuzzOne(Pair(sets[i], ""));
    FuzzOne(Pair(sets[i], sets[(i + 1) % sets.size()]));
  }
  const std::string& first = sets[0];
  for (size_t n = 0; n < first.size(); n += 1 + first.size() / 200) FuzzOne(Pair(first.substr(0, n), ""));
  uint64_t rng = 20261208;
  for (int i = 0; i < 3000; ++i) {
    std::string s = sets[util::SplitMix(&rng) % sets.size()];
    for (int e = 0, edits = 1 + util::SplitMix(&rng) % 3; e < edits && !s.empty(); ++e) {
      const size_t at = util::SplitMix(&rng) % s.size();
      if (util::SplitMix(&rng) & 1) {
        s[at] = static_cast<char>(util::SplitMix(&rng));
      } else {
        s.erase(at, 1 + util::SplitMix(&rng) % 8);
      }
    }
    FuzzOne(Pair(s, (i % 3 == 0) ? sets[util::SplitMix(&rng) % sets.size()] : std::string()));
  }
}

}  // namespace
}  // namespace raftlog::wire::compat

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::wire::compat::set_paths = new std::vector<std::string>(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
