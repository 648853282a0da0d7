#include "golden/diff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace raftlog::golden {
namespace {

TEST(DiffTest, EqualTextsGiveNothing) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(DiffTest, OneChangedLineWithContext) {
  const std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const std::string b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(a, b, "old", "new", 2),
            "--- old\n+++ new\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+FIVE\n 6\n 7\n");
}

TEST(DiffTest, FarApartChangesMakeTwoHunks) {
  std::string a, b;
  for (int i = 0; i < 30; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 25 ? "x" : std::to_string(i)) + "\n";
  }
  const std::string d = UnifiedDiff(a, b, "old", "new", 1);
  EXPECT_EQ(d,
            "--- old\n+++ new\n@@ -2,3 +2,3 @@\n 1\n-2\n+x\n 3\n"
            "@@ -25,3 +25,3 @@\n 24\n-25\n+x\n 26\n");
}

TEST(DiffTest, InsertionsAndDeletionsAtTheEnds) {
  EXPECT_EQ(UnifiedDiff("a\n", "z\na\nb\n", "o", "n", 3), "--- o\n+++ n\n@@ -1,1 +1,3 @@\n+z\n a\n+b\n");
  EXPECT_EQ(UnifiedDiff("a\nb\n", "", "o", "n", 3), "--- o\n+++ n\n@@ -1,2 +1,0 @@\n-a\n-b\n");
}

}  // namespace
}  // namespace raftlog::golden
