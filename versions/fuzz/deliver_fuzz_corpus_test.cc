// Replays deliver_fuzz.cc (one release, RAFTCERT_FUZZ_TAG) inside
// `bazel test`, without libFuzzer: every cross-decode seed (every corpus
// sample of every tag, every receiver state), pairs of seeds delivered one
// after the other, every prefix of the fresh-node seeds, and seeded
// mutations. A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "wire/cross_decode/fuzz_seeds.h"
#include "wire/cross_decode/wire_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::fuzz {
namespace {

using wire::cross_decode::FuzzSeed;

constexpr char kSeparator[] = "\xF0\x0D\xFE\xED";  // deliver_fuzz.cc kMessageSeparator

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

const std::vector<FuzzSeed>& Seeds() {
  static const auto* seeds = new std::vector<FuzzSeed>(wire::cross_decode::FuzzSeeds());
  return *seeds;
}

TEST(DeliverFuzzCorpus, SeedsSequencesAndPrefixes) {
  ASSERT_GE(Seeds().size(), 24u);
  size_t runs = 0;
  for (const FuzzSeed& seed : Seeds()) {
    FuzzOne(seed.input);
    ++runs;
  }
  // Two messages of one sender and state in a row (first + k-th seed).
  for (size_t k = 1; k < Seeds().size(); k += 7) {
    const std::string& a = Seeds()[k - 1].input;
    const std::string& b = Seeds()[k].input;
    FuzzOne(a + kSeparator + b.substr(3));
    ++runs;
  }
  for (const FuzzSeed& seed : Seeds()) {
    if (seed.input[2] != 0 || seed.input.size() > 256) continue;
    for (size_t n = 3; n < seed.input.size(); ++n) {
      FuzzOne(seed.input.substr(0, n));
      ++runs;
    }
  }
  for (const char* s : {"", "\x08", "\x08\x01"}) FuzzOne(s);
  EXPECT_GT(runs, Seeds().size());
}

TEST(DeliverFuzzCorpus, SeededRandomMutations) {
  std::vector<std::string> inputs;
  for (const FuzzSeed& s : Seeds()) inputs.push_back(s.input);
  wire::cross_decode::Rng rng(20261208);
  constexpr int kMutations = 4000;
  for (int i = 0; i < kMutations; ++i) {
    std::string input = inputs[rng.Uniform(inputs.size())];
    if (rng.Uniform(8) != 0 && input.size() > 3) {
      input = input.substr(0, 3) + wire::cross_decode::Mutate(input.substr(3), &rng, inputs);
    } else {
      input = wire::cross_decode::Mutate(input, &rng, inputs);
    }
    FuzzOne(input);
  }
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::fuzz
