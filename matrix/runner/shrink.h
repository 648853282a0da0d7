// Shrinking a failing scenario run to a short trace: delta debugging (ddmin,
// complements only) over the plan's background events (faults, then client
// operations); the scenario steps stay, since they are what the cell is.
// Like matrix/sim's shrinker it keeps the seed, so the network, disk and
// clock draws are those of the failing run's streams.
//
// "Still fails" means: the earliest safety violation comes from the same
// checker as the original's, or, when the original's only failure was the
// history, the history is still not linearizable.
#ifndef RAFTLOG_MATRIX_RUNNER_SHRINK_H_
#define RAFTLOG_MATRIX_RUNNER_SHRINK_H_

#include <functional>
#include <string>
#include <vector>

#include "matrix/runner/driver.h"
#include "matrix/runner/scenario.h"

namespace raftlog::runner {

struct ShrinkOutcome {
  bool reproduced = false;  // the original plan failed at all
  ScenarioPlan plan;        // the smallest failing plan found
  RunResult result;         // its run (stopped at the violation)
  size_t events_before = 0;
  size_t events_after = 0;
  int runs = 0;
};

// REQUIRES: `plan` fails under `options` (safety or linearizability).
// At most `max_runs` executions.
ShrinkOutcome ShrinkPlan(const ScenarioPlan& plan, const ExecOptions& options, int max_runs);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_SHRINK_H_
