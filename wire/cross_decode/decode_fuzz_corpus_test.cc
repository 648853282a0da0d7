// Runs the libFuzzer target's function (decode_fuzz.cc) inside `bazel test`,
// without libFuzzer: every seed (every corpus sample, every receiver state),
// every prefix of the seeds of one receiver state, every single-bit flip of
// the small ones, and seeded random mutations. A property violation aborts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "wire/cross_decode/fuzz_seeds.h"
#include "wire/cross_decode/wire_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::wire::cross_decode {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

const std::vector<FuzzSeed>& Seeds() {
  static const auto* seeds = new std::vector<FuzzSeed>(FuzzSeeds());
  return *seeds;
}

TEST(DecodeFuzzCorpus, SeedsPrefixesAndBitFlips) {
  ASSERT_GE(Seeds().size(), 4u * 6);
  size_t runs = 0;
  for (const FuzzSeed& seed : Seeds()) {
    FuzzOne(seed.input);
    ++runs;
  }
  for (const FuzzSeed& seed : Seeds()) {
    // Prefixes: state 0 (fresh node) only, header kept.
    if (seed.input[2] != 0) continue;
    for (size_t n = 3; n < seed.input.size(); ++n) {
      FuzzOne(seed.input.substr(0, n));
      ++runs;
    }
    if (seed.input.size() > 64) continue;
    for (size_t bit = 3 * 8; bit < seed.input.size() * 8; ++bit) {
      std::string flipped = seed.input;
      flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
      FuzzOne(flipped);
      ++runs;
    }
  }
  // Short inputs take the no-header path.
  for (const char* s : {"", "\x08", "\x08\x01"}) FuzzOne(s);
  EXPECT_GT(runs, 2000u);
}

TEST(DecodeFuzzCorpus, SeededRandomMutations) {
  std::vector<std::string> inputs;
  for (const FuzzSeed& s : Seeds()) inputs.push_back(s.input);
  Rng rng(20240601);
  constexpr int kMutations = 20000;
  for (int i = 0; i < kMutations; ++i) {
    std::string input = inputs[rng.Uniform(inputs.size())];
    // Keep the header most of the time, so mutations land in the message.
    if (rng.Uniform(8) != 0 && input.size() > 3) {
      input = input.substr(0, 3) + Mutate(input.substr(3), &rng, inputs);
    } else {
      input = Mutate(input, &rng, inputs);
    }
    FuzzOne(input);
  }
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
