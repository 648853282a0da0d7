// The simulated network: messages are bytes (api::Outbound), each link has a
// delay distribution and drop, duplicate and reorder probabilities, and
// partitions (symmetric, one-way, isolate a node, majority/minority split)
// start and heal when the driver says so (the fault schedule decides when).
//
// In-flight messages sit in one priority queue ordered by (delivery time,
// sequence number): the sequence number is assigned at send, so ties between
// equal times resolve in send order and a seed gives one order of deliveries.
// A message is lost if a partition blocks its link when it is sent or when it
// arrives. Everything is drawn from the network's own random stream.
#ifndef RAFTLOG_MATRIX_SIM_NETWORK_H_
#define RAFTLOG_MATRIX_SIM_NETWORK_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "matrix/sim/random.h"
#include "matrix/sim/timed_queue.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::sim {

struct LinkFaults {
  uint64_t delay_min_us = 200;   // one-way delay, uniform in [min, max]
  uint64_t delay_max_us = 1'000;
  Ppm spike = 0;                 // a latency spike adds up to spike_us more
  uint64_t spike_us = 50'000;
  Ppm drop = 0;
  Ppm duplicate = 0;             // the copy gets its own delay
  Ppm reorder = 0;               // held back by up to reorder_us, so later ones overtake
  uint64_t reorder_us = 5'000;
};

struct NetworkOptions {
  LinkFaults defaults;
  std::map<std::pair<api::NodeId, api::NodeId>, LinkFaults> links;  // (from, to) overrides
};

// A set of blocked directed links.
struct Partition {
  std::string name;  // for the trace: "isolate 3", "{1,2}|{3,4,5}", "{1}->{2,3}"
  std::set<std::pair<api::NodeId, api::NodeId>> blocked;

  // No traffic between `a` and `b`, either way.
  static Partition Symmetric(const std::vector<api::NodeId>& a, const std::vector<api::NodeId>& b);
  // `from` cannot reach `to`; the reverse direction still works.
  static Partition OneWay(const std::vector<api::NodeId>& from, const std::vector<api::NodeId>& to);
  // `node` cut off from everyone else in `all`.
  static Partition Isolate(api::NodeId node, const std::vector<api::NodeId>& all);
  // The first `minority_size` of `order` against the rest.
  static Partition Split(const std::vector<api::NodeId>& order, size_t minority_size);
};

struct Delivery {
  uint64_t time_us = 0;
  uint64_t seq = 0;
  api::NodeId from = 0;
  api::NodeId to = 0;
  std::string type;
  std::string bytes;
  uint64_t digest = 0;  // BytesDigest(bytes), for the trace
  int sender_tag = -1;  // the driver's index of the sender's release at send time
};

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t queued = 0;            // copies put in flight (sent - dropped + duplicated)
  uint64_t dropped_random = 0;
  uint64_t dropped_partition = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t spikes = 0;
  uint64_t bytes = 0;
};

class Network {
 public:
  Network(uint64_t seed, NetworkOptions options);

  // Puts `m` from `from` in flight at `now_us` (+ `extra_delay_us`, e.g. the
  // sender's fsync latency). Returns the number of copies queued (0, 1 or 2).
  // `sender_tag` is carried to the receiver for attributing decode errors.
  // Takes `m` by value: callers that are done with it move it in.
  int Send(uint64_t now_us, api::NodeId from, api::Outbound m, uint64_t extra_delay_us = 0,
           int sender_tag = -1);

  // Earliest delivery time, or UINT64_MAX when nothing is in flight.
  uint64_t NextTime() const { return queue_.empty() ? UINT64_MAX : queue_.top().time_us; }
  bool empty() const { return queue_.empty(); }
  size_t in_flight() const { return queue_.size(); }
  // Removes and returns the earliest delivery. REQUIRES: !empty(). The caller
  // checks Blocked() at arrival (see Arrive()).
  Delivery Pop();
  // Pops the earliest delivery; returns false (and counts a partition drop)
  // if a partition blocks its link now.
  bool Arrive(Delivery* out);

  // Partitions. Ids are never reused.
  int StartPartition(Partition p);
  void Heal(int id);
  void HealAll();
  bool Blocked(api::NodeId from, api::NodeId to) const;
  bool partitioned() const { return !active_.empty(); }
  const std::map<int, Partition>& active() const { return active_; }

  // Replaces a link's faults from now on (e.g. "slow link" faults).
  void SetLink(api::NodeId from, api::NodeId to, const LinkFaults& f) { options_.links[{from, to}] = f; }
  void ClearLinkOverrides() { options_.links.clear(); }
  void SetDefaults(const LinkFaults& f) { options_.defaults = f; }
  const LinkFaults& defaults() const { return options_.defaults; }

  const NetworkStats& stats() const { return stats_; }

 private:
  const LinkFaults& LinkFor(api::NodeId from, api::NodeId to) const;
  uint64_t DrawDelay(const LinkFaults& f);

  api::SeededRandom random_;
  NetworkOptions options_;
  TimedQueue<Delivery> queue_;
  uint64_t next_seq_ = 0;
  std::map<int, Partition> active_;
  std::set<std::pair<api::NodeId, api::NodeId>> blocked_;  // union of active_
  int next_partition_id_ = 1;
  NetworkStats stats_;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_NETWORK_H_
