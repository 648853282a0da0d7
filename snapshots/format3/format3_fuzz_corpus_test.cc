// Runs the libFuzzer target's function (format3_fuzz.cc) over a seed corpus
// inside `bazel test`, without libFuzzer: the sample files, every prefix of
// the small ones, every single-bit flip of one multi-chunk file, and seeded
// random mutations (util/fuzz_replay.h) of files and of uncompressed bodies
// ('B' inputs). A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"
#include "util/fuzz_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots::format3 {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

void FuzzBody(const std::string& input) {
  FuzzOne(!input.empty() && input[0] == 'B' ? input : "B" + input);
}

TEST(Format3FuzzCorpus, SeedsPrefixesAndBitFlips) {
  const std::string small =
      testing::MustEncode(testing::DowngradableState(), format2::testing::TinyChunks());
  const size_t runs =
      util::ReplaySeedsPrefixesAndBitFlips(testing::SampleFiles(), 1024, small, FuzzOne);
  EXPECT_GT(runs, small.size() * 8);
}

TEST(Format3FuzzCorpus, SeededRandomMutations) {
  std::vector<std::string> bodies;
  for (const SnapshotState& s : {SnapshotState(), testing::SmallState()}) {
    bodies.push_back("B" + format2::internal::SerializeBody(s));
  }
  constexpr int kMutations = 20000;
  util::ReplayMutations(testing::SampleFiles(), 20240603, kMutations * 2 / 3, FuzzOne);
  util::ReplayMutations(bodies, 20240604, kMutations / 3, FuzzBody);
  SUCCEED() << kMutations << " mutated files and bodies, no property violated";
}

}  // namespace
}  // namespace raftlog::snapshots::format3
