#include "matrix/sim/timed_queue.h"

#include <queue>
#include <string>

#include "gtest/gtest.h"
#include "versions/api/mem_env.h"

namespace raftlog::sim {
namespace {

struct Item {
  uint64_t time_us = 0;
  uint64_t seq = 0;
  std::string payload;
};

struct ItemLater {
  bool operator()(const Item& a, const Item& b) const {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
  }
};

// Random interleavings of pushes and pops, many equal times: the same order
// as a std::priority_queue of whole payloads, payloads intact.
TEST(TimedQueue, PopsInTimeThenSequenceOrderLikeAPriorityQueue) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    api::SeededRandom random(seed);
    TimedQueue<Item> q;
    std::priority_queue<Item, std::vector<Item>, ItemLater> reference;
    uint64_t seq = 0;
    for (int op = 0; op < 2000; ++op) {
      if (reference.empty() || random.Uniform(3) != 0) {
        Item it{random.Uniform(20), seq++, std::string(random.Uniform(40), 'a' + seq % 26)};
        reference.push(it);
        q.Push(std::move(it));
      } else {
        ASSERT_EQ(q.top().seq, reference.top().seq);
        Item got = q.Pop();
        EXPECT_EQ(got.time_us, reference.top().time_us);
        EXPECT_EQ(got.seq, reference.top().seq);
        EXPECT_EQ(got.payload, reference.top().payload);
        reference.pop();
      }
      ASSERT_EQ(q.size(), reference.size());
    }
    while (!reference.empty()) {
      EXPECT_EQ(q.Pop().seq, reference.top().seq);
      reference.pop();
    }
    EXPECT_TRUE(q.empty());
  }
}

}  // namespace
}  // namespace raftlog::sim
