#include "wire/minver/snapshot.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "snapshots/codec.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format2/format2.h"
#include "snapshots/preamble.h"
#include "snapshots/state.h"

namespace raftlog::wire::minver {
namespace {

using ::testing::HasSubstr;

std::string Format1Snapshot() {
  snapshots::SnapshotState state;
  state.last_index = 10;
  state.last_term = 2;
  state.voters = {1, 2, 3};
  state.config_index = 1;
  state.kv = {{"a", "1"}, {"b", "2"}};
  snapshots::Session session;
  session.client_id = 7;
  session.last_sequence = 3;
  session.last_index = 9;
  state.sessions = {session};
  absl::StatusOr<std::string> bytes = snapshots::format1::Encode(state);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

std::string Preamble(uint32_t format) {
  std::string bytes;
  snapshots::AppendPreamble(format, &bytes);
  return bytes;
}

TEST(Snapshot, Format1NeedsV1) {
  absl::StatusOr<MinRelease> min = MinReleaseForSnapshot(Format1Snapshot());
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 1u);
  EXPECT_EQ(min->element, "snapshot format 1 (first read by v1)");
  EXPECT_EQ(min->where, "snapshot preamble");
  EXPECT_TRUE(min->complete);
}

// A format-2 preamble alone: the format needs v2 whatever follows, but the
// recorded cluster version cannot be read (no decoder linked, or the linked
// decoder refuses the torn file), so v2 is a lower bound.
TEST(Snapshot, SyntheticFormat2PreambleNeedsV2) {
  absl::StatusOr<MinRelease> min = MinReleaseForSnapshot(Preamble(2) + std::string(64, '\0'));
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_THAT(min->element, HasSubstr("snapshot format 2 (first read by v2"));
  EXPECT_FALSE(min->complete);
  EXPECT_THAT(min->note, HasSubstr("the cluster version recorded in the snapshot is unread ("));
  EXPECT_THAT(min->note, HasSubstr("v2 is a lower bound"));
}

// A real format 2 file: its recorded cluster version is read through the
// dispatcher once snapshots/codec links the format 2 decoder.
TEST(Snapshot, EncodedFormat2RecordsItsClusterVersion) {
  snapshots::SnapshotState state;
  state.last_index = 10;
  state.last_term = 2;
  state.voters = {1, 2, 3};
  state.learners = {4};
  state.cluster_version = 3;
  state.kv = {{"a", "1"}};
  absl::StatusOr<std::string> bytes = snapshots::format2::Encode(state);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<MinRelease> min = MinReleaseForSnapshot(*bytes);
  ASSERT_TRUE(min.ok()) << min.status();
  if (!snapshots::FindFormat(2)->decoder_linked) {
    EXPECT_EQ(min->release, 2u);
    EXPECT_FALSE(min->complete);
    return;
  }
  EXPECT_TRUE(min->complete) << min->note;
  EXPECT_EQ(min->release, 3u);
  EXPECT_EQ(min->element, "cluster version 3 recorded in the snapshot");

  state.cluster_version = 2;
  bytes = snapshots::format2::Encode(state);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  min = MinReleaseForSnapshot(*bytes);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_TRUE(min->complete);
  EXPECT_EQ(min->release, 2u);
  EXPECT_THAT(min->element, HasSubstr("snapshot format 2"));
}

TEST(Snapshot, RecordedClusterVersionRaisesTheMinimum) {
  // A reader standing in for a format 2 decoder.
  auto records = [](uint32_t version) {
    return [version](uint32_t format, absl::string_view) -> absl::StatusOr<RecordedClusterVersion> {
      EXPECT_EQ(format, 2u);
      RecordedClusterVersion recorded;
      recorded.version = version;
      return recorded;
    };
  };
  absl::StatusOr<MinRelease> v2 = MinReleaseForSnapshot(Preamble(2), records(2));
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->release, 2u);
  EXPECT_TRUE(v2->complete);
  EXPECT_THAT(v2->element, HasSubstr("snapshot format 2"));  // first on a tie

  absl::StatusOr<MinRelease> v3 = MinReleaseForSnapshot(Preamble(2), records(3));
  ASSERT_TRUE(v3.ok()) << v3.status();
  EXPECT_EQ(v3->release, 3u);
  EXPECT_EQ(v3->element, "cluster version 3 recorded in the snapshot");
  EXPECT_EQ(v3->where, "snapshot head");

  EXPECT_EQ(MinReleaseForSnapshot(Preamble(2), records(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Snapshot, ReaderErrorsPropagate) {
  auto corrupt = [](uint32_t, absl::string_view) -> absl::StatusOr<RecordedClusterVersion> {
    return absl::DataLossError("head checksum mismatch");
  };
  EXPECT_EQ(MinReleaseForSnapshot(Preamble(2), corrupt).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Snapshot, Format3PreambleNeedsV3) {
  absl::StatusOr<MinRelease> min = MinReleaseForSnapshot(Preamble(3));
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 3u);
  EXPECT_FALSE(min->complete);
}

TEST(Snapshot, BadInput) {
  EXPECT_EQ(MinReleaseForSnapshot("not a snapshot at all").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MinReleaseForSnapshot("RLSNAP").status().code(), absl::StatusCode::kDataLoss);
  absl::StatusOr<MinRelease> unknown = MinReleaseForSnapshot(Preamble(42));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(unknown.status().message(), HasSubstr("snapshot format 42"));
  EXPECT_EQ(MinReleaseForSnapshot(Preamble(0)).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(Snapshot, Format1BodyIsNotDecoded) {
  // Format 1 implies cluster version 1 (FORMAT.md): the body is not decoded,
  // so the minimum of a damaged file is still v1.
  std::string bytes = Format1Snapshot();
  bytes[bytes.size() - 1] ^= 1;
  absl::StatusOr<MinRelease> min = MinReleaseForSnapshot(bytes);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 1u);
}

}  // namespace
}  // namespace raftlog::wire::minver
