#include "matrix/check/committed.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

struct Observer {
  CommittedLog log;
  std::vector<CommittedLog::Divergence> last;
  void OnStep(const NodeStep& s) { last = log.Observe(s); }
};

TEST(CommittedLog, RecordsLowestTermAndDivergence) {
  Observer o;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 2});
  a.state.term = 3;
  a.state.commit_index = 3;
  a.Step(o, 1);
  EXPECT_EQ(o.log.max_index(), 3u);
  ASSERT_NE(o.log.Find(2), nullptr);
  EXPECT_EQ(o.log.Find(2)->commit_term, 3u);
  b.log.Terms({1, 1, 2});
  b.log.Set(3, 2, 1);
  b.state.term = 2;
  b.state.commit_index = 3;
  b.Step(o, 2);
  EXPECT_EQ(o.log.Find(2)->commit_term, 2u);
  ASSERT_EQ(o.last.size(), 1u);
  EXPECT_EQ(o.last[0].index, 3u);
}

TEST(CommittedLog, MemoryIsBounded) {
  CommittedLog log(16);
  FakeNode a(1);
  std::vector<uint64_t> terms(100, 1);
  a.log.Terms(terms);
  a.state.commit_index = 100;
  struct O {
    CommittedLog* l;
    void OnStep(const NodeStep& s) { l->Observe(s); }
  } o{&log};
  a.Step(o, 1);
  EXPECT_EQ(log.max_index(), 100u);
  EXPECT_GT(log.min_index(), 50u);
  EXPECT_EQ(log.Find(1), nullptr);
}

}  // namespace
}  // namespace raftlog::check
