// Runs the libFuzzer target's function (format2_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of one multi-chunk file, seeded
// random mutations (byte overwrites, interesting values, inserts, deletes,
// splices) of the files and of uncompressed bodies ('B' inputs, which the
// target wraps in a valid container). A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format2 {
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

std::string Mutate(std::string input, const std::vector<std::string>& seeds, uint64_t* rng) {
  const int edits = 1 + static_cast<int>(Next(rng) % 4);
  for (int e = 0; e < edits && !input.empty(); ++e) {
    const size_t at = Next(rng) % input.size();
    switch (Next(rng) % 5) {
      case 0:
        input[at] = static_cast<char>(Next(rng));
        break;
      case 1:
        for (size_t k = 0; k < 8 && at + k < input.size(); ++k) {
          const uint64_t v = (Next(rng) & 1) ? ~uint64_t{0} : uint64_t{1} << 60;
          input[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
        }
        break;
      case 2:
        input.insert(at, std::string(1 + Next(rng) % 8, static_cast<char>(Next(rng))));
        break;
      case 3:
        input.erase(at, 1 + Next(rng) % 8);
        break;
      default: {
        const std::string& other = seeds[Next(rng) % seeds.size()];
        const size_t from = Next(rng) % other.size();
        input.replace(at, Next(rng) % 16, other.substr(from, Next(rng) % 32));
        break;
      }
    }
  }
  return input;
}

TEST(Format2FuzzCorpus, SeedsPrefixesAndBitFlips) {
  const std::vector<std::string> seeds = testing::SampleFiles();
  size_t runs = 0;
  for (const std::string& seed : seeds) {
    FuzzOne(seed);
    ++runs;
    if (seed.size() > 1024) continue;
    for (size_t n = 0; n < seed.size(); ++n) {
      FuzzOne(seed.substr(0, n));
      ++runs;
    }
  }
  const std::string small = testing::MustEncode(testing::SmallState(), testing::TinyChunks());
  for (size_t bit = 0; bit < small.size() * 8; ++bit) {
    std::string flipped = small;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    FuzzOne(flipped);
    ++runs;
  }
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format2FuzzCorpus, SeededRandomMutationsOfFiles) {
  const std::vector<std::string> seeds = testing::SampleFiles();
  uint64_t rng = 20240602;
  constexpr int kMutations = 20000;
  for (int i = 0; i < kMutations; ++i) {
    FuzzOne(Mutate(seeds[Next(&rng) % seeds.size()], seeds, &rng));
  }
  SUCCEED() << kMutations << " mutated files, no property violated";
}

TEST(Format2FuzzCorpus, SeededRandomMutationsOfBodies) {
  std::vector<std::string> bodies;
  for (const SnapshotState& s :
       {testing::EmptyState(), testing::SmallState(), testing::GeneratedState(3, 10, 4)}) {
    bodies.push_back("B" + internal::SerializeBody(s));
  }
  uint64_t rng = 7;
  constexpr int kMutations = 10000;
  for (int i = 0; i < kMutations; ++i) {
    std::string input = Mutate(bodies[Next(&rng) % bodies.size()], bodies, &rng);
    if (input.empty() || input[0] != 'B') input.insert(0, "B");
    FuzzOne(input);
  }
  SUCCEED() << kMutations << " mutated bodies, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format2
