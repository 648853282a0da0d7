// Shrinking a failing run: delta debugging (ddmin.h) over the run's
// scheduled events (faults and client operations, see plan.h), keeping the
// seed, so the network, disk and clock draws stay those of the failing run's
// streams. A candidate sub-plan "still fails" when its run fails the same way:
// its earliest safety violation is of a checker the original run reported, or
// its history is not linearizable when that was the original's only failure.
#ifndef RAFTLOG_MATRIX_SIM_SHRINK_H_
#define RAFTLOG_MATRIX_SIM_SHRINK_H_

#include <functional>
#include <string>

#include "matrix/sim/plan.h"
#include "matrix/sim/simulation.h"

namespace raftlog::sim {

struct ShrinkResult {
  Plan plan;          // the smallest failing plan found
  SimResult result;   // its run
  int runs = 0;       // simulations spent
  bool reproduced = false;  // the original plan failed at all
  SimOptions options;       // reproduces `result` with `plan` (stops at the violation)
  std::string log;    // one line per accepted reduction
  // The shrunk run's trace: every event but deliveries, drops and ticks, and
  // the last lines before it ended.
  std::string story;
};

// REQUIRES: options describe the failing run. At most `max_runs` simulations.
// `progress` (optional) gets a line per accepted reduction.
ShrinkResult Shrink(const SimOptions& options, const Plan& plan, int max_runs = 300,
                    std::function<void(const std::string&)> progress = nullptr);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_SHRINK_H_
