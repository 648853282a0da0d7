#include "matrix/runner/shrink.h"

#include <algorithm>
#include <numeric>

#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

std::vector<size_t> Iota(size_t n) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

bool Holds(const std::vector<size_t>& v, size_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(Ddmin, FindsTheTwoEventsThatMatter) {
  int calls = 0;
  std::vector<size_t> out = DdminComplements(
      Iota(40), [] { return true; },
      [&](const std::vector<size_t>& c) {
        ++calls;
        return Holds(c, 3) && Holds(c, 31);
      });
  EXPECT_EQ(out, (std::vector<size_t>{3, 31}));
  EXPECT_GT(calls, 0);
}

TEST(Ddmin, StopsWhenTheBudgetIsSpent) {
  int calls = 0;
  std::vector<size_t> out = DdminComplements(
      Iota(40), [&] { return calls < 3; },
      [&](const std::vector<size_t>& c) {
        ++calls;
        return Holds(c, 3) && Holds(c, 31);
      });
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(Holds(out, 3) && Holds(out, 31));
  EXPECT_GT(out.size(), 2u);  // not finished
}

TEST(Ddmin, NothingToRemoveKeepsEverything) {
  std::vector<size_t> out = DdminComplements(
      Iota(5), [] { return true; }, [](const std::vector<size_t>& c) { return c.size() == 5; });
  EXPECT_EQ(out, Iota(5));
}

}  // namespace
}  // namespace raftlog::runner
