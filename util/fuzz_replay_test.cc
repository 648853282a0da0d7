#include "util/fuzz_replay.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace raftlog::util {
namespace {

TEST(SplitMix, IsTheReferenceSequence) {
  uint64_t s = 0;
  // splitmix64 seeded with 0: its published first outputs.
  EXPECT_EQ(SplitMix(&s), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(SplitMix(&s), 0x6E789E6AA1B965F4ull);
}

TEST(ReplaySeedsPrefixesAndBitFlips, RunsEachSeedEachShortPrefixAndEachFlip) {
  std::vector<std::string> seen;
  const size_t runs = ReplaySeedsPrefixesAndBitFlips(
      {"abc", std::string(10, 'x')}, 5, "\x01", [&](const std::string& in) { seen.push_back(in); });
  // "abc" + its 3 prefixes, the long seed alone, 8 flips of one byte.
  EXPECT_EQ(runs, 4u + 1u + 8u);
  ASSERT_EQ(seen.size(), runs);
  EXPECT_EQ(seen[1], "");
  EXPECT_EQ(seen[3], "ab");
  EXPECT_EQ(seen[5], std::string("\x00", 1));  // bit 0 of 0x01 flipped
  EXPECT_EQ(seen.back(), "\x81");
}

TEST(ReplayMutations, IsSeededAndChangesItsInputs) {
  const std::vector<std::string> seeds = {"0123456789abcdef", "the quick brown fox"};
  std::vector<std::string> a, b;
  ReplayMutations(seeds, 42, 200, [&](const std::string& in) { a.push_back(in); });
  ReplayMutations(seeds, 42, 200, [&](const std::string& in) { b.push_back(in); });
  EXPECT_EQ(a, b);
  size_t changed = 0;
  for (const std::string& in : a) changed += (in != seeds[0] && in != seeds[1]);
  EXPECT_GT(changed, 150u);
  EXPECT_GT(std::set<std::string>(a.begin(), a.end()).size(), 100u);
}

}  // namespace
}  // namespace raftlog::util
