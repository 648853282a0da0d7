// The matrix: cells (scenario, from, to) x seeds, each seed compiled into a
// plan and executed, judged against the policy, folded into cell verdicts,
// with telemetry summed per cell and failure artifacts for every cell that
// does not match the policy.
//
// Seeds run independently (one simulation never shares state with another),
// so `jobs` worker threads may run them side by side; each simulation itself
// is single-threaded and deterministic, and results are assembled in a fixed
// order, so the output does not depend on `jobs`.
#ifndef RAFTLOG_MATRIX_RUNNER_MATRIX_H_
#define RAFTLOG_MATRIX_RUNNER_MATRIX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matrix/runner/chart.h"
#include "matrix/runner/driver.h"
#include "matrix/runner/scenario.h"
#include "matrix/runner/verdict.h"
#include "matrix/sim/linearizability.h"
#include "versions/policy.h"

namespace raftlog::runner {

struct CellKey {
  std::string scenario;
  std::string from;
  std::string to;
  std::string PairName() const { return from + "->" + to; }
  std::string Name() const { return scenario + " " + PairName(); }
};

// The pairs of a tag list (registry order): every (a, b) with a not newer than b.
std::vector<std::pair<std::string, std::string>> PairsOf(const std::vector<std::string>& tags);

// Runs `worker` on `jobs` threads at once (on the caller's thread when jobs
// <= 1) and returns when every copy returned. Workers share their queue
// themselves (an atomic index); each run's simulation stays single-threaded.
void RunOnThreads(int jobs, const std::function<void()>& worker);

struct MatrixOptions {
  std::vector<std::pair<std::string, std::string>> pairs;  // columns, in order
  std::vector<std::string> scenarios;                      // rows, in order
  std::vector<uint64_t> seeds;                             // every cell runs these
  // Run only seeds whose position in `seeds` is `shard_index` modulo
  // `shard_count` (Bazel's TEST_TOTAL_SHARDS / TEST_SHARD_INDEX).
  int shard_count = 1;
  int shard_index = 0;
  Mode mode = Mode::kFast;
  int jobs = 1;
  int shrink_runs = 80;         // per red cell; 0: no shrinking
  // Keep an artifact (plan, steps, tables, timeline) for every cell, green
  // ones too, of its first seed (reproducing one seed: --seed).
  bool artifacts_for_all = false;
  bool lin = true;
  // Per-search budget of the linearizability check (configurations one
  // search may enter); a seed whose search runs out is UNKNOWN.
  uint64_t lin_max_states = sim::kDefaultLinMaxStates;
  const policy::Policy* policy = nullptr;  // REQUIRED
  // The tag whose declaration the policy is asked about for a cell's tag
  // (null: the tag itself). A canary "v2+ack" is judged as its base "v2".
  std::function<std::string(const std::string&)> policy_tag;
  sim::FindReleaseFn find_release;  // REQUIRED
  // Called after every seed (from worker threads, serialized by the matrix).
  struct Progress {
    size_t cells_done = 0, cells_total = 0;
    size_t seeds_done = 0, seeds_total = 0;
    double elapsed_s = 0;
    std::string last;  // "rolling_upgrade v1->v1 seed 3: pass"
  };
  std::function<void(const Progress&)> progress;
  // Wall-clock seconds since some epoch (progress and timing only; never
  // reaches a simulation). Null: no timing.
  std::function<double()> wall_clock;
  // Called once per cell and seed the matrix runs (not for artifact or
  // shrinking reruns), with the run (its client history included) and its
  // verdict; from worker threads, concurrently (--write-history).
  std::function<void(const CellKey& cell, uint64_t seed, const RunResult& run,
                     const SeedVerdict& verdict)>
      seed_done;
};

struct SeedSummary {
  uint64_t seed = 0;
  SeedOutcome outcome = SeedOutcome::kPass;
  bool matches_policy = true;
  uint64_t digest = 0;
  uint64_t sim_time_us = 0;
  std::string reason;  // first reason, if any
};

// Summed over a cell's seeds (histories: of the first seed run).
struct Telemetry {
  uint64_t runs = 0;
  uint64_t sim_time_us = 0;
  uint64_t elections = 0;       // elections started (release counter)
  uint64_t leader_changes = 0;  // a node observed becoming leader
  uint64_t snapshot_installs = 0, snapshots_sent = 0, compactions = 0;
  uint64_t overloaded = 0, auth_failures = 0, unknown_messages = 0;
  uint64_t start_refusals = 0;
  uint64_t safety_violations = 0, liveness_violations = 0;
  uint64_t ops_completed = 0, acked_writes = 0;
  uint64_t faults_fired = 0, faults_skipped = 0;
  uint64_t crashes = 0, upgrades = 0;
  uint64_t crashes_in_sync = 0;  // of crashes: inside an input, at a sync
  uint64_t rollbacks = 0;                       // automatic, by a staged rollout's gate
  std::vector<std::string> rollback_triggers;   // the first few, with their seed
  uint64_t messages_delivered = 0, messages_dropped = 0;
  std::map<StepResult, uint64_t> steps;  // step outcomes
  std::map<int, sim::CohortStats> cohorts;
  std::map<sim::DecodeErrorKey, uint64_t> decode_errors;
  std::map<std::pair<std::string, std::string>, uint64_t> installs;  // (leader, follower) release
  uint64_t history_seed = 0;
  std::vector<HistoryEvent> config_history;
  std::vector<HistoryEvent> version_history;
  // Linearizability: seeds whose search ran out of budget (UNKNOWN), and the
  // largest single search any seed needed (to size the budget by).
  uint64_t lin_unknown_seeds = 0;
  uint64_t lin_max_search_states = 0;
  // The releases' counters per release tag (feature coverage: coverage.h).
  std::map<std::string, std::map<std::string, uint64_t>> counters_by_release;
  // RunResult::fault_telemetry summed (adversary injections by outcome,
  // pauses, the overload storm's rejections; queue and held peaks: max).
  std::map<std::string, uint64_t> fault_steps;
  // Simulated latency of every answered client operation of every seed (ok,
  // or a cas whose compare failed: an answer, as the staged rollout's gate
  // counts it), as counts per latency rounded down to 3 significant digits:
  // mergeable, and bounded in size however many seeds and operations.
  std::map<uint64_t, uint64_t> latency_counts;
  uint64_t answered_ops = 0;  // the counts summed

  // Records one answered operation's latency.
  void AddLatency(uint64_t latency_us);
  void Add(const RunResult& r);
  // Nearest-rank percentile (0 < p <= 1) of the answered operations'
  // latencies (3 significant digits); 0 when none.
  uint64_t LatencyPercentile(double p) const;
};

// What a red (or unexpectedly green) cell keeps: enough to understand the
// failure without rerunning, and the one command that reruns it.
struct Artifact {
  uint64_t seed = 0;
  SeedVerdict verdict;
  std::string plan_text;
  std::string first_violation;   // first violated invariant, or the first reason
  std::string trace_window;      // kept trace lines, ending at the first violation if any
  std::vector<StepRecord> steps; // with before/after node tables
  std::vector<NodeRow> final_rows;
  std::string verdicts;          // one line per checker
  std::string lin_detail;
  bool shrunk = false;
  size_t shrunk_from = 0, shrunk_to = 0;
  int shrink_runs = 0;
  std::string shrunk_plan;
  std::string shrunk_trace;
  std::string reproduce;
  std::vector<Segment> timeline;
  std::vector<FaultBand> bands;
  std::vector<OpBar> op_bars;
  uint64_t sim_time_us = 0, heal_us = 0;
};

struct CellResult {
  CellKey key;
  policy::Capabilities required;
  policy::Capabilities declared;
  bool supported = false;
  CellVerdict verdict;
  std::vector<SeedSummary> seeds;
  Telemetry telemetry;
  std::optional<Artifact> artifact;
  Chart chart;  // of the cell's first seed (chart.h)
  double wall_s = 0;
};

struct MatrixResult {
  Mode mode = Mode::kFast;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> scenarios;
  std::string policy_file;
  std::vector<CellResult> cells;  // scenario-major, in option order
  uint64_t seeds_run = 0;
  double wall_s = 0;
  int jobs = 1;
  bool lin = true;
  uint64_t lin_max_states = 0;  // the budget the run used
  bool ok() const;  // every cell matches the policy
  // kExitOk, kExitMismatch or kExitUnknown (verdict.h).
  int exit_code() const;
  // Over every cell: seeds UNKNOWN for their linearizability search, and the
  // largest single search.
  uint64_t lin_unknown_seeds() const;
  uint64_t lin_max_search_states() const;
  const CellResult* Find(const std::string& scenario, const std::string& from,
                         const std::string& to) const;
};

// "bazel run //matrix:runner -- --scenarios=S --pairs=A:B --seed=N [--mode=full]"
// (//matrix:canary_runner when either tag is a canary)
std::string ReproduceCommand(const CellKey& key, uint64_t seed, Mode mode);

MatrixResult RunMatrix(const MatrixOptions& options);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_MATRIX_H_
