#include "matrix/sim/trace.h"

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

TEST(Trace, DigestDependsOnEveryEventAndItsOrder) {
  Trace a, b, c(10);
  for (Trace* t : {&a, &b, &c}) {
    t->Add(1, "crash", "n1");
    t->AddDelivery(2, 1, 2, 77, "app", false);
    t->AddNumbers(3, "tick", 1, 2);
  }
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(a.digest(), c.digest());  // keeping lines does not change it
  EXPECT_EQ(c.Lines().size(), 3u);
  EXPECT_EQ(c.Lines()[0], "1 crash n1");
  b.Add(4, "heal", "all");
  EXPECT_NE(a.digest(), b.digest());
  Trace d;
  d.AddDelivery(2, 1, 2, 77, "app", false);
  d.Add(1, "crash", "n1");
  d.AddNumbers(3, "tick", 1, 2);
  EXPECT_NE(a.digest(), d.digest());
  Trace e;
  e.Add(1, "crash", "n1");
  e.AddDelivery(2, 1, 2, 77, "app", true);  // dropped instead of delivered
  e.AddNumbers(3, "tick", 1, 2);
  EXPECT_NE(a.digest(), e.digest());
  EXPECT_EQ(a.events(), 3u);
}

TEST(Trace, KeepsABoundedTail) {
  Trace t(3);
  for (int i = 0; i < 10; ++i) t.AddNumbers(i, "tick", i);
  EXPECT_EQ(t.Lines().size(), 3u);
  EXPECT_EQ(t.Tail(1), "9 tick 9 0\n");
}

TEST(Trace, KeyEventsDropDeliveriesExceptTheLastLines) {
  std::string text =
      "1 crash n1\n2 deliver 1->2 app 00\n3 ticks 1 1\n4 invoke c1 s1 put k0 v\n"
      "5 deliver 2->1 ack 00\n6 drop 1->3 app 00\n";
  EXPECT_EQ(KeyEvents(text, 2), "1 crash n1\n4 invoke c1 s1 put k0 v\n5 deliver 2->1 ack 00\n6 drop 1->3 app 00\n");
}

}  // namespace
}  // namespace raftlog::sim
