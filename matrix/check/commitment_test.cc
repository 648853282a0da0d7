#include "matrix/check/commitment.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

std::string First(const Checker& c) {
  return c.violations().empty() ? std::string() : c.violations()[0].message;
}

api::Config Voters(std::vector<api::NodeId> voters, std::vector<api::NodeId> learners = {},
                   std::vector<api::NodeId> outgoing = {}) {
  return api::Config{std::move(voters), std::move(learners), std::move(outgoing)};
}

TEST(Commitment, LeaderCountingLearnersIsAViolation) {
  Commitment c;
  FakeNode n1(1), n2(2), n3(3), n4(4), n5(5);
  for (FakeNode* n : {&n1, &n4, &n5}) n->log.Terms({1, 1, 1});
  for (FakeNode* n : {&n2, &n3}) n->log.Terms({1});
  for (FakeNode* n : {&n1, &n2, &n3, &n4, &n5}) n->state.config = Voters({1, 2, 3}, {4, 5});
  for (FakeNode* n : {&n1, &n2, &n3, &n4, &n5}) n->Role(api::Role::kFollower, 1).Step(c, 1);
  n1.state.commit_index = 3;  // counted 4 and 5
  n1.Role(api::Role::kLeader, 1).Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 1 (v1, leader, term 1) reports index 3 (term 1"),
            std::string::npos)
      << First(c);
  EXPECT_NE(First(c).find("but of the voters {1,2,3} only {1} hold it"), std::string::npos)
      << First(c);
}

TEST(Commitment, JointConfigurationNeedsBothMajorities) {
  Commitment c;
  FakeNode n[7] = {FakeNode(0), FakeNode(1), FakeNode(2), FakeNode(3),
                   FakeNode(4), FakeNode(5), FakeNode(6)};
  for (int i : {1, 2, 3, 4}) n[i].log.Terms({1, 1});
  for (int i : {5, 6}) n[i].log.Terms({1});
  for (int i = 1; i <= 6; ++i) n[i].state.config = Voters({1, 2, 3}, {}, {4, 5, 6});
  for (int i = 1; i <= 6; ++i) n[i].Step(c, 1);
  n[1].state.commit_index = 2;
  n[1].Role(api::Role::kLeader, 1).Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("of the outgoing voters {4,5,6} only {4} hold it"), std::string::npos)
      << First(c);
}

// Six nodes in the joint configuration {1,2,3} / outgoing {4,5,6}, node 1
// leading; the nodes in `holders` hold entry 2, the others only entry 1.
// Then node 1 commits index 2 and, in the same step, leaves the joint
// configuration by an entry at index 3.
void CommitAndLeaveJoint(Commitment& c, FakeNode (&n)[7], std::vector<int> holders) {
  for (int i = 1; i <= 6; ++i) {
    const bool holds = std::find(holders.begin(), holders.end(), i) != holders.end();
    n[i].log.Terms(holds ? std::vector<uint64_t>{1, 1} : std::vector<uint64_t>{1});
    n[i].state.config = Voters({1, 2, 3}, {}, {4, 5, 6});
    n[i].Role(i == 1 ? api::Role::kLeader : api::Role::kFollower, 1).Step(c, 1);
  }
  n[1].state.commit_index = 2;
  n[1].state.config = Voters({1, 2, 3});
  n[1].state.config_index = 3;
  n[1].log.Terms({1, 1, 1});
  n[1].Step(c, 2);
}

// The joint configuration is set by entry 2.
void CommitAndLeaveJointEntry(Commitment& c, FakeNode (&n)[7], std::vector<int> holders) {
  for (int i = 1; i <= 6; ++i) n[i].state.config_index = 2;
  CommitAndLeaveJoint(c, n, holders);
}

// The leader counts the joint entry under the new set only and, in the same
// step, leaves the joint configuration: at the end of the step it reports the
// new set, under which the entry does have a quorum. The configuration it
// began the step with decided the commit, and there it has none.
TEST(Commitment, ConfigurationLeftInTheCommittingStepStillJudgesTheCommit) {
  Commitment c;
  FakeNode n[7] = {FakeNode(0), FakeNode(1), FakeNode(2), FakeNode(3),
                   FakeNode(4), FakeNode(5), FakeNode(6)};
  CommitAndLeaveJointEntry(c, n, {1, 2, 3, 4});
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("committed index 2 (term 1, digest 00000000000003ea), the entry of "
                          "voters={1,2,3} learners={} outgoing={4,5,6}, and moved on to "
                          "voters={1,2,3} learners={} (index 3) in the same step"),
            std::string::npos)
      << First(c);
  EXPECT_NE(First(c).find("of the outgoing voters {4,5,6} only {4} hold it"), std::string::npos)
      << First(c);
}

// The same step held by both majorities: no violation, whatever the leader
// moves on to.
TEST(Commitment, ConfigurationLeftAfterAJointQuorumIsFine) {
  Commitment c;
  FakeNode n[7] = {FakeNode(0), FakeNode(1), FakeNode(2), FakeNode(3),
                   FakeNode(4), FakeNode(5), FakeNode(6)};
  CommitAndLeaveJointEntry(c, n, {1, 2, 4, 5});
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
  EXPECT_EQ(c.quorum_checks(), 1u);
}

// The joint entry (index 2) was committed under both halves in an earlier
// step; this step commits entry 3 under the new set alone and leaves joint
// (index 4): allowed once C_old,new is committed (thesis 4.3).
TEST(Commitment, EntriesAfterACommittedJointEntryMayCommitUnderTheNewSet) {
  Commitment c;
  FakeNode n[7] = {FakeNode(0), FakeNode(1), FakeNode(2), FakeNode(3),
                   FakeNode(4), FakeNode(5), FakeNode(6)};
  for (int i = 1; i <= 6; ++i) {
    const bool holds_3 = i <= 2;  // a majority of {1,2,3}; of {4,5,6} nobody
    n[i].log.Terms(holds_3 ? std::vector<uint64_t>{1, 1, 1} : std::vector<uint64_t>{1, 1});
    n[i].state.config = Voters({1, 2, 3}, {}, {4, 5, 6});
    n[i].state.config_index = 2;
    n[i].state.commit_index = 2;
    n[i].Role(i == 1 ? api::Role::kLeader : api::Role::kFollower, 1).Step(c, 1);
  }
  n[1].state.commit_index = 3;
  n[1].state.config = Voters({1, 2, 3});
  n[1].state.config_index = 4;
  n[1].log.Terms({1});
  n[1].Step(c, 2);
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
}

// A configuration in force from its own entry on: the leader removes the only
// other voter and commits the removal alone, in the step that appended it.
TEST(Commitment, RemovalCommittedByTheConfigurationItSetsIsFine) {
  Commitment c;
  FakeNode n1(1), n2(2);
  for (FakeNode* n : {&n1, &n2}) n->log.Terms({1, 1});
  for (FakeNode* n : {&n1, &n2}) n->state.config = Voters({1, 2});
  n1.state.commit_index = 2;
  n1.Role(api::Role::kLeader, 1).Step(c, 1);
  n2.Step(c, 1);
  n1.log.Terms({1, 1, 1});
  n1.state.config = Voters({1});
  n1.state.config_index = 3;
  n1.state.commit_index = 3;
  n1.Step(c, 2);
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
}

// Four voters; nodes 3 and 4 hold entry 2 (half of the four: every majority
// of three meets one of them). Leader 4 appends the removal of node 2 at
// index 3 and, in that step, counts entry 2 under {1,3,4}, where {3,4} is a
// majority. Safe (single-server changes: majorities of the old and the new
// configuration overlap), so no violation.
void RemoveFromFour(Commitment& c, std::vector<api::NodeId> holders) {
  FakeNode n1(1), n2(2), n3(3), n4(4);
  for (FakeNode* n : {&n1, &n2, &n3, &n4}) {
    const bool holds = std::find(holders.begin(), holders.end(), n->state.id) != holders.end();
    n->log.Terms(holds ? std::vector<uint64_t>{1, 2} : std::vector<uint64_t>{1});
    n->state.config = Voters({1, 2, 3, 4});
    n->state.commit_index = 1;
    n->Role(n->state.id == 4 ? api::Role::kLeader : api::Role::kFollower, 2).Step(c, 1);
  }
  n4.log.Terms({2});
  n4.state.config = Voters({1, 3, 4});
  n4.state.config_index = 3;
  n4.state.commit_index = 2;
  n4.Step(c, 2);
}

TEST(Commitment, RemovalFromAnEvenConfigurationMayCommitOnHalfOfIt) {
  for (std::vector<api::NodeId> holders : {std::vector<api::NodeId>{3, 4}, {1, 4}}) {
    Commitment c;
    RemoveFromFour(c, holders);
    EXPECT_EQ(c.violation_count(), 0u) << First(c);
    EXPECT_EQ(c.quorum_checks(), 1u);
  }
}

TEST(Commitment, FollowerCommittingItsOwnStaleTailIsAViolation) {
  Commitment c;
  FakeNode n1(1), n2(2), n3(3);
  n1.log.Terms({1, 2, 2});
  n2.log.Terms({1, 2, 2});
  n3.log.Terms({1, 1, 1});  // stale entries of term 1 at 2 and 3
  for (FakeNode* n : {&n1, &n2, &n3}) n->state.config = Voters({1, 2, 3});
  n2.Role(api::Role::kFollower, 2).Step(c, 1);
  n3.Role(api::Role::kFollower, 1).Step(c, 1);
  n1.Role(api::Role::kLeader, 2).Step(c, 1);
  n1.state.commit_index = 1;
  n1.Role(api::Role::kLeader, 2).Step(c, 2);
  // n3 takes leaderCommit 3 from a heartbeat whose prev it does not match.
  n3.state.commit_index = 3;
  n3.Role(api::Role::kFollower, 2).Step(c, 3);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 3 (v1, follower, term 2) reports index 3 (term 1"),
            std::string::npos)
      << First(c);
}

TEST(Commitment, LearnerThatCampaignsIsAViolation) {
  Commitment c;
  FakeNode n4(4);
  n4.state.config = Voters({1, 2, 3}, {4});
  n4.Role(api::Role::kLearner, 1).Step(c, 1);
  EXPECT_EQ(c.violation_count(), 0u);
  n4.Role(api::Role::kCandidate, 2).Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 4 (v1) became candidate in term 2 although its configuration"),
            std::string::npos)
      << First(c);
}

TEST(Commitment, FirstStepOfAnIncarnationReportsRecoveredState) {
  Commitment c;
  FakeNode n1(1);
  n1.log.Terms({1});
  n1.state.config = Voters({1, 2, 3});
  n1.state.commit_index = 1;  // bootstrapped, before its peers ever ran
  n1.Step(c, 1);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.quorum_checks(), 0u);
}

TEST(Commitment, RestartThatLosesACountedEntryIsAViolation) {
  Commitment c;
  FakeNode n1(1), n2(2), n3(3);
  n1.log.Terms({1, 1, 1});
  n2.log.Terms({1, 1, 1});
  n3.log.Terms({1});
  for (FakeNode* n : {&n1, &n2, &n3}) n->state.config = Voters({1, 2, 3});
  n3.Step(c, 1);
  n2.Step(c, 1);
  n1.Step(c, 1);
  n1.state.commit_index = 3;
  n1.Role(api::Role::kLeader, 1).Step(c, 2);
  EXPECT_EQ(c.violation_count(), 0u);
  c.OnCrash(3, 2);
  n2.log.entries.erase(3);  // acknowledged, but not synced
  n2.Step(c, 4);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 2 (v1) restarted without entry 3"), std::string::npos) << First(c);
}

TEST(Commitment, QuorumsDownNodesAndSnapshotsAreFine) {
  Commitment c;
  FakeNode n1(1), n2(2), n3(3), n4(4);
  for (FakeNode* n : {&n1, &n2, &n3}) n->log.Terms({1, 1, 1, 1});
  n4.log.Terms({1});
  for (FakeNode* n : {&n1, &n2, &n3, &n4}) n->state.config = Voters({1, 2, 3}, {4});
  n4.Role(api::Role::kLearner, 1).Step(c, 1);
  n2.Step(c, 1);
  n3.Step(c, 1);
  c.OnCrash(2, 3);  // down, but it synced what it showed
  n1.Step(c, 2);
  n1.state.commit_index = 4;
  n1.Role(api::Role::kLeader, 1).Step(c, 3);
  // n2 compacts through 4; the leader appends 5 and commits it with n2.
  for (uint64_t i = 1; i <= 4; ++i) n2.log.entries.erase(i);
  n2.log.Terms({1});
  n2.log.Set(5, 1, 1005);
  n2.state.snapshot_index = 4;
  n2.state.snapshot_term = 1;
  n2.Step(c, 4);
  n1.log.Terms({1});
  n1.state.commit_index = 5;
  n1.Step(c, 5);
  // Followers report what the leader committed: nothing new to check.
  n3.state.commit_index = 4;
  n3.Step(c, 6);
  // A restart that keeps the log, and one that loses only an uncounted tail.
  c.OnCrash(7, 3);
  n3.Step(c, 8);
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
  EXPECT_EQ(c.quorum_checks(), 2u);
}

}  // namespace
}  // namespace raftlog::check
