// The project's one delta-debugging loop (Zeller's ddmin, complements only),
// shared by every shrinker: the simulator's (a plan's scheduled events), the
// runner's (a scenario's background), the canary detector's, and the
// explorer's random walks (a violating choice sequence).
#ifndef RAFTLOG_MATRIX_SIM_DDMIN_H_
#define RAFTLOG_MATRIX_SIM_DDMIN_H_

#include <cstddef>
#include <functional>
#include <vector>

namespace raftlog::sim {

// Removes one of n chunks of `keep` at a time while `fails` still holds for
// what is left (granularity n doubles when no chunk can go, and drops by one
// after a success), and returns the smallest such subset found: once n
// reaches the size with nothing removable, no single item can go (1-minimal).
// `fails` is called only while `budget_left()` holds; it records whatever it
// needs about an accepted candidate itself. REQUIRES: fails(keep) holds.
std::vector<size_t> DdminComplements(std::vector<size_t> keep,
                                     const std::function<bool()>& budget_left,
                                     const std::function<bool(const std::vector<size_t>&)>& fails);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_DDMIN_H_
