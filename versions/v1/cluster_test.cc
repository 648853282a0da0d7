// Whole-cluster scenarios of release v1, driven through the harness ABI (the
// v1 adapter) on the test pump.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v1/test_util.h"

namespace raftlog::v1 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v1::testing;  // NOLINT

TEST(Cluster, ElectsALeaderAndServesReadsAndWrites) {
  Pump p = MakePump({1, 2, 3}, 1);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  std::optional<api::Reply> put = p.SubmitToLeader(Put(1, 1, "k", "v"), 100);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(put->status.ok()) << put->status;
  EXPECT_GT(put->index, 1u);
  std::optional<api::Reply> get = p.SubmitToLeader(Get(1, 2, "k"), 100);
  ASSERT_TRUE(get.has_value());
  EXPECT_TRUE(get->found);
  EXPECT_EQ(get->value, "v");
  p.Steps(3);
  api::ProtocolState ls = p.node(leader)->State();
  for (NodeId id : {1, 2, 3}) {
    api::ProtocolState s = p.node(id)->State();
    EXPECT_EQ(s.applied_index, ls.applied_index) << id;
    EXPECT_EQ(s.kv_digest, ls.kv_digest) << id;
    EXPECT_EQ(s.leader, leader);
    EXPECT_EQ(s.config.voters, (std::vector<NodeId>{1, 2, 3}));
  }
  // A follower refuses with a hint.
  NodeId follower = leader == 1 ? 2 : 1;
  std::optional<api::Reply> nl = p.Submit(follower, Put(2, 1, "x", "y"), 0);
  ASSERT_TRUE(nl.has_value());
  EXPECT_EQ(nl->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(nl->leader_hint, leader);
  EXPECT_EQ(nl->hint_term, ls.term);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
  EXPECT_TRUE(p.deliver_errors().empty());
}

}  // namespace
}  // namespace raftlog::v1
