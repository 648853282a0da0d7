// Runs the libFuzzer target's function (format2_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of one multi-chunk file, seeded
// random mutations (util/fuzz_replay.h) of the files and of uncompressed
// bodies ('B' inputs, which the target wraps in a valid container). A
// property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "util/fuzz_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format2 {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// A mutated body still starts with 'B', so the target wraps it.
void FuzzBody(const std::string& input) {
  FuzzOne(!input.empty() && input[0] == 'B' ? input : "B" + input);
}

TEST(Format2FuzzCorpus, SeedsPrefixesAndBitFlips) {
  const std::string small = testing::MustEncode(testing::SmallState(), testing::TinyChunks());
  const size_t runs =
      util::ReplaySeedsPrefixesAndBitFlips(testing::SampleFiles(), 1024, small, FuzzOne);
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format2FuzzCorpus, SeededRandomMutationsOfFiles) {
  constexpr int kMutations = 20000;
  util::ReplayMutations(testing::SampleFiles(), 20240602, kMutations, FuzzOne);
  SUCCEED() << kMutations << " mutated files, no property violated";
}

TEST(Format2FuzzCorpus, SeededRandomMutationsOfBodies) {
  std::vector<std::string> bodies;
  for (const SnapshotState& s :
       {testing::EmptyState(), testing::SmallState(), testing::GeneratedState(3, 10, 4)}) {
    bodies.push_back("B" + internal::SerializeBody(s));
  }
  constexpr int kMutations = 10000;
  util::ReplayMutations(bodies, 7, kMutations, FuzzBody);
  SUCCEED() << kMutations << " mutated bodies, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format2
