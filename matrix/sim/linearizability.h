// The bridge from a simulated run's history to matrix/lin's checker (per key
// Wing & Gong search with a deterministic budget), as a LinCheckFn.
#ifndef RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_
#define RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_

#include <cstdint>

#include "matrix/lin/history.h"
#include "matrix/sim/simulation.h"

namespace raftlog::sim {

// The default per-key search budget (configurations entered by one search).
// Sized on the fast matrix: its largest search needs far fewer (the runner's
// telemetry reports the largest, per cell and for the run).
inline constexpr uint64_t kDefaultLinMaxStates = 2'000'000;

// Checks `history` with the kv model. An unknown verdict (some key's search
// ran out of budget) sets `unknown` with the key and budget in `detail`
// (`linearizable` stays true: nothing was shown wrong, and nothing shown
// right either); a checker error counts as not linearizable (the history the
// simulator wrote is malformed). `states` and `max_search_states` carry the
// search's size either way.
LinVerdict CheckHistory(const lin::History& history, uint64_t max_states = kDefaultLinMaxStates);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_
