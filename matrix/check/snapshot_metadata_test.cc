#include "matrix/check/snapshot_metadata.h"

#include "gtest/gtest.h"
#include "snapshots/format3/constants.h"
#include "snapshots/format3/format3.h"

namespace raftlog::check {
namespace {

snapshots::SnapshotState State(const std::string& history) {
  snapshots::SnapshotState st;
  st.last_index = 12;
  st.last_term = 2;
  st.voters = {1, 2, 3};
  st.config_index = 1;
  st.cluster_version = 3;
  st.kv["k"] = "v";
  st.metadata[snapshots::format3::kMetaWriter] = "v3";
  st.metadata[snapshots::format3::kMetaCreatedAtIndex] = "12";
  st.metadata[SnapshotMetadata::kHistoryKey] = history;
  return st;
}

// Encodes `st` in format 3 and hands it to the checker as node 1's file.
void Feed(SnapshotMetadata& c, const snapshots::SnapshotState& st,
          const std::string& path = "snap/00000000000000000012") {
  absl::StatusOr<std::string> bytes = snapshots::format3::Encode(st);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  api::ProtocolState ps;
  ps.snapshot_index = 12;
  ps.snapshot_format = 3;
  c.OnSnapshotFile(SnapshotFile{5, 1, "v3", &ps, path, *bytes});
}

TEST(SnapshotMetadata, AWellFormedFormat3FileIsFine) {
  SnapshotMetadata c;
  Feed(c, State("0:1,4:2,9:3"));
  EXPECT_EQ(c.violation_count(), 0u) << c.violations()[0].message;
  EXPECT_EQ(c.files_judged(), 1u);
}

TEST(SnapshotMetadata, AnEmptyHistoryIsAViolation) {
  SnapshotMetadata c;
  Feed(c, State(""));
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find(
                "node 1 (v3, snapshot index 12, format 3) holds snap/00000000000000000012"),
            std::string::npos)
      << c.violations()[0].message;
  EXPECT_NE(c.violations()[0].message.find("the cluster-version history is empty"),
            std::string::npos);
}

TEST(SnapshotMetadata, WrongIndexOrFileNameIsAViolation) {
  SnapshotMetadata c;
  snapshots::SnapshotState st = State("0:1,9:3");
  st.metadata[snapshots::format3::kMetaCreatedAtIndex] = "11";
  Feed(c, st);
  Feed(c, State("0:1,9:3"), "snap/00000000000000000013");
  ASSERT_EQ(c.violation_count(), 2u);
  EXPECT_NE(c.violations()[0].message.find("created_at_index is '11'"), std::string::npos);
  EXPECT_NE(c.violations()[1].message.find("named for index 13"), std::string::npos);
}

TEST(SnapshotMetadata, AFileThatDoesNotDecodeIsAViolation) {
  SnapshotMetadata c;
  api::ProtocolState ps;
  c.OnSnapshotFile(SnapshotFile{5, 2, "v3", &ps, "snap/00000000000000000012", "garbage"});
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(SnapshotMetadata, HistoryRules) {
  EXPECT_TRUE(SnapshotMetadata::CheckHistory("0:1", 1).ok());
  EXPECT_TRUE(SnapshotMetadata::CheckHistory("0:1,5:3,8:2:downgrade", 2).ok());
  // A node installed from a format-2 snapshot at 366 knows nothing earlier.
  EXPECT_TRUE(SnapshotMetadata::CheckHistory("366:1,400:2", 2).ok());
  for (const auto& [history, cv] : std::vector<std::pair<std::string, uint32_t>>{
           {"", 1}, {"0:1,5:3", 2}, {"0:1,5:3,4:2", 2},
           {"0:1,x:2", 2}, {"0:1,5:0", 1}, {"0:1,5:2:up", 2}}) {
    EXPECT_FALSE(SnapshotMetadata::CheckHistory(history, cv).ok()) << history;
  }
}

}  // namespace
}  // namespace raftlog::check
