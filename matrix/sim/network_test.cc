#include "matrix/sim/network.h"

#include <vector>

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

api::Outbound Msg(api::NodeId to, std::string bytes) { return api::Outbound{to, "app", bytes}; }

std::vector<Delivery> Drain(Network& n) {
  std::vector<Delivery> out;
  Delivery d;
  while (!n.empty()) {
    if (n.Arrive(&d)) out.push_back(d);
  }
  return out;
}

TEST(Network, DeliversInTimeThenSequenceOrder) {
  NetworkOptions o;
  o.defaults.delay_min_us = o.defaults.delay_max_us = 100;  // all ties
  Network n(1, o);
  for (int i = 0; i < 5; ++i) n.Send(0, 1, Msg(2, std::to_string(i)));
  auto got = Drain(n);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got[i].bytes, std::to_string(i));
    EXPECT_EQ(got[i].time_us, 100u);
  }
}

TEST(Network, SameSeedSameScheduleDifferentSeedDiffers) {
  NetworkOptions o;
  o.defaults.drop = ToPpm(0.2);
  o.defaults.duplicate = ToPpm(0.2);
  o.defaults.reorder = ToPpm(0.3);
  auto run = [&](uint64_t seed) {
    Network n(seed, o);
    for (int i = 0; i < 200; ++i) n.Send(i * 10, 1 + i % 3, Msg(1 + (i + 1) % 3, std::to_string(i)));
    std::string order;
    for (const Delivery& d : Drain(n)) order += d.bytes + "@" + std::to_string(d.time_us) + ",";
    return order;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(Network, DropDuplicateReorderHappenAtRoughlyTheirRates) {
  NetworkOptions o;
  o.defaults.drop = ToPpm(0.1);
  o.defaults.duplicate = ToPpm(0.1);
  o.defaults.reorder = ToPpm(0.1);
  o.defaults.delay_min_us = o.defaults.delay_max_us = 10;
  o.defaults.reorder_us = 1000;
  Network n(3, o);
  const int kN = 10000;
  for (int i = 0; i < kN; ++i) n.Send(i, 1, Msg(2, std::to_string(i)));
  auto got = Drain(n);
  const NetworkStats& s = n.stats();
  EXPECT_NEAR(s.dropped_random, kN * 0.1, kN * 0.02);
  EXPECT_NEAR(s.duplicated, kN * 0.09, kN * 0.02);
  EXPECT_EQ(got.size(), kN - s.dropped_random + s.duplicated);
  int inversions = 0;
  for (size_t i = 1; i < got.size(); ++i) {
    if (std::stoi(got[i].bytes) < std::stoi(got[i - 1].bytes)) ++inversions;
  }
  EXPECT_GT(inversions, 100);  // reordered messages were overtaken
}

TEST(Network, PartitionsBlockAtSendAndAtArrivalAndHeal) {
  NetworkOptions o;
  o.defaults.delay_min_us = o.defaults.delay_max_us = 100;
  Network n(1, o);
  std::vector<api::NodeId> all = {1, 2, 3, 4, 5};
  n.Send(0, 1, Msg(2, "in flight"));
  int p = n.StartPartition(Partition::Split({1, 2, 3, 4, 5}, 2));  // {1,2}|{3,4,5}
  EXPECT_TRUE(n.Blocked(1, 3));
  EXPECT_TRUE(n.Blocked(4, 2));
  EXPECT_FALSE(n.Blocked(1, 2));
  EXPECT_FALSE(n.Blocked(3, 5));
  EXPECT_EQ(n.Send(0, 1, Msg(3, "x")), 0);
  EXPECT_EQ(n.stats().dropped_partition, 1u);
  EXPECT_EQ(Drain(n).size(), 1u);  // 1->2 is within one side
  n.Send(0, 4, Msg(5, "y"));
  n.Heal(p);
  EXPECT_FALSE(n.partitioned());
  EXPECT_EQ(n.Send(0, 1, Msg(3, "z")), 1);
  EXPECT_EQ(Drain(n).size(), 2u);

  // Blocked while in flight: lost on arrival.
  n.Send(0, 1, Msg(3, "late"));
  int q = n.StartPartition(Partition::Isolate(3, all));
  EXPECT_EQ(Drain(n).size(), 0u);
  EXPECT_EQ(n.stats().dropped_partition, 2u);
  n.Heal(q);
}

TEST(Network, AsymmetricPartitionBlocksOneDirectionOnly) {
  Network n(1, {});
  int p = n.StartPartition(Partition::OneWay({1}, {2, 3}));
  EXPECT_TRUE(n.Blocked(1, 2));
  EXPECT_TRUE(n.Blocked(1, 3));
  EXPECT_FALSE(n.Blocked(2, 1));
  EXPECT_FALSE(n.Blocked(3, 1));
  EXPECT_FALSE(n.Blocked(2, 3));
  // Overlapping partitions: healing one keeps the other's links blocked.
  int q = n.StartPartition(Partition::Isolate(2, {1, 2, 3}));
  n.Heal(p);
  EXPECT_FALSE(n.Blocked(1, 3));
  EXPECT_TRUE(n.Blocked(1, 2));
  EXPECT_TRUE(n.Blocked(2, 3));
  n.HealAll();
  EXPECT_FALSE(n.Blocked(1, 2));
  EXPECT_EQ(n.active().size(), 0u);
  (void)q;
}

TEST(Network, PerLinkOverridesAndExtraDelay) {
  NetworkOptions o;
  o.defaults.delay_min_us = o.defaults.delay_max_us = 100;
  LinkFaults slow = o.defaults;
  slow.delay_min_us = slow.delay_max_us = 5000;
  o.links[{1, 2}] = slow;
  Network n(1, o);
  n.Send(0, 1, Msg(2, "slow"));
  n.Send(0, 2, Msg(1, "fast"), /*extra_delay_us=*/50);
  auto got = Drain(n);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].bytes, "fast");
  EXPECT_EQ(got[0].time_us, 150u);
  EXPECT_EQ(got[1].time_us, 5000u);
}

}  // namespace
}  // namespace raftlog::sim
