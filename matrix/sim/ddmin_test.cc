#include "matrix/sim/ddmin.h"

#include <algorithm>
#include <numeric>

#include "gtest/gtest.h"

namespace raftlog::sim {
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

TEST(Ddmin, TheResultIsOneMinimal) {
  // Fails while it holds any two of {5, 9, 17}: no single item of the result
  // can go, whichever pair ddmin settles on.
  auto fails = [](const std::vector<size_t>& c) {
    return Holds(c, 5) + Holds(c, 9) + Holds(c, 17) >= 2;
  };
  std::vector<size_t> out = DdminComplements(Iota(30), [] { return true; }, fails);
  ASSERT_EQ(out.size(), 2u);
  for (size_t i = 0; i < out.size(); ++i) {
    std::vector<size_t> less = out;
    less.erase(less.begin() + i);
    EXPECT_FALSE(fails(less));
  }
}

TEST(Ddmin, NothingToRemoveKeepsEverything) {
  std::vector<size_t> out = DdminComplements(
      Iota(5), [] { return true; }, [](const std::vector<size_t>& c) { return c.size() == 5; });
  EXPECT_EQ(out, Iota(5));
}

}  // namespace
}  // namespace raftlog::sim
