#include "versions/api/mem_env.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace raftlog::api {
namespace {

TEST(MemFileSystem, UnsyncedDataIsLostOnCrash) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.Append("log", "abc").ok());
  ASSERT_TRUE(fs.Sync("log").ok());
  ASSERT_TRUE(fs.Append("log", "def").ok());
  ASSERT_TRUE(fs.Write("never_synced", "x").ok());
  EXPECT_EQ(*fs.Read("log"), "abcdef");
  fs.Crash();
  EXPECT_EQ(*fs.Read("log"), "abc");
  EXPECT_EQ(fs.Read("never_synced").status().code(), absl::StatusCode::kNotFound);
}

TEST(MemFileSystem, TornAppendKeepsAPrefix) {
  SeededRandom random(7);
  bool saw_partial = false;
  for (int i = 0; i < 50; ++i) {
    MemFileSystem fs;
    ASSERT_TRUE(fs.Append("log", "base").ok());
    ASSERT_TRUE(fs.Sync("log").ok());
    ASSERT_TRUE(fs.Append("log", "0123456789").ok());
    fs.Crash(&random, /*tear=*/true);
    std::string got = *fs.Read("log");
    ASSERT_EQ(got.substr(0, 4), "base");
    ASSERT_EQ(got, std::string("base0123456789").substr(0, got.size()));
    if (got.size() > 4 && got.size() < 14) saw_partial = true;
  }
  EXPECT_TRUE(saw_partial);
}

TEST(MemFileSystem, WriteSyncRenamePublishesWholeFile) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.Write("state", "old").ok());
  ASSERT_TRUE(fs.Sync("state").ok());
  ASSERT_TRUE(fs.Write("state.tmp", "new").ok());
  ASSERT_TRUE(fs.Sync("state.tmp").ok());
  ASSERT_TRUE(fs.Rename("state.tmp", "state").ok());
  fs.Crash();
  EXPECT_EQ(*fs.Read("state"), "new");
  EXPECT_EQ(fs.Read("state.tmp").status().code(), absl::StatusCode::kNotFound);
}

TEST(MemFileSystem, ListIsSortedByPrefix) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.Write("log/2", "").ok());
  ASSERT_TRUE(fs.Write("log/1", "").ok());
  ASSERT_TRUE(fs.Write("snap/1", "").ok());
  EXPECT_EQ(*fs.List("log/"), (std::vector<std::string>{"log/1", "log/2"}));
}

// ForEachFile(after_crash) shows exactly what a crash without tearing
// leaves, without changing anything.
TEST(MemFileSystem, ForEachFileShowsNowAndAfterACrash) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.Write("a", "synced").ok());
  ASSERT_TRUE(fs.Sync("a").ok());
  ASSERT_TRUE(fs.Append("a", "+more").ok());
  ASSERT_TRUE(fs.Write("b", "never synced").ok());
  auto collect = [&](const MemFileSystem& f, bool after_crash) {
    std::vector<std::string> out;
    f.ForEachFile(after_crash, [&](absl::string_view path, absl::string_view data) {
      out.push_back(std::string(path) + "=" + std::string(data));
    });
    return out;
  };
  EXPECT_EQ(collect(fs, false), (std::vector<std::string>{"a=synced+more", "b=never synced"}));
  EXPECT_EQ(collect(fs, true), (std::vector<std::string>{"a=synced"}));
  MemFileSystem crashed = fs;
  crashed.Crash();
  EXPECT_EQ(collect(crashed, false), collect(fs, true));
  EXPECT_EQ(collect(fs, false).size(), 2u);  // unchanged
}

TEST(SeededRandom, SameSeedSameSequence) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
}

}  // namespace
}  // namespace raftlog::api
