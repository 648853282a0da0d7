// Runs the libFuzzer target's function (format1_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of the smallest, and seeded random
// mutations (byte overwrites, inserts, deletes, splices). A property
// violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format1/testing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format1 {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

uint64_t Next(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

TEST(Format1FuzzCorpus, SeedsPrefixesAndBitFlips) {
  const std::vector<std::string> seeds = testing::SampleFiles();
  size_t runs = 0;
  for (const std::string& seed : seeds) {
    FuzzOne(seed);
    ++runs;
    if (seed.size() > 512) continue;
    for (size_t n = 0; n < seed.size(); ++n) {
      FuzzOne(seed.substr(0, n));
      ++runs;
    }
  }
  const std::string small = testing::MustEncode(testing::SmallState());
  for (size_t bit = 0; bit < small.size() * 8; ++bit) {
    std::string flipped = small;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    FuzzOne(flipped);
    ++runs;
  }
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format1FuzzCorpus, SeededRandomMutations) {
  const std::vector<std::string> seeds = testing::SampleFiles();
  uint64_t rng = 20240601;
  constexpr int kMutations = 20000;
  for (int i = 0; i < kMutations; ++i) {
    std::string input = seeds[Next(&rng) % seeds.size()];
    const int edits = 1 + static_cast<int>(Next(&rng) % 4);
    for (int e = 0; e < edits && !input.empty(); ++e) {
      const size_t at = Next(&rng) % input.size();
      switch (Next(&rng) % 5) {
        case 0:  // overwrite a byte
          input[at] = static_cast<char>(Next(&rng));
          break;
        case 1:  // an "interesting" 64-bit value, as a fuzzer would try
          for (size_t k = 0; k < 8 && at + k < input.size(); ++k) {
            const uint64_t v = (Next(&rng) & 1) ? ~uint64_t{0} : uint64_t{1} << 60;
            input[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
          }
          break;
        case 2:  // insert bytes
          input.insert(at, std::string(1 + Next(&rng) % 8, static_cast<char>(Next(&rng))));
          break;
        case 3:  // delete bytes
          input.erase(at, 1 + Next(&rng) % 8);
          break;
        default: {  // splice in part of another seed
          const std::string& other = seeds[Next(&rng) % seeds.size()];
          const size_t from = Next(&rng) % other.size();
          input.replace(at, Next(&rng) % 16, other.substr(from, Next(&rng) % 32));
          break;
        }
      }
    }
    FuzzOne(input);
  }
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format1
