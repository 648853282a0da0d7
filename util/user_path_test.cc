#include "util/user_path.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace raftlog::util {
namespace {

TEST(Paths, RelativePathsResolveAgainstTheStartingDirectory) {
  EXPECT_EQ(ResolveAgainst("matrix-report", "/home/u/ws"), "/home/u/ws/matrix-report");
  EXPECT_EQ(ResolveAgainst("out", "/w/"), "/w/out");
  EXPECT_EQ(ResolveAgainst("/abs/out", "/w"), "/abs/out");
  EXPECT_EQ(ResolveAgainst("out", ""), "out");
  EXPECT_EQ(ResolveAgainst("", "/w"), "");
}

TEST(Paths, ResolveUserPathReadsBuildWorkingDirectory) {
  ASSERT_EQ(setenv("BUILD_WORKING_DIRECTORY", "/from/here", 1), 0);
  EXPECT_EQ(ResolveUserPath("a.snap"), "/from/here/a.snap");
  EXPECT_EQ(ResolveUserPath("/abs.snap"), "/abs.snap");
  ASSERT_EQ(unsetenv("BUILD_WORKING_DIRECTORY"), 0);
  EXPECT_EQ(ResolveUserPath("a.snap"), "a.snap");
  setenv("BUILD_WORKING_DIRECTORY", "/home/me/repo", 1);
  EXPECT_EQ(ResolveUserPath("out/h.edn"), "/home/me/repo/out/h.edn");
  EXPECT_EQ(ResolveUserPath("/abs/h.edn"), "/abs/h.edn");
  unsetenv("BUILD_WORKING_DIRECTORY");
}

}  // namespace
}  // namespace raftlog::util
