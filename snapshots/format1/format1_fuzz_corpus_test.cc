// Runs the libFuzzer target's function (format1_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of the smallest, and seeded random
// mutations (util/fuzz_replay.h). A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format1/testing.h"
#include "util/fuzz_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format1 {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(Format1FuzzCorpus, SeedsPrefixesAndBitFlips) {
  const std::string small = testing::MustEncode(testing::SmallState());
  const size_t runs =
      util::ReplaySeedsPrefixesAndBitFlips(testing::SampleFiles(), 512, small, FuzzOne);
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format1FuzzCorpus, SeededRandomMutations) {
  constexpr int kMutations = 20000;
  util::ReplayMutations(testing::SampleFiles(), 20240601, kMutations, FuzzOne);
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format1
