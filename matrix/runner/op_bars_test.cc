#include "matrix/runner/op_bars.h"

#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

lin::History Sample() {
  lin::History h;
  // client 1: put k1 a [0, 100]; client 2: get k1 [50, 300] -> a;
  // client 3: cas k1 a->b [200, never]; client 1: put k2 c [1000, 1100].
  size_t a = h.Invoke(1, lin::OpKind::kPut, lin::Value::Str("k1"), lin::Value::Str("a"), 0);
  h.Complete(a, lin::Outcome::kOk, 100);
  size_t b = h.Invoke(2, lin::OpKind::kGet, lin::Value::Str("k1"), lin::Value(), 50);
  h.Complete(b, lin::Outcome::kOk, 300, lin::Value::Str("a"));
  h.Invoke(3, lin::OpKind::kCas, lin::Value::Str("k1"), lin::Value::Str("b"), 200,
           lin::Value::Str("a"));
  size_t d = h.Invoke(1, lin::OpKind::kPut, lin::Value::Str("k2"), lin::Value::Str("c"), 1000);
  h.Complete(d, lin::Outcome::kOk, 1100);
  return h;
}

TEST(OpBars, WindowKeepsIntersectingOperationsInInvocationOrder) {
  std::vector<OpBar> bars = OpBarsAround(Sample(), 250, 100, 100, 10, std::nullopt);
  ASSERT_EQ(bars.size(), 2u);  // the get (ends 300) and the open cas; the put ended at 100
  EXPECT_EQ(bars[0].what, "get k1 -> a");
  EXPECT_EQ(bars[0].outcome, "ok");
  EXPECT_EQ(bars[1].what, "cas k1 a->b");
  EXPECT_EQ(bars[1].outcome, "info");
  EXPECT_FALSE(bars[1].complete_us.has_value());
  EXPECT_FALSE(bars[0].highlighted);
}

TEST(OpBars, InFlightAtTheViolationIsHighlighted) {
  std::vector<OpBar> bars = OpBarsAround(Sample(), 250, 1000, 1000, 10, uint64_t{250});
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_FALSE(bars[0].highlighted);  // put k1: done at 100
  EXPECT_TRUE(bars[1].highlighted);   // get k1 [50, 300]
  EXPECT_TRUE(bars[2].highlighted);   // cas k1 [200, -)
  EXPECT_FALSE(bars[3].highlighted);  // put k2 from 1000
  EXPECT_EQ(bars[3].what, "put k2 c");
}

TEST(OpBars, CapKeepsTheClosestToTheCenter) {
  std::vector<OpBar> bars = OpBarsAround(Sample(), 1000, 2000, 2000, 2, std::nullopt);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].what, "cas k1 a->b");  // invoked at 200
  EXPECT_EQ(bars[1].what, "put k2 c");     // invoked at 1000
}

}  // namespace
}  // namespace raftlog::runner
