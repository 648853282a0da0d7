#include "matrix/check/membership_durability.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::check {
namespace {

api::Request Add(api::NodeId target, api::Op op = api::Op::kAddVoter) {
  api::Request r;
  r.op = op;
  r.target = target;
  return r;
}
api::Reply Ok(uint64_t index) {
  api::Reply r;
  r.index = index;
  return r;
}

class MembershipDurabilityTest : public ::testing::Test {
 protected:
  void Step(api::NodeId id, uint64_t config_index, std::vector<api::NodeId> voters,
            std::vector<api::NodeId> learners = {}) {
    state_.id = id;
    state_.config_index = config_index;
    state_.commit_index = std::max(config_index, commit_floor_);
    state_.config.voters = std::move(voters);
    state_.config.learners = std::move(learners);
    check::NodeStep s;
    s.time_us = ++now_;
    s.id = id;
    s.tag = "vX";
    s.state = &state_;
    checker_.OnStep(s);
  }
  MembershipDurability checker_;
  api::ProtocolState state_;
  uint64_t commit_floor_ = 0;
  uint64_t now_ = 0;
};

TEST_F(MembershipDurabilityTest, AnAcknowledgedAdditionThatStaysIsFine) {
  checker_.OnAdminReply(1, Add(4), Ok(10));
  Step(1, 9, {1, 2, 3});          // older configuration: not judged
  Step(1, 10, {1, 2, 3, 4});
  Step(2, 12, {1, 2, 3, 4, 5});   // a later change keeps n4
  Step(3, 13, {1, 2, 3, 5}, {4}); // n4 as a learner still counts as a member
  EXPECT_EQ(checker_.violation_count(), 0u);
}

TEST_F(MembershipDurabilityTest, ASecondChangeThatDropsTheFirstIsCaught) {
  checker_.OnAdminReply(1, Add(4), Ok(10));
  checker_.OnAdminReply(2, Add(5), Ok(11));
  Step(2, 11, {1, 2, 3, 5});  // computed from {1,2,3}: n4 is gone
  ASSERT_EQ(checker_.violation_count(), 1u);
  EXPECT_TRUE(absl::StrContains(checker_.violations()[0].message,
                                "n4's addition was acknowledged at index 10"))
      << checker_.violations()[0].message;
  Step(3, 11, {1, 2, 3, 5});  // reported once per member
  EXPECT_EQ(checker_.violation_count(), 1u);
}

TEST_F(MembershipDurabilityTest, ARemovalAskedForEndsTheWatch) {
  checker_.OnAdminReply(1, Add(4), Ok(10));
  api::Request remove = Add(4, api::Op::kRemoveVoter);
  api::Reply refused = Ok(0);
  refused.status = absl::UnavailableError("busy");
  checker_.OnAdminReply(2, remove, refused);  // asked, even if refused for now
  Step(1, 14, {1, 2, 3});
  EXPECT_EQ(checker_.violation_count(), 0u);
  checker_.OnAdminReply(3, Add(4), Ok(15));  // not watched again after a removal
  Step(1, 16, {1, 2, 3});
  EXPECT_EQ(checker_.violation_count(), 0u);
}

// A leader cut off with its own uncommitted change at the index where the new
// leader's acknowledged change landed: divergent, not yet overwritten.
TEST_F(MembershipDurabilityTest, AnUncommittedDivergentConfigurationIsNotJudged) {
  checker_.OnAdminReply(1, Add(8), Ok(30));
  state_ = api::ProtocolState();
  state_.id = 1;
  state_.config_index = 30;
  state_.commit_index = 29;
  state_.config.voters = {1, 2, 3, 7};
  check::NodeStep s;
  s.time_us = 5;
  s.id = 1;
  s.tag = "vX";
  s.state = &state_;
  checker_.OnStep(s);
  EXPECT_EQ(checker_.violation_count(), 0u);
  state_.commit_index = 30;  // had it committed that entry, it would be the cluster's
  checker_.OnStep(s);
  EXPECT_EQ(checker_.violation_count(), 1u);
}

TEST_F(MembershipDurabilityTest, RefusedAdditionsAreNotWatched) {
  api::Reply refused = Ok(0);
  refused.status = absl::UnavailableError("a change is in flight");
  checker_.OnAdminReply(1, Add(4), refused);
  Step(1, 20, {1, 2, 3});
  EXPECT_EQ(checker_.violation_count(), 0u);
}

}  // namespace
}  // namespace raftlog::check
