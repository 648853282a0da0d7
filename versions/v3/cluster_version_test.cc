// The cluster-version leaf: protocol ranges from the wire, the history, and
// the finalize / downgrade decisions with every kind of member report.
#include "versions/v3/cluster_version.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace raftlog::v3 {
namespace {

const ProtocolRange kV1{1, 1};
const ProtocolRange kV2{1, 2};

TEST(ClusterVersion, AbsentReportFieldsMeanAV1Node) {
  EXPECT_EQ(RangeFromWire(0, 0), kV1);
  EXPECT_EQ(RangeFromWire(1, 2), kV2);
  EXPECT_EQ(RangeFromWire(3, 1), (ProtocolRange{3, 3}));
}

TEST(ClusterVersion, HistoryKeepsIndexAndVersion) {
  ClusterVersionHistory h;
  EXPECT_EQ(h.current(), 1u);
  EXPECT_EQ(h.last_index(), 0u);
  h.Apply(7, 2, false);
  h.Apply(12, 1, true);
  EXPECT_EQ(h.current(), 1u);
  EXPECT_TRUE(h.downgraded());
  ASSERT_EQ(h.history().size(), 2u);
  EXPECT_EQ(h.history()[0], (VersionChange{7, 2, false, false}));
  EXPECT_EQ(h.last_index(), 12u);
  h.Reset(20, 2);
  EXPECT_EQ(h.current(), 2u);
  EXPECT_FALSE(h.downgraded());
  EXPECT_TRUE(h.history()[0].from_snapshot);
}

TEST(ClusterVersion, FinalizeNeedsEveryMember) {
  // Node 3 runs v1 (reported 1..1), node 4 never answered.
  MemberReports mixed = {{1, kV2}, {2, kV2}, {3, kV1}};
  absl::StatusOr<uint32_t> t = FinalizeTarget(0, 1, mixed);
  ASSERT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("3: 1..1"), absl::string_view::npos) << t.status();
  EXPECT_EQ(t.status().message().find("2: "), absl::string_view::npos) << t.status();
  t = FinalizeTarget(2, 1, mixed);
  ASSERT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("3: 1..1"), absl::string_view::npos) << t.status();

  MemberReports silent = {{1, kV2}, {2, kV2}, {4, std::nullopt}};
  t = FinalizeTarget(0, 1, silent);
  ASSERT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("4: never reported"), absl::string_view::npos)
      << t.status();

  MemberReports all = {{1, kV2}, {2, kV2}, {3, kV2}};
  EXPECT_EQ(*FinalizeTarget(0, 1, all), 2u);
  EXPECT_EQ(*FinalizeTarget(2, 1, all), 2u);
  // Already there: nothing to do.
  EXPECT_EQ(*FinalizeTarget(0, 2, all), 2u);
  EXPECT_EQ(*FinalizeTarget(2, 2, all), 2u);
  // Beyond what anyone speaks, and below the current version.
  EXPECT_EQ(FinalizeTarget(3, 2, all).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FinalizeTarget(1, 2, all).status().code(), absl::StatusCode::kInvalidArgument);
  // An all-v1 view: nobody speaks more, version 0 is a no-op.
  EXPECT_EQ(*FinalizeTarget(0, 1, {{1, kV1}, {2, kV1}}), 1u);
}

TEST(ClusterVersion, DowngradeNeedsAVersionEveryMemberSpeaks) {
  MemberReports all = {{1, kV2}, {2, kV2}};
  EXPECT_EQ(*DowngradeTarget(1, 2, all), 1u);
  EXPECT_EQ(*DowngradeTarget(1, 1, all), 1u);  // already there
  EXPECT_EQ(DowngradeTarget(0, 2, all).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DowngradeTarget(2, 1, all).status().code(), absl::StatusCode::kInvalidArgument);
  MemberReports v3_only = {{1, kV2}, {2, ProtocolRange{2, 3}}};
  absl::StatusOr<uint32_t> t = DowngradeTarget(1, 2, v3_only);
  ASSERT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("2: 2..3"), absl::string_view::npos) << t.status();
}

// v3: one version at a time; 3 -> 2 needs every member to speak 2.
TEST(ClusterVersion, DowngradeGoesOneVersionAtATime) {
  const ProtocolRange v3{1, 3};
  MemberReports all = {{1, v3}, {2, v3}, {3, kV2}};
  EXPECT_EQ(*DowngradeTarget(2, 3, all), 2u);
  absl::StatusOr<uint32_t> t = DowngradeTarget(1, 3, all);
  ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("downgrade to 2 first"), absl::string_view::npos)
      << t.status();
  MemberReports only3 = {{1, v3}, {2, ProtocolRange{3, 3}}};
  EXPECT_EQ(DowngradeTarget(2, 3, only3).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace raftlog::v3
