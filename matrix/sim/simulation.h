// One simulated run, start to verdict: builds the cluster, the workload and
// the checkers from the options, executes a Plan in simulated time, and
// returns everything a report needs.
//
// Phases (TigerBeetle's VOPR: safety under faults, then liveness once healed):
//  1. faults [0, duration): the plan's faults fire on schedule, clients run;
//  2. heal at `duration`: partitions and link faults healed, slow disks and
//     drifts restored, every down node restarted (with the last release that
//     started on it); checkers are told (conditional liveness arms);
//  3. liveness [duration, duration + liveness): clients keep running;
//  4. drain: clients stop issuing; outstanding operations finish or give up;
//  5. read-back: a fresh client reads every key (durability via the history);
//  then the checkers finish and the history goes to the linearizability
//  checker, when one is plugged in.
// Safety invariants are checked after every step throughout.
#ifndef RAFTLOG_MATRIX_SIM_SIMULATION_H_
#define RAFTLOG_MATRIX_SIM_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "matrix/check/checker_set.h"
#include "matrix/lin/history.h"
#include "matrix/sim/cluster.h"
#include "matrix/sim/plan.h"
#include "matrix/sim/workload.h"

namespace raftlog::sim {

struct LinVerdict {
  bool checked = false;      // a checker ran
  bool linearizable = true;
  std::string detail;        // the checker's own words
};
using LinCheckFn = std::function<LinVerdict(const lin::History&)>;

struct SimOptions {
  uint64_t seed = 1;
  uint64_t duration_us = 10'000'000;   // fault phase
  uint64_t liveness_us = 5'000'000;    // after healing
  uint64_t drain_us = 20'000'000;      // bound on phases 4 and 5 each
  bool read_back = true;
  ClusterOptions cluster;              // tags, timing, network and disk faults
  WorkloadOptions workload;
  FaultOptions faults;
  check::CheckerOptions checks;
  bool checks_enabled = true;
  size_t trace_keep = 400;             // trace lines kept for the failure window
  uint64_t max_steps = 200'000'000;    // a bound on everything
  // Progress lines every `progress_every_us` of simulated time (if set).
  std::function<void(const std::string&)> progress;
  uint64_t progress_every_us = 1'000'000;
  LinCheckFn lin_check;                // optional
  // Stop at the first safety violation (for shrinking and quick failure).
  bool stop_at_violation = false;
};

struct SimResult {
  uint64_t seed = 0;
  uint64_t digest = 0;
  uint64_t trace_events = 0;
  uint64_t sim_time_us = 0;
  uint64_t steps = 0;
  ClusterStats cluster;
  NetworkStats network;
  DiskStats disk;
  std::map<std::string, uint64_t> release_counters;
  std::map<DecodeErrorKey, uint64_t> decode_errors;
  std::vector<Refusal> refusals;
  std::string workload_stats;
  uint64_t ops_completed = 0, acked_writes = 0, late_replies = 0, stale_hints_ignored = 0;
  uint64_t faults_fired = 0, faults_skipped = 0;
  uint64_t safety_violations = 0;
  uint64_t liveness_violations = 0;
  std::vector<check::Violation> violations;
  std::string verdicts;
  uint64_t first_violation_us = 0;
  LinVerdict lin;
  lin::History history;
  std::string trace_tail;    // the last kept trace lines of the run
  std::string state_table;   // every node at the end
  // At the first safety violation: the kept trace lines up to it and every
  // node's state right after it (empty when the run was safe).
  std::string violation_window;
  std::string violation_state_table;
  bool read_back_done = false;

  // A safety violation or a non-linearizable history.
  bool failed() const { return safety_violations > 0 || (lin.checked && !lin.linearizable); }
  // Multi-line human summary: digest, counters, verdicts.
  std::string Summary() const;
};

// The plan a seed implies under `options`.
Plan MakePlan(const SimOptions& options);
SimResult Simulate(const SimOptions& options, const Plan& plan);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_SIMULATION_H_
