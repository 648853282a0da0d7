#include "snapshots/format3/bench_state.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace raftlog::snapshots::format3::testing {
namespace {

uint64_t Next(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

SnapshotState BenchState(uint64_t body_bytes, uint32_t value_bytes_mean, uint64_t seed) {
  uint64_t rng = seed;
  std::vector<std::string> words(8192);
  for (std::string& w : words) {
    const size_t n = 2 + Next(&rng) % 9;
    for (size_t i = 0; i < n; ++i) w.push_back(static_cast<char>('a' + Next(&rng) % 26));
  }
  SnapshotState s;
  s.last_index = 1000000 + seed;
  s.last_term = 42;
  s.config_index = 999000;
  s.voters = {1, 2, 3, 4, 5};
  s.learners = {6, 7};
  s.cluster_version = 3;
  s.metadata["writer"] = "v3";
  s.metadata["created_at_index"] = std::to_string(s.last_index);
  uint64_t body = 16;
  for (uint64_t client = 1; client <= 10000; ++client) {
    Session x;
    x.client_id = client * 7;
    x.last_sequence = Next(&rng) % 100000;
    x.last_index = Next(&rng) % s.last_index;
    x.response = words[Next(&rng) % words.size()];
    x.found = (client & 1) != 0;
    body += 29 + x.response.size();
    s.sessions.push_back(std::move(x));
  }
  for (uint64_t i = 0; body < body_bytes; ++i) {
    std::string key = absl::StrFormat("user/%08d/profile", i);
    const size_t len = value_bytes_mean / 2 + Next(&rng) % value_bytes_mean;
    std::string value;
    value.reserve(len + 16);
    while (value.size() < len) {
      if (Next(&rng) % 16 == 0) {
        value += absl::StrFormat("%u", static_cast<unsigned>(Next(&rng) % 100000));
      } else {
        value += words[Next(&rng) % words.size()];
      }
      value.push_back(' ');
    }
    value.resize(len);
    body += 8 + key.size() + value.size();
    s.kv.emplace_hint(s.kv.end(), std::move(key), std::move(value));
  }
  return s;
}

}  // namespace raftlog::snapshots::format3::testing
