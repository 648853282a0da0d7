#include "matrix/check/log_shortening.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

std::string Only(const Checker& c) {
  return c.violations().empty() ? std::string() : c.violations()[0].message;
}

TEST(LogShortening, StaleAppendEntriesThatCutsMatchingEntriesIsAViolation) {
  LogShortening c;
  FakeNode f(2);
  f.log.Terms({1, 1, 1, 1, 1, 1});
  f.state.commit_index = 3;
  f.Role(api::Role::kFollower, 1).Step(c, 1);
  // A duplicated AppendEntries (prev 3, entries 4..5) arrives late and the
  // follower cuts everything after 5, although 6 matched the leader.
  f.log.entries.erase(6);
  f.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(Only(c).find("node 2 (v1, follower, term 1, commit 3) cut its log from last index 6 "
                         "to 5 (entries 6..6 gone, none replaced: no term conflict)"),
            std::string::npos)
      << Only(c);
}

TEST(LogShortening, ReplacingACommittedEntryIsAViolationEvenWithAConflict) {
  LogShortening c;
  FakeNode f(2);
  f.log.Terms({1, 1, 1, 1});
  f.state.commit_index = 3;
  f.Step(c, 1);
  f.log.entries.erase(4);
  f.log.entries.erase(3);
  f.log.Terms({2, 2});
  f.Role(api::Role::kFollower, 2).Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(Only(c).find("replaced entry 3 (term 1"), std::string::npos) << Only(c);
  EXPECT_NE(Only(c).find("at or below its commit index 3"), std::string::npos) << Only(c);
}

TEST(LogShortening, RestartThatLosesCommittedEntriesIsAViolation) {
  LogShortening c;
  FakeNode f(2);
  f.log.Terms({1, 1, 1, 1, 1});
  f.state.commit_index = 4;
  f.Step(c, 1);
  c.OnCrash(2, 2);
  f.log.entries.erase(5);
  f.log.entries.erase(4);
  f.state.commit_index = 0;
  f.Step(c, 3);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(Only(c).find("lost entry 4 (term 1"), std::string::npos) << Only(c);
  EXPECT_NE(Only(c).find("commit index 4 of before its restart"), std::string::npos) << Only(c);
}

TEST(LogShortening, InstallThatDiscardsAnAgreeingLogIsAViolation) {
  LogShortening c;
  FakeNode f(2);
  f.log.Terms({1, 1, 1, 1, 1, 1});
  f.state.commit_index = 2;
  f.Step(c, 1);
  // Snapshot at 4, term 1: the log agrees there, so 5 and 6 must stay.
  f.log.entries.clear();
  f.state.snapshot_index = 4;
  f.state.snapshot_term = 1;
  f.state.commit_index = 4;
  f.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(Only(c).find("discarded entries 5..6 installing a snapshot at 4 (term 1)"),
            std::string::npos)
      << Only(c);
}

TEST(LogShortening, ConflictsTornTailsAndDisagreeingInstallsAreFine) {
  LogShortening c;
  FakeNode f(2);
  f.log.Terms({1, 1, 1, 1, 1});
  f.state.commit_index = 2;
  f.Step(c, 1);
  // A term conflict at 4: replaced by a shorter tail of term 2.
  f.log.entries.erase(5);
  f.log.entries.erase(4);
  f.log.Terms({2});
  f.Role(api::Role::kFollower, 2).Step(c, 2);
  // Compaction: entries move into a snapshot.
  f.log.entries.erase(1);
  f.state.snapshot_index = 1;
  f.state.snapshot_term = 1;
  f.Step(c, 3);
  // A crash loses an unsynced tail above the commit index.
  f.log.Terms({2, 2});
  f.Step(c, 4);
  c.OnCrash(5, 2);
  f.log.entries.erase(6);
  f.state.commit_index = 0;
  f.Step(c, 6);
  // A snapshot install at 8 (term 3) whose boundary the log does not hold.
  f.log.entries.clear();
  f.state.snapshot_index = 8;
  f.state.snapshot_term = 3;
  f.state.commit_index = 8;
  f.Role(api::Role::kFollower, 3).Step(c, 7);
  // An install at 9 (term 4) that disagrees with the log at 9 discards it.
  f.log.Set(9, 3, 3009).Set(10, 3, 3010);
  f.Step(c, 8);
  f.log.entries.clear();
  f.state.snapshot_index = 9;
  f.state.snapshot_term = 4;
  f.state.commit_index = 9;
  f.Role(api::Role::kFollower, 4).Step(c, 9);
  EXPECT_EQ(c.violation_count(), 0u) << Only(c);
  EXPECT_EQ(c.truncations_seen(), 3u);
}

}  // namespace
}  // namespace raftlog::check
