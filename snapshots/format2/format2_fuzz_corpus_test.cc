// Runs the libFuzzer target's function (format2_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of one multi-chunk file, seeded
// random mutations (byte overwrites, interesting values, inserts, deletes,
// splices) of the files and of uncompressed bodies ('B' inputs, which the
// target wraps in a valid container). A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format2/fuzz_support.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format2 {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

uint64_t Next(uint64_t* s) { return testing::SplitMix(s); }

std::string Mutate(std::string input, const std::vector<std::string>& seeds, uint64_t* rng) {
  return testing::MutateInput(std::move(input), seeds, rng);
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
