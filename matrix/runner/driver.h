// The scenario driver: executes a ScenarioPlan on matrix/sim's cluster,
// workload and checkers, in simulated time, and returns everything a verdict
// and a report need.
//
// It runs on matrix/sim's run loop (sim::Simulation, simulation.h), with
// matrix/sim's phases: steps and background faults, heal, liveness, drain,
// read-back; safety checkers after every node step throughout. Through
// sim::SimulationHooks and scheduled actions it adds what a scenario needs:
// steps that wait on the cluster (checks, administrative requests with
// retries, elections), nodes that join or leave, a per-node table before and
// after every step, refusals attributed to the step that caused them, and
// telemetry sampled from ProtocolState.
//
// Step outcomes:
//  ok             did what it says;
//  not supported  a release answered kUnimplemented (e.g. finalize on a
//                 release without a cluster version): a no-op, not a failure;
//  not achieved   an election nudge that did not make the node leader in
//                 time (the topology it aimed at was not reached);
//  refused        a node refused to start with the new release, or the
//                 leader refused an administrative request for good; the
//                 rollout stops there (later rollout steps are skipped) and
//                 the refused node goes back to its previous release;
//  stalled        a wait ran out of time (the cluster did not commit, a node
//                 did not catch up, a request never got an answer);
//  skipped        not applicable (rollout stopped, node removed or down);
//  wrong outcome  the step's claim was checked and is false: a request gated
//                 off here was accepted, a learner cut off and behind was
//                 promoted, a catch-up over a compacted gap happened without
//                 a snapshot install (red whatever the policy says).
#ifndef RAFTLOG_MATRIX_RUNNER_DRIVER_H_
#define RAFTLOG_MATRIX_RUNNER_DRIVER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "matrix/check/checker.h"
#include "matrix/lin/history.h"
#include "matrix/runner/sampler.h"
#include "matrix/runner/op_bars.h"
#include "matrix/runner/scenario.h"
#include "matrix/sim/cluster.h"
#include "matrix/sim/simulation.h"
#include "matrix/sim/workload.h"

namespace raftlog::runner {

struct ExecOptions {
  sim::FindReleaseFn find_release;  // REQUIRED
  bool lin_check = true;
  uint64_t lin_max_states = 2'000'000;
  size_t trace_keep = 400;
  bool stop_at_violation = false;   // for the trace window and the shrinker
  uint64_t stop_after_us = UINT64_MAX;  // end the run at this simulated time (a trace window)
  uint64_t max_steps = 100'000'000;
};

// One node's row of the state table.
struct NodeRow {
  api::NodeId id = 0;
  std::string status;   // up, stopped, crashed, refused, removed
  std::string release;
  uint32_t cluster_version = 0;
  uint64_t term = 0;
  std::string role;
  api::NodeId leader = 0;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t last = 0;
  uint64_t snapshot = 0;
  std::string config;
};

enum class StepResult { kOk, kNotSupported, kNotAchieved, kRefused, kStalled, kSkipped,
                        kWrongOutcome };
const char* StepResultName(StepResult r);

struct StepRecord {
  size_t number = 0;  // 1-based, as in the plan
  Step step;
  uint64_t start_us = 0;
  uint64_t end_us = 0;
  StepResult result = StepResult::kOk;
  std::string detail;
  std::vector<NodeRow> before;  // when the step began
  std::vector<NodeRow> after;   // when the next step began (or at heal)
};

// A fault as a band on the timeline.
struct FaultBand {
  uint64_t from_us = 0;
  uint64_t to_us = 0;
  api::NodeId node = 0;  // 0: cluster-wide
  std::string label;
};

// What the simulation reports (sim::RunOutcome: digest, counters, checkers'
// findings, the linearizability verdict) plus the scenario's own record.
// The checkers' verdict lines leave out the sampler's (it only collects
// telemetry).
struct RunResult : sim::RunOutcome {
  std::string scenario, from, to;
  uint64_t heal_us = 0;
  // Automatic rollbacks of a staged rollout and what triggered each.
  std::vector<std::string> rollbacks;
  std::vector<NodeRow> final_rows;
  std::vector<StepRecord> steps;
  bool rollout_stopped = false;  // a rollout step was refused
  std::vector<HistoryEvent> config_history;
  std::vector<HistoryEvent> version_history;
  std::map<std::pair<std::string, std::string>, uint64_t> installs;
  std::vector<Segment> timeline;
  std::vector<FaultBand> bands;
  // Client operations around the first violation (empty when trace_keep is 0,
  // as in the matrix's per-seed runs: an artifact reruns its seed).
  std::vector<OpBar> op_bars;
  // Counts of the scenario faults (adversary injections by cluster-version
  // judgement, kind, identity and outcome; inputs a paused node got late and
  // the most it held; the overload storm's rejections and queue peak).
  std::map<std::string, uint64_t> fault_telemetry;
  // The run's client history (times in simulated microseconds): latency
  // telemetry, and --write-history.
  lin::History history;

  bool safety_failed() const { return safety_violations > 0; }
  bool lin_failed() const { return lin.checked && !lin.linearizable; }
  // Steps by result.
  size_t Count(StepResult r) const;
};

RunResult Execute(const ScenarioPlan& plan, const ExecOptions& options);

// The table as text: "node status release cv term role leader commit ...".
std::string RowsToString(const std::vector<NodeRow>& rows);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_DRIVER_H_
