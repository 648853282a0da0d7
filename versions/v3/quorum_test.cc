// The quorum leaf: majority of one set, joint majority, committed index.
#include "versions/v3/quorum.h"

#include "gtest/gtest.h"

namespace raftlog::v3::quorum {
namespace {

TEST(Quorum, MajoritySize) {
  EXPECT_EQ(MajoritySize(0), 0u);
  EXPECT_EQ(MajoritySize(1), 1u);
  EXPECT_EQ(MajoritySize(2), 2u);
  EXPECT_EQ(MajoritySize(3), 2u);
  EXPECT_EQ(MajoritySize(4), 3u);
  EXPECT_EQ(MajoritySize(5), 3u);
}

TEST(Quorum, MajorityVoteOfOneSet) {
  const Ids v = {1, 2, 3};
  EXPECT_EQ(MajorityVote(v, {}), VoteResult::kPending);
  EXPECT_EQ(MajorityVote(v, {{1, true}}), VoteResult::kPending);
  EXPECT_EQ(MajorityVote(v, {{1, true}, {2, true}}), VoteResult::kWon);
  EXPECT_EQ(MajorityVote(v, {{1, true}, {2, false}}), VoteResult::kPending);
  EXPECT_EQ(MajorityVote(v, {{1, true}, {2, false}, {3, false}}), VoteResult::kLost);
  EXPECT_EQ(MajorityVote(v, {{2, false}, {3, false}}), VoteResult::kLost);
  // Votes of non-members count for nothing.
  EXPECT_EQ(MajorityVote(v, {{1, true}, {4, true}, {5, true}}), VoteResult::kPending);
  // An empty set never blocks.
  EXPECT_EQ(MajorityVote({}, {}), VoteResult::kWon);
  EXPECT_EQ(MajorityVote({7}, {{7, true}}), VoteResult::kWon);
}

TEST(Quorum, MajorityCommittedIsTheQuorumthHighest) {
  const Ids v = {1, 2, 3, 4, 5};
  EXPECT_EQ(MajorityCommitted(v, {}), 0u);
  EXPECT_EQ(MajorityCommitted(v, {{1, 9}, {2, 7}, {3, 5}, {4, 3}, {5, 1}}), 5u);
  EXPECT_EQ(MajorityCommitted(v, {{1, 9}, {2, 7}}), 0u);  // 3 absent: 0
  EXPECT_EQ(MajorityCommitted({1, 2, 3}, {{1, 9}, {2, 7}, {3, 8}}), 8u);
  EXPECT_EQ(MajorityCommitted({1}, {{1, 4}}), 4u);
  // Acks of non-members are ignored.
  EXPECT_EQ(MajorityCommitted({1, 2, 3}, {{1, 9}, {8, 9}, {9, 9}}), 0u);
  EXPECT_EQ(MajorityCommitted({}, {{1, 9}}), kNoConstraint);
}

TEST(Quorum, JointVoteNeedsBothMajorities) {
  const JointConfig c{{3, 4, 5}, {1, 2, 3}};
  ASSERT_TRUE(c.joint());
  // The old majority alone ({1,2}) and 3: old won, new has one of three.
  EXPECT_EQ(JointVote(c, {{1, true}, {2, true}, {3, true}}), VoteResult::kPending);
  EXPECT_EQ(JointVote(c, {{1, true}, {2, true}, {3, false}, {4, false}}), VoteResult::kLost);
  // The new majority alone is not enough either.
  EXPECT_EQ(JointVote(c, {{4, true}, {5, true}}), VoteResult::kPending);
  EXPECT_EQ(JointVote(c, {{4, true}, {5, true}, {1, false}, {2, false}}), VoteResult::kLost);
  // Both: {3,4} of the new, {1,3} of the old.
  EXPECT_EQ(JointVote(c, {{3, true}, {4, true}, {1, true}}), VoteResult::kWon);
  // Not joint: a plain majority.
  const JointConfig plain{{1, 2, 3}, {}};
  EXPECT_FALSE(plain.joint());
  EXPECT_EQ(JointVote(plain, {{1, true}, {2, true}}), VoteResult::kWon);
}

TEST(Quorum, JointCommittedIsTheSmallerHalf) {
  const JointConfig c{{3, 4, 5}, {1, 2, 3}};
  // The old majority {1,2} acked 10, the new set only 3 (at 10): commit of
  // the new half is 0, so nothing commits beyond 0.
  EXPECT_EQ(JointCommitted(c, {{1, 10}, {2, 10}, {3, 10}}), 0u);
  EXPECT_EQ(JointCommitted(c, {{1, 10}, {2, 10}, {3, 10}, {4, 6}}), 6u);
  EXPECT_EQ(JointCommitted(c, {{1, 4}, {2, 2}, {3, 10}, {4, 10}, {5, 10}}), 4u);
  EXPECT_EQ(JointCommitted(JointConfig{{1, 2, 3}, {}}, {{1, 5}, {2, 4}}), 4u);
  EXPECT_EQ(JointCommitted(JointConfig{}, {}), kNoConstraint);
}

TEST(Quorum, UnionContainsAndString) {
  const JointConfig c{{3, 4, 5}, {1, 2, 3}};
  EXPECT_EQ(Union(c), (Ids{1, 2, 3, 4, 5}));
  EXPECT_TRUE(Contains(c, 1));
  EXPECT_TRUE(Contains(c, 5));
  EXPECT_FALSE(Contains(c, 6));
  EXPECT_EQ(JointString(c), "{3,4,5}&&{1,2,3}");
  EXPECT_EQ(JointString(JointConfig{{1, 2}, {}}), "{1,2}");
  EXPECT_STREQ(VoteResultName(VoteResult::kWon), "won");
}

}  // namespace
}  // namespace raftlog::v3::quorum
