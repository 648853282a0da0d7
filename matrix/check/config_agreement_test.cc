#include "matrix/check/config_agreement.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

std::string First(const Checker& c) {
  return c.violations().empty() ? std::string() : c.violations()[0].message;
}

const api::Config kOld{{1, 2, 3}, {}, {}};
const api::Config kNew{{1, 2, 3}, {4}, {}};

// A leader that appends a configuration entry at 3 and commits it.
void LeaderAddsLearner(ConfigAgreement& c, FakeNode& leader) {
  leader.log.Terms({1, 1});
  leader.state.config = kOld;
  leader.state.commit_index = 2;
  leader.state.applied_index = 2;
  leader.Role(api::Role::kLeader, 1).Step(c, 1);
  leader.log.Terms({1});
  leader.state.config = kNew;
  leader.state.config_index = 3;
  leader.Step(c, 2);
  leader.state.commit_index = 3;
  leader.state.applied_index = 3;
  leader.Step(c, 3);
}

TEST(ConfigAgreement, FollowerKeepingItsOldConfigAfterASnapshotInstallIsAViolation) {
  ConfigAgreement c;
  FakeNode leader(1), f(2);
  LeaderAddsLearner(c, leader);
  EXPECT_EQ(c.committed_configs(), 1u);
  f.log.Terms({1});
  f.state.config = kOld;
  f.state.commit_index = 1;
  f.state.applied_index = 1;
  f.Step(c, 4);
  // Installs the leader's snapshot through 3 but keeps its configuration.
  f.log.entries.clear();
  f.state.snapshot_index = 3;
  f.state.snapshot_term = 1;
  f.state.commit_index = 3;
  f.state.applied_index = 3;
  f.Step(c, 5);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("node 2 (v1, follower, term 0, commit 3, applied 3, snapshot 3) "
                          "reports the configuration of index 0"),
            std::string::npos)
      << First(c);
  EXPECT_NE(First(c).find("committed configuration entry at index 3 (voters={1,2,3} "
                          "learners={4}, reported by node 1)"),
            std::string::npos)
      << First(c);
}

TEST(ConfigAgreement, TwoConfigsForOneCommittedIndexIsAViolation) {
  ConfigAgreement c;
  FakeNode leader(1), f(2);
  LeaderAddsLearner(c, leader);
  f.log = leader.log;
  f.state.config = kOld;  // says index 3, but read it wrong
  f.state.config_index = 3;
  f.state.commit_index = 3;
  f.state.applied_index = 3;
  f.Step(c, 4);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("reports voters={1,2,3} learners={} for the committed configuration "
                          "entry at index 3, but node 1 (v1) reported voters={1,2,3} learners={4}"),
            std::string::npos)
      << First(c);
}

TEST(ConfigAgreement, SameUncommittedEntryReadTwoWaysIsAViolation) {
  ConfigAgreement c;
  FakeNode a(1), b(2);
  for (FakeNode* n : {&a, &b}) {
    n->log.Terms({1, 1, 1});
    n->state.config_index = 3;
    n->state.commit_index = 2;
  }
  a.state.config = kNew;
  b.state.config = kOld;
  a.Step(c, 1);
  b.Step(c, 2);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(First(c).find("reads the configuration entry at index 3 (term 1"), std::string::npos)
      << First(c);
}

TEST(ConfigAgreement, InstallsKeptLogsAndDivergentUncommittedEntriesAreFine) {
  ConfigAgreement c;
  FakeNode leader(1), f(2), g(3);
  LeaderAddsLearner(c, leader);
  // f installs the snapshot through 3 and takes its configuration.
  f.state.snapshot_index = 3;
  f.state.snapshot_term = 1;
  f.state.commit_index = 3;
  f.state.applied_index = 3;
  f.state.config = kNew;
  f.state.config_index = 3;
  f.Step(c, 4);
  // g holds a divergent uncommitted entry at 3 (another config), then the
  // committed one replaces it.
  g.log.Terms({1, 1});
  g.log.Set(3, 0, 77);
  g.state.config = api::Config{{1, 2}, {}, {}};
  g.state.config_index = 3;
  g.state.commit_index = 2;
  g.state.applied_index = 2;
  g.Step(c, 5);
  g.log = leader.log;
  g.state.config = kNew;
  g.state.commit_index = 3;
  g.state.applied_index = 3;
  g.Step(c, 6);
  // A later config appended but uncommitted: fine to report it.
  leader.log.Terms({1});
  leader.state.config = kOld;
  leader.state.config_index = 4;
  leader.Step(c, 7);
  EXPECT_EQ(c.violation_count(), 0u) << First(c);
}

TEST(ConfigAgreement, PendingConfigBecomesCommittedWhenItsEntryCommits) {
  ConfigAgreement c;
  FakeNode leader(1), f(2);
  // The leader reports the entry at 3 only while uncommitted (a later one,
  // at 4, replaces it in the step that commits 3).
  leader.log.Terms({1, 1, 1});
  leader.state.config = kNew;
  leader.state.config_index = 3;
  leader.state.commit_index = 2;
  leader.Step(c, 1);
  leader.log.Terms({1});
  leader.state.config = api::Config{{1, 2, 3, 4}, {}, {}};
  leader.state.config_index = 4;
  leader.state.commit_index = 3;
  leader.state.applied_index = 3;
  leader.Step(c, 2);
  EXPECT_EQ(c.committed_configs(), 1u);
  // A node that applied 3 but reports the bootstrap configuration is stale.
  f.log = leader.log;
  f.log.entries.erase(4);
  f.state.config = kOld;
  f.state.commit_index = 3;
  f.state.applied_index = 3;
  f.Step(c, 3);
  EXPECT_EQ(c.violation_count(), 1u) << First(c);
}

}  // namespace
}  // namespace raftlog::check
