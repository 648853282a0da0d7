#include "versions/process/posix_env.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace raftlog::process {
namespace {

std::string TempRoot(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/" + name;
}

TEST(PosixFileSystemTest, WriteAppendReadListWithTheReleasesNames) {
  auto fs = PosixFileSystem::Open(TempRoot("basic/data"));
  ASSERT_TRUE(fs.ok()) << fs.status();
  ASSERT_TRUE((*fs)->Write("meta", "m1").ok());
  ASSERT_TRUE((*fs)->Append("log/000001", "ab").ok());
  ASSERT_TRUE((*fs)->Append("log/000001", "cd").ok());
  ASSERT_TRUE((*fs)->Append("log/000002", "x").ok());
  ASSERT_TRUE((*fs)->Sync("log/000001").ok());
  EXPECT_EQ(*(*fs)->Read("log/000001"), "abcd");
  ASSERT_TRUE((*fs)->Write("meta", "m2").ok());
  EXPECT_EQ(*(*fs)->Read("meta"), "m2");
  auto all = (*fs)->List("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<std::string>{"log/000001", "log/000002", "meta"}));
  EXPECT_EQ(*(*fs)->List("log/"), (std::vector<std::string>{"log/000001", "log/000002"}));
  EXPECT_EQ(*(*fs)->List("lo"), (std::vector<std::string>{"log/000001", "log/000002"}));
  EXPECT_TRUE((*fs)->List("zzz")->empty());
}

TEST(PosixFileSystemTest, RenameDeleteAndErrors) {
  auto fs = PosixFileSystem::Open(TempRoot("rename"));
  ASSERT_TRUE(fs.ok());
  ASSERT_TRUE((*fs)->Write("snap.tmp", "s").ok());
  ASSERT_TRUE((*fs)->Sync("snap.tmp").ok());
  ASSERT_TRUE((*fs)->Rename("snap.tmp", "snap/current").ok());
  EXPECT_EQ(*(*fs)->Read("snap/current"), "s");
  EXPECT_EQ((*fs)->Read("snap.tmp").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE((*fs)->Delete("snap/current").ok());
  EXPECT_EQ((*fs)->Delete("snap/current").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*fs)->Sync("never").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*fs)->Write("../escape", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*fs)->Write("/abs", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*fs)->Write("a//b", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_GT((*fs)->fsyncs(), 0u);
}

TEST(PosixFileSystemTest, ContentSurvivesReopening) {
  const std::string root = TempRoot("reopen");
  {
    auto fs = PosixFileSystem::Open(root);
    ASSERT_TRUE((*fs)->Append("wal", "entry1").ok());
    ASSERT_TRUE((*fs)->Sync("wal").ok());
  }
  auto fs = PosixFileSystem::Open(root);
  EXPECT_EQ(*(*fs)->Read("wal"), "entry1");
}

TEST(MonotonicClockTest, NeverGoesBack) {
  MonotonicClock clock;
  uint64_t a = clock.NowMicros();
  uint64_t b = clock.NowMicros();
  EXPECT_LE(a, b);
  EXPECT_GT(a, 0u);
}

}  // namespace
}  // namespace raftlog::process
