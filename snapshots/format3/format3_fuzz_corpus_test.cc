// Runs the libFuzzer target's function (format3_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of one multi-chunk file, and seeded
// random mutations of files and of uncompressed bodies ('B' inputs). A
// property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format2/fuzz_support.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format3 {
namespace {

using format2::testing::MutateInput;
using format2::testing::SplitMix;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(Format3FuzzCorpus, SeedsPrefixesAndBitFlips) {
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
  const std::string small =
      testing::MustEncode(testing::DowngradableState(), format2::testing::TinyChunks());
  for (size_t bit = 0; bit < small.size() * 8; ++bit) {
    std::string flipped = small;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    FuzzOne(flipped);
    ++runs;
  }
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format3FuzzCorpus, SeededRandomMutations) {
  const std::vector<std::string> seeds = testing::SampleFiles();
  std::vector<std::string> bodies;
  for (const SnapshotState& s : {SnapshotState(), testing::SmallState()}) {
    bodies.push_back("B" + format2::internal::SerializeBody(s));
  }
  uint64_t rng = 20240603;
  constexpr int kMutations = 20000;
  for (int i = 0; i < kMutations; ++i) {
    if (i % 3 == 2) {
      std::string input = MutateInput(bodies[SplitMix(&rng) % bodies.size()], bodies, &rng);
      if (input.empty() || input[0] != 'B') input.insert(0, "B");
      FuzzOne(input);
    } else {
      FuzzOne(MutateInput(seeds[SplitMix(&rng) % seeds.size()], seeds, &rng));
    }
  }
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format3
