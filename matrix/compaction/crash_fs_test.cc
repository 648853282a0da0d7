#include "matrix/compaction/crash_fs.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "snapshots/preamble.h"
#include "versions/api/mem_env.h"

namespace raftlog::compaction {
namespace {

using ::testing::HasSubstr;

std::string SnapshotBytes() {
  std::string s;
  snapshots::AppendPreamble(1, &s);
  return s + "body";
}

TEST(CrashFsTest, ForwardsAndNumbersEveryOperation) {
  api::MemFileSystem mem;
  CrashFs fs(&mem);
  std::vector<FsOpRecord> seen;
  fs.SetObserver([&](const FsOpRecord& r) { seen.push_back(r); });
  ASSERT_TRUE(fs.Write("a", "1").ok());
  ASSERT_TRUE(fs.Append("a", "2").ok());
  ASSERT_TRUE(fs.Sync("a").ok());
  EXPECT_EQ(*fs.Read("a"), "12");
  ASSERT_TRUE(fs.Rename("a", "b").ok());
  EXPECT_EQ(fs.List("")->size(), 1u);
  ASSERT_TRUE(fs.Delete("b").ok());
  EXPECT_EQ(fs.Delete("b").code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(seen.size(), 8u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].seq, i + 1);
  EXPECT_EQ(seen[4].op, FsOp::kRename);
  EXPECT_EQ(seen[4].to, "b");
  EXPECT_FALSE(seen[7].ok);
  EXPECT_EQ(fs.ops(), 8u);
  EXPECT_TRUE(mem.List("")->empty());
}

TEST(CrashFsTest, SeesSnapshotWritesAndPublishes) {
  api::MemFileSystem mem;
  CrashFs fs(&mem);
  std::vector<FsOpRecord> seen;
  fs.SetObserver([&](const FsOpRecord& r) { seen.push_back(r); });
  ASSERT_TRUE(fs.Write("tmp/s", SnapshotBytes()).ok());
  ASSERT_TRUE(fs.Sync("tmp/s").ok());
  ASSERT_TRUE(fs.Rename("tmp/s", "snap/1").ok());
  ASSERT_TRUE(fs.Write("log/1", "not a snapshot").ok());
  ASSERT_TRUE(fs.Rename("log/1", "log/2").ok());
  ASSERT_TRUE(fs.Append("c", SnapshotBytes()).ok());   // starts a file: a snapshot's start
  ASSERT_TRUE(fs.Append("c", SnapshotBytes()).ok());   // continues one: not a start
  EXPECT_TRUE(seen[0].snapshot_data);
  EXPECT_TRUE(seen[2].publishes_snapshot);
  EXPECT_FALSE(seen[3].snapshot_data);
  EXPECT_FALSE(seen[4].publishes_snapshot);
  EXPECT_TRUE(seen[5].snapshot_data);
  EXPECT_FALSE(seen[6].snapshot_data);
  EXPECT_THAT(seen[2].Describe(), HasSubstr("publishes a snapshot"));
  EXPECT_TRUE(ContainsSnapshotMagic("xx" + SnapshotBytes()));
  EXPECT_FALSE(StartsWithSnapshotMagic("xx" + SnapshotBytes()));
}

// After the chosen operation nothing reaches the disk; the base's crash then
// loses what was not synced.
TEST(CrashFsTest, CrashAfterAnOperationStopsEverythingAfterIt) {
  api::MemFileSystem mem;
  CrashFs fs(&mem);
  fs.CrashAfter(2);
  ASSERT_TRUE(fs.Write("tmp/s", SnapshotBytes()).ok());  // 1
  ASSERT_TRUE(fs.Write("x", "unsynced").ok());           // 2: crash after this one
  EXPECT_TRUE(fs.crashed());
  EXPECT_EQ(fs.crash_point().seq, 2u);
  absl::Status s = fs.Sync("tmp/s");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), HasSubstr("#2 write x"));
  EXPECT_EQ(fs.Rename("tmp/s", "snap/1").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fs.Read("x").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fs.ops(), 2u);  // refused calls are not numbered
  EXPECT_FALSE(mem.Read("snap/1").ok());
  mem.Crash();
  EXPECT_TRUE(mem.List("")->empty());  // nothing was synced
  fs.Revive();
  EXPECT_FALSE(fs.crashed());
  EXPECT_TRUE(fs.Write("y", "1").ok());
  EXPECT_EQ(fs.ops(), 3u);
}

TEST(CrashFsTest, LyingSyncLosesDataOnCrash) {
  api::MemFileSystem mem;
  CrashFs fs(&mem);
  fs.SetLyingSync(true);
  ASSERT_TRUE(fs.Write("a", "1").ok());
  ASSERT_TRUE(fs.Sync("a").ok());
  mem.Crash();
  EXPECT_FALSE(mem.Read("a").ok());
  fs.SetLyingSync(false);
  ASSERT_TRUE(fs.Write("a", "1").ok());
  ASSERT_TRUE(fs.Sync("a").ok());
  mem.Crash();
  EXPECT_EQ(*mem.Read("a"), "1");
}

}  // namespace
}  // namespace raftlog::compaction
