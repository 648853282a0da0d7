#include "matrix/check/config_safety.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

TEST(ConfigSafety, TwoChangesInFlightIsAViolation) {
  ConfigSafety c;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1});
  a.state.config = {{1, 2, 3}, {}, {}};
  a.state.config_index = 1;
  a.state.commit_index = 4;
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  a.log.Terms({1});  // index 5: add 4
  a.state.config = {{1, 2, 3, 4}, {}, {}};
  a.state.config_index = 5;
  a.Step(c, 2);
  a.log.Terms({1, 1});  // index 7: add 5 while 5 is uncommitted
  a.state.config = {{1, 2, 3, 4, 5}, {}, {}};
  a.state.config_index = 7;
  a.Step(c, 3);
  ASSERT_EQ(c.violation_count(), 1u);
  const std::string& m = c.violations()[0].message;
  EXPECT_NE(m.find("node 1 (v1, leader, term 1) has two configuration changes in flight: index 5"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("commit 4) and index 7 (voters={1,2,3,4,5}"), std::string::npos) << m;
}

TEST(ConfigSafety, OneAtATimeAndTruncatedChangesAreFine) {
  ConfigSafety c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1});
  a.state.config = {{1, 2, 3}, {}, {}};
  a.state.config_index = 1;
  a.state.commit_index = 2;
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  a.log.Terms({1});
  a.state.config_index = 3;
  a.Step(c, 2);
  a.state.commit_index = 3;  // committed
  a.Step(c, 3);
  a.log.Terms({1, 1});
  a.state.config_index = 5;
  a.Step(c, 4);
  // A follower whose uncommitted config entry was truncated and replaced.
  b.log.Terms({1, 1, 1});
  b.state.config_index = 3;
  b.state.commit_index = 2;
  b.Step(c, 5);
  b.log.Set(3, 2, 1);
  b.log.Terms({2, 2});
  b.state.config_index = 5;
  b.Step(c, 6);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.changes_seen(), 3u);
}

}  // namespace
}  // namespace raftlog::check
