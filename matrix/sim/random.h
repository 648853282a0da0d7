// Random sub-streams for the simulator. One root seed drives a whole run; each
// model (network, each node's disk, clock and release, the workload, the fault
// schedule) draws from its own stream derived from the root by name, so adding
// a draw in one model does not shift the choices of another.
//
// Only integer arithmetic: probabilities are parts per million, so a seed
// means the same run on every platform.
#ifndef RAFTLOG_MATRIX_SIM_RANDOM_H_
#define RAFTLOG_MATRIX_SIM_RANDOM_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::sim {

// A seed for stream `name` (and optional numeric `sub`, e.g. a node id).
inline uint64_t DeriveSeed(uint64_t root, absl::string_view name, uint64_t sub = 0) {
  api::SeededRandom mix(root ^ api::Fnv1a64(name) ^ (sub * 0x9E3779B97F4A7C15ull));
  mix.Next();
  return mix.Next();
}

// Parts per million: 1'000'000 is certainty.
using Ppm = uint32_t;
inline constexpr Ppm kMillion = 1'000'000;
inline Ppm ToPpm(double probability) {
  if (probability <= 0) return 0;
  if (probability >= 1) return kMillion;
  return static_cast<Ppm>(probability * kMillion + 0.5);
}

// True with probability ppm / 1e6. Draws exactly once, even for 0 and 1e6, so
// that changing a probability does not shift the stream.
inline bool Chance(api::Random& r, Ppm ppm) { return r.Uniform(kMillion) < ppm; }

// Uniform over [lo, hi]. REQUIRES: lo <= hi.
inline uint64_t Between(api::Random& r, uint64_t lo, uint64_t hi) {
  return lo + r.Uniform(hi - lo + 1);
}

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_RANDOM_H_
