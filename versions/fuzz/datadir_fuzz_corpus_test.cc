// Replays datadir_fuzz.cc (one release, RAFTCERT_FUZZ_TAG) inside
// `bazel test`, without libFuzzer: the golden data directories of every tag
// (argv: golden dirs) packed as archives, every prefix of each golden file in
// place of the whole file (a torn write), bit flips of the hard state, and
// seeded mutations. A property violation aborts the test.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "versions/fuzz/archive.h"
#include "versions/fuzz/golden_seeds.h"
#include "wire/cross_decode/wire_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace raftlog::fuzz {
namespace {

std::vector<std::string>* golden_dirs = nullptr;

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::vector<std::map<std::string, std::string>> GoldenDirs() {
  std::vector<std::map<std::string, std::string>> out;
  for (const std::string& dir : *golden_dirs) {
    absl::StatusOr<std::map<std::string, std::string>> files = GoldenDataFiles(dir);
    EXPECT_TRUE(files.ok()) << files.status();
    if (files.ok()) out.push_back(*files);
  }
  return out;
}

TEST(DataDirFuzzCorpus, GoldenSeedsAndTornFiles) {
  const auto dirs = GoldenDirs();
  ASSERT_FALSE(dirs.empty());
  size_t runs = 0;
  for (const auto& files : dirs) {
    for (const std::string& seed : DataDirSeeds(files)) {
      FuzzOne(seed);
      ++runs;
    }
    for (const auto& [path, bytes] : files) {
      // Every prefix of the small files, every 7th of the larger ones.
      const size_t step = bytes.size() > 512 ? 7 : 1;
      for (size_t n = 0; n < bytes.size(); n += step) {
        std::map<std::string, std::string> torn = files;
        torn[path] = bytes.substr(0, n);
        FuzzOne(PackArchive(2, torn));
        ++runs;
      }
    }
    auto hard = files.find("hardstate");
    if (hard != files.end()) {
      for (size_t bit = 0; bit < hard->second.size() * 8; ++bit) {
        std::map<std::string, std::string> flipped = files;
        flipped["hardstate"][bit / 8] ^= static_cast<char>(1 << (bit % 8));
        FuzzOne(PackArchive(2, flipped));
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 100u);
}

TEST(DataDirFuzzCorpus, SeededRandomMutations) {
  std::vector<std::string> seeds;
  for (const auto& files : GoldenDirs()) {
    for (const std::string& s : DataDirSeeds(files)) seeds.push_back(s);
  }
  ASSERT_FALSE(seeds.empty());
  wire::cross_decode::Rng rng(20261208);
  constexpr int kMutations = 3000;
  for (int i = 0; i < kMutations; ++i) {
    FuzzOne(wire::cross_decode::Mutate(seeds[rng.Uniform(seeds.size())], &rng, seeds));
  }
  SUCCEED() << kMutations << " mutated inputs, no property violated";
}

}  // namespace
}  // namespace raftlog::fuzz

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  raftlog::fuzz::golden_dirs = new std::vector<std::string>(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
