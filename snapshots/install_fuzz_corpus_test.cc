// Replays install_fuzz.cc inside `bazel test`, without libFuzzer: the
// transfers of every format 2 and 3 sample file under every flag set, each
// transfer cut short, with one chunk dropped or sent twice, every byte of a
// small transfer flipped, and seeded mutations. A property violation aborts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "util/fuzz_replay.h"
#include "snapshots/format2/fuzz_support.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"
#include "snapshots/install_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::snapshots {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::vector<std::string> Transfers() {
  std::vector<std::string> files = format2::testing::SampleFiles();
  for (const std::string& f : format3::testing::SampleFiles()) files.push_back(f);
  std::vector<std::string> out;
  for (const std::string& file : files) {
    for (uint8_t flags : {0, 1, 2, 9}) {
      absl::StatusOr<std::string> input = EncodeInstallInput(file, flags);
      EXPECT_TRUE(input.ok()) << input.status();
      if (input.ok()) out.push_back(*input);
    }
  }
  return out;
}

TEST(InstallFuzzCorpus, TransfersCutShortAndFlipped) {
  const std::vector<std::string> transfers = Transfers();
  ASSERT_GE(transfers.size(), 8u);
  size_t runs = 0;
  for (const std::string& t : transfers) {
    FuzzOne(t);
    // Resume from the transfer's own first unit, then the rest.
    std::string resumed = t;
    resumed[0] = static_cast<char>(resumed[0] | 4);
    FuzzOne(resumed);
    for (size_t n = 1; n < t.size(); n += 1 + t.size() / 64) FuzzOne(t.substr(0, n));
    runs += 2 + 64;
  }
  const std::string& smallest = transfers[0];
  if (smallest.size() <= 4096) {
    for (size_t i = 1; i < smallest.size(); ++i) {
      std::string flipped = smallest;
      flipped[i] = static_cast<char>(flipped[i] ^ 0x5A);
      FuzzOne(flipped);
      ++runs;
    }
  }
  EXPECT_GT(runs, 100u);
}

TEST(InstallFuzzCorpus, SeededRandomMutations) {
  const std::vector<std::string> transfers = Transfers();
  util::ReplayMutations(transfers, 20261208, 10000, FuzzOne);
}

}  // namespace
}  // namespace raftlog::snapshots
