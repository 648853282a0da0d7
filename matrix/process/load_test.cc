#include "matrix/process/load.h"

#include "gtest/gtest.h"

namespace raftlog::process {
namespace {

StateSample Sample(api::NodeId node, uint64_t pid, uint64_t term, const std::string& role,
                   uint64_t commit) {
  StateSample s;
  s.node = node;
  s.pid = pid;
  s.term = term;
  s.role = role;
  s.commit_index = commit;
  s.applied_index = commit;
  return s;
}

TEST(SampledInvariantsTest, AHealthyRunHasNone) {
  std::vector<StateSample> samples = {
      Sample(1, 100, 2, "leader", 5), Sample(2, 200, 2, "follower", 4),
      Sample(1, 100, 2, "leader", 9),
      // node 1 restarted: a new incarnation may restart from a lower commit.
      Sample(1, 101, 3, "follower", 0), Sample(2, 200, 3, "leader", 10)};
  EXPECT_TRUE(CheckSampledInvariants(samples).empty());
}

TEST(SampledInvariantsTest, TwoLeadersInOneTerm) {
  auto v = CheckSampledInvariants({Sample(1, 100, 4, "leader", 5), Sample(2, 200, 4, "leader", 5)});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("term 4 had 2 leaders"), std::string::npos) << v[0];
}

TEST(SampledInvariantsTest, CommitGoingBackWithinAnIncarnation) {
  auto v = CheckSampledInvariants({Sample(1, 100, 4, "follower", 8), Sample(1, 100, 4, "follower", 7)});
  ASSERT_EQ(v.size(), 2u);  // commit and applied
  EXPECT_NE(v[0].find("commit index went back from 8 to 7"), std::string::npos) << v[0];
}

TEST(SampledInvariantsTest, TermGoingBackAcrossARestart) {
  auto v = CheckSampledInvariants({Sample(3, 100, 9, "follower", 8), Sample(3, 101, 7, "follower", 0)});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("term went back from 9"), std::string::npos) << v[0];
}

}  // namespace
}  // namespace raftlog::process
