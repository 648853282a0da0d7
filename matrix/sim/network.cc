#include "matrix/sim/network.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/sim/trace.h"

namespace raftlog::sim {
namespace {

std::string SetString(const std::vector<api::NodeId>& v) {
  return absl::StrCat("{", absl::StrJoin(v, ","), "}");
}

}  // namespace

Partition Partition::Symmetric(const std::vector<api::NodeId>& a,
                               const std::vector<api::NodeId>& b) {
  Partition p;
  p.name = absl::StrCat(SetString(a), "|", SetString(b));
  for (api::NodeId x : a) {
    for (api::NodeId y : b) {
      if (x == y) continue;
      p.blocked.insert({x, y});
      p.blocked.insert({y, x});
    }
  }
  return p;
}

Partition Partition::OneWay(const std::vector<api::NodeId>& from,
                            const std::vector<api::NodeId>& to) {
  Partition p;
  p.name = absl::StrCat(SetString(from), "->", SetString(to), " blocked");
  for (api::NodeId x : from) {
    for (api::NodeId y : to) {
      if (x != y) p.blocked.insert({x, y});
    }
  }
  return p;
}

Partition Partition::Isolate(api::NodeId node, const std::vector<api::NodeId>& all) {
  std::vector<api::NodeId> rest;
  for (api::NodeId n : all) {
    if (n != node) rest.push_back(n);
  }
  Partition p = Symmetric({node}, rest);
  p.name = absl::StrCat("isolate ", node);
  return p;
}

Partition Partition::Split(const std::vector<api::NodeId>& order, size_t minority_size) {
  std::vector<api::NodeId> a(order.begin(), order.begin() + std::min(minority_size, order.size()));
  std::vector<api::NodeId> b(order.begin() + a.size(), order.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return Symmetric(a, b);
}

Network::Network(uint64_t seed, NetworkOptions options)
    : random_(seed), options_(std::move(options)) {}

const LinkFaults& Network::LinkFor(api::NodeId from, api::NodeId to) const {
  if (!options_.links.empty()) {
    auto it = options_.links.find({from, to});
    if (it != options_.links.end()) return it->second;
  }
  return options_.defaults;
}

uint64_t Network::DrawDelay(const LinkFaults& f) {
  uint64_t d = Between(random_, f.delay_min_us, std::max(f.delay_min_us, f.delay_max_us));
  if (f.spike > 0 && Chance(random_, f.spike)) {
    ++stats_.spikes;
    d += random_.Uniform(f.spike_us + 1);
  }
  if (f.reorder > 0 && Chance(random_, f.reorder)) {
    ++stats_.reordered;
    d += random_.Uniform(f.reorder_us + 1);
  }
  return d;
}

int Network::Send(uint64_t now_us, api::NodeId from, api::Outbound m, uint64_t extra_delay_us,
                  int sender_tag) {
  ++stats_.sent;
  stats_.bytes += m.bytes.size();
  if (Blocked(from, m.to)) {
    ++stats_.dropped_partition;
    return 0;
  }
  const LinkFaults& f = LinkFor(from, m.to);
  if (f.drop > 0 && Chance(random_, f.drop)) {
    ++stats_.dropped_random;
    return 0;
  }
  int copies = 1;
  if (f.duplicate > 0 && Chance(random_, f.duplicate)) {
    ++stats_.duplicated;
    copies = 2;
  }
  uint64_t digest = BytesDigest(m.bytes);
  for (int c = 0; c < copies; ++c) {
    Delivery d;
    d.time_us = now_us + extra_delay_us + DrawDelay(f);
    d.seq = next_seq_++;
    d.from = from;
    d.to = m.to;
    if (c + 1 < copies) {
      d.type = m.type;
      d.bytes = m.bytes;
    } else {
      d.type = std::move(m.type);
      d.bytes = std::move(m.bytes);
    }
    d.digest = digest;
    d.sender_tag = sender_tag;
    queue_.Push(std::move(d));
    ++stats_.queued;
  }
  return copies;
}

Delivery Network::Pop() {
  return queue_.Pop();
}

bool Network::Arrive(Delivery* out) {
  *out = Pop();
  if (Blocked(out->from, out->to)) {
    ++stats_.dropped_partition;
    return false;
  }
  return true;
}

int Network::StartPartition(Partition p) {
  int id = next_partition_id_++;
  blocked_.insert(p.blocked.begin(), p.blocked.end());
  active_.emplace(id, std::move(p));
  return id;
}

void Network::Heal(int id) {
  if (active_.erase(id) == 0) return;
  blocked_.clear();
  for (const auto& [_, p] : active_) blocked_.insert(p.blocked.begin(), p.blocked.end());
}

void Network::HealAll() {
  active_.clear();
  blocked_.clear();
}

bool Network::Blocked(api::NodeId from, api::NodeId to) const {
  return !blocked_.empty() && blocked_.count({from, to}) > 0;
}

}  // namespace raftlog::sim
