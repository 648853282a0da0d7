#include "matrix/check/checker_set.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(CheckerSet, SeparatesSafetyFromLiveness) {
  CheckerOptions o;
  o.liveness_bound_us = 100;
  CheckerSet set(o);
  EXPECT_NE(set.Find("election_safety"), nullptr);
  EXPECT_NE(set.Find("log_matching"), nullptr);
  EXPECT_NE(set.Find("leader_completeness"), nullptr);
  EXPECT_NE(set.Find("state_machine_safety"), nullptr);
  EXPECT_NE(set.Find("durability"), nullptr);
  EXPECT_NE(set.Find("config_safety"), nullptr);
  EXPECT_NE(set.Find("liveness"), nullptr);
  EXPECT_NE(set.Find("commitment"), nullptr);
  EXPECT_NE(set.Find("config_agreement"), nullptr);
  EXPECT_NE(set.Find("log_shortening"), nullptr);
  EXPECT_NE(set.Find("read_leadership"), nullptr);
  FakeNode a(1), b(2);
  a.Role(api::Role::kLeader, 1).Step(set, 1);
  EXPECT_EQ(set.safety_violations(), 0u);
  b.Role(api::Role::kLeader, 1).Step(set, 2);
  set.OnHealed(3);
  set.Finish(1000);
  EXPECT_EQ(set.safety_violations(), 1u);
  EXPECT_EQ(set.liveness_violations(), 1u);
  auto v = set.Violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_FALSE(v[0].liveness);
  EXPECT_TRUE(v[1].liveness);
  EXPECT_NE(set.Verdicts().find("election_safety: 1 violation(s)"), std::string::npos);
  EXPECT_NE(ViolationString(v[0]).find("SAFETY election_safety @2us"), std::string::npos);
}

TEST(CheckerSet, ForwardsRequestsAndReplies) {
  CheckerSet set;
  FakeNode a(1), b(2);
  a.log.Terms({1});
  a.state.commit_index = 1;
  a.Role(api::Role::kLeader, 1).Step(set, 1);
  b.log.Terms({1, 2});
  b.state.commit_index = 2;
  b.Role(api::Role::kLeader, 2).Step(set, 2);
  api::Request get;
  get.client_id = 7;
  get.sequence = 1;
  get.op = api::Op::kGet;
  set.OnSubmit(3, 1, get);
  api::Reply reply;
  reply.client_id = 7;
  reply.sequence = 1;
  reply.index = 1;
  set.OnReply(ClientReply{4, 1, "v1", 1, api::Role::kLeader, &reply});
  EXPECT_EQ(set.Find("read_leadership")->violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check
