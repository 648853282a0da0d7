// The bridge from a simulated run's history to matrix/lin's checker (per key
// Wing & Gong search with a deterministic budget), as a LinCheckFn.
#ifndef RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_
#define RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_

#include <cstdint>

#include "matrix/lin/history.h"
#include "matrix/sim/simulation.h"

namespace raftlog::sim {

// Checks `history` with the kv model. An unknown verdict (budget exhausted)
// counts as linearizable=true with the reason in `detail`; a checker error
// counts as not linearizable (the history the simulator wrote is malformed).
LinVerdict CheckHistory(const lin::History& history, uint64_t max_states = 2'000'000);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_LINEARIZABILITY_H_
