#include "matrix/check/leader_completeness.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(LeaderCompleteness, LaterLeaderMissingACommittedEntryIsAViolation) {
  LeaderCompleteness c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 1});
  a.state.commit_index = 3;
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  b.log.Terms({1, 1});  // lacks committed index 3
  b.Role(api::Role::kLeader, 2).Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  const std::string& m = c.violations()[0].message;
  EXPECT_NE(m.find("leader node 2 (v1) of term 2 lacks committed index 3"), std::string::npos) << m;
}

TEST(LeaderCompleteness, CommitLearnedAfterTheElectionIsStillChecked) {
  LeaderCompleteness c;
  FakeNode a(1), b(2), f(3);
  b.log.Terms({1, 1});
  b.Role(api::Role::kLeader, 2).Step(c, 1);  // nothing committed yet
  // A term-1 follower reports index 3 committed by the old leader.
  f.log.Terms({1, 1, 1});
  f.state.commit_index = 3;
  f.Role(api::Role::kFollower, 1).Step(c, 2);
  b.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(LeaderCompleteness, DifferentEntryAtCommittedIndexIsAViolation) {
  LeaderCompleteness c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1});
  a.state.commit_index = 2;
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  b.log.Terms({1, 2});
  b.Role(api::Role::kLeader, 2).Step(c, 2);
  EXPECT_EQ(c.violation_count(), 1u);
}

TEST(LeaderCompleteness, CompletePrefixCompactionAndStaleLeadersAreFine) {
  LeaderCompleteness c;
  FakeNode a(1), b(2), d(3);
  a.log.Terms({1, 1, 1, 2});
  a.state.commit_index = 4;
  a.Role(api::Role::kFollower, 3).Step(c, 1);  // commit reported at term 3
  // A leader of term 2 (stale, lower than the reporter's term) lacking index 4
  // proves nothing: index 4 may have been committed in term 3.
  d.log.Terms({1, 1, 1});
  d.Role(api::Role::kLeader, 2).Step(c, 2);
  // Leader of term 4 compacted indexes 1..2 into its snapshot.
  b.log.Terms({1, 1, 1, 2, 4});
  b.log.entries.erase(1);
  b.log.entries.erase(2);
  b.state.snapshot_index = 2;
  b.Role(api::Role::kLeader, 4).Step(c, 3);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.entries_checked(), 2u);
}

}  // namespace
}  // namespace raftlog::check
