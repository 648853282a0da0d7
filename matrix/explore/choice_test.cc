// Which choices commute (the basis of the search's sleep sets).
#include "matrix/explore/choice.h"

#include "gtest/gtest.h"

namespace raftlog::explore {
namespace {

TEST(Choice, OnlyLocalStepsAtDifferentNodesCommute) {
  Choice d12 = *ParseChoice("deliver 1->2 #01");
  Choice d13 = *ParseChoice("deliver 1->3 #02");
  Choice d32 = *ParseChoice("deliver 3->2 #03");
  Choice t3 = *ParseChoice("tick 3");
  Choice t1 = *ParseChoice("tick 1");
  Choice crash3 = *ParseChoice("crash 3");
  EXPECT_TRUE(Independent(d12, d13));
  EXPECT_FALSE(Independent(d12, d32));  // same receiver
  EXPECT_TRUE(Independent(d12, t3));
  EXPECT_FALSE(Independent(d13, t3));   // same node
  EXPECT_FALSE(Independent(t1, t3));    // one shared timeout budget
  EXPECT_FALSE(Independent(d12, crash3));
}

}  // namespace
}  // namespace raftlog::explore
