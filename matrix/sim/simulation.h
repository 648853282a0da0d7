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
//
// The run loop, the firing of the plan's faults and the heal are one class,
// Simulation; Simulate() runs it through the phases above. A caller with
// more to do (the matrix runner's scenario steps) drives a Simulation of its
// own: it schedules its actions into the same queue (Schedule: ties keep
// their scheduling order, faults and caller actions alike), reacts after
// every event and to faults through SimulationHooks, and runs the phases
// itself with RunUntil and Heal.
#ifndef RAFTLOG_MATRIX_SIM_SIMULATION_H_
#define RAFTLOG_MATRIX_SIM_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "matrix/check/checker_set.h"
#include "matrix/lin/history.h"
#include "matrix/sim/cluster.h"
#include "matrix/sim/plan.h"
#include "matrix/sim/trace.h"
#include "matrix/sim/workload.h"

namespace raftlog::sim {

struct LinVerdict {
  bool checked = false;      // a checker ran
  bool linearizable = true;
  // The search ran out of budget on some key: neither shown linearizable nor
  // shown not (`linearizable` stays true, nothing was shown wrong). Never a
  // pass: the runner judges such a run UNKNOWN.
  bool unknown = false;
  uint64_t states = 0;       // configurations explored, every key and search
  uint64_t max_search_states = 0;  // the largest single search (what the budget bounds)
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
  // Stop once simulated time reaches this (a trace window ending there).
  uint64_t stop_after_us = UINT64_MAX;
  // Running out of max_steps stops the run (later phases do not run);
  // otherwise the current phase ends there and later ones end at once.
  bool stop_at_step_bound = false;
  // Trace lines for the clients (invoke, complete, retry, timeout) and for
  // the ends of drift, slow-disk and storm faults.
  bool trace_clients = true;
  bool trace_fault_ends = true;
  // Heal() puts every clock back on its drift at the start of the run.
  bool heal_restores_drift = true;
};

// What every run reports, whoever drives it: filled once by
// Simulation::Outcome, then extended by Simulate's SimResult and by the
// matrix runner's RunResult (matrix/runner/driver.h). The linearizability
// verdict is the driver's (Run() or the runner checks the history itself).
struct RunOutcome {
  uint64_t seed = 0;
  uint64_t digest = 0;
  uint64_t trace_events = 0;
  uint64_t sim_time_us = 0;
  uint64_t loop_steps = 0;     // events the run loop handled
  bool hit_step_bound = false; // max_steps ran out (a driver bug or a livelock)
  ClusterStats cluster;
  NetworkStats network;
  std::map<std::string, uint64_t> release_counters;
  // The same per release tag (what each release did: feature coverage).
  std::map<std::string, std::map<std::string, uint64_t>> release_counters_by_tag;
  std::map<DecodeErrorKey, uint64_t> decode_errors;
  std::vector<Refusal> refusals;
  std::map<int, CohortStats> cohorts;
  uint64_t ops_completed = 0, acked_writes = 0;
  uint64_t faults_fired = 0, faults_skipped = 0;
  uint64_t safety_violations = 0;
  uint64_t liveness_violations = 0;
  std::vector<check::Violation> violations;  // safety first
  std::string verdicts;                      // one line per checker
  LinVerdict lin;
  std::string trace_tail;    // the last kept trace lines of the run
  bool read_back_done = false;
};

// Simulate()'s result: the outcome plus what the simulator's own report and
// shrinker use.
struct SimResult : RunOutcome {
  DiskStats disk;
  std::string workload_stats;
  uint64_t late_replies = 0, stale_hints_ignored = 0;
  uint64_t first_violation_us = 0;
  lin::History history;
  std::string state_table;   // every node at the end
  // At the first safety violation: the kept trace lines up to it and every
  // node's state right after it (empty when the run was safe).
  std::string violation_window;
  std::string violation_state_table;

  // A safety violation or a non-linearizable history.
  bool failed() const { return safety_violations > 0 || (lin.checked && !lin.linearizable); }
  // Multi-line human summary: digest, counters, verdicts.
  std::string Summary() const;
};

// What a caller plugs into a Simulation's loop; every hook is optional.
class SimulationHooks {
 public:
  virtual ~SimulationHooks() = default;
  // After every event of the loop (a scheduled action, a node step, a client
  // step), before the checkers see the new time.
  virtual void AfterEvent() {}
  // A client write was acknowledged (after the checkers saw it).
  virtual void OnAck(const check::Ack& ack) {}
  // Nodes outside the cluster for the caller (removed members): faults do not
  // pick them, partitions leave them out, Heal() does not restart them.
  virtual bool Excluded(api::NodeId id) const { return false; }
  // Non-null: faults of this kind are the caller's business; they are
  // counted as fired and then skipped with this reason.
  virtual const char* SkipFault(FaultKind kind) const { return nullptr; }
  // A fault began: its band on a timeline (0 = cluster-wide, duration 0 =
  // an instant).
  virtual void OnFaultBand(uint64_t duration_us, api::NodeId node, const std::string& label) {}
  // Restart a node a fault or a caller's action took down (tag "": the
  // node's last good release; `step` as given to ScheduleRestart, -1 for a
  // fault). Also called by Heal() for every down node not excluded. Return
  // false to get the default (start it with `tag`, else its last release).
  virtual bool Restart(api::NodeId id, const std::string& tag, int step) { return false; }
  // Heal() is about to heal everything.
  virtual void BeforeHeal() {}
};

// One run's state and its loop. Not copyable; single-threaded.
class Simulation {
 public:
  // `options`, `plan` and `hooks` (may be null) must outlive the simulation.
  Simulation(const SimOptions& options, const Plan& plan, SimulationHooks* hooks = nullptr);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Simulate()'s phases, start to result.
  SimResult Run();

  // Schedules the plan's faults (call once, before running).
  void ScheduleFaults();
  // Runs events until the next one is past `end` (then time advances to
  // `end`), `done()` holds after an event, or the run stops.
  template <typename Done>
  void RunUntil(uint64_t end, Done done) {
    while (StepOnce(end)) {
      if (done()) return;
    }
    if (!stopped_ && cluster_.now() < end && end != UINT64_MAX) cluster_.AdvanceTo(end);
  }
  void RunUntil(uint64_t end) {
    RunUntil(end, [] { return false; });
  }
  // Heals every fault (pending restores are dropped), restarts down nodes,
  // re-adds voters a membership fault removed, tells the checkers.
  void Heal();

  // `fn` runs at `time_us` (REQUIRES: >= now()), after actions scheduled
  // earlier for the same time.
  void Schedule(uint64_t time_us, std::function<void()> fn);
  // Restart of `node` at `time_us` (see SimulationHooks::Restart).
  void ScheduleRestart(uint64_t time_us, api::NodeId node, std::string tag, int step = -1);
  // Heal of partition `id` at `time_us`.
  void ScheduleHealPartition(uint64_t time_us, int id);

  Cluster& cluster() { return cluster_; }
  const Cluster& cluster() const { return cluster_; }
  Workload& workload() { return workload_; }
  Trace& trace() { return trace_; }
  check::CheckerSet& checkers() { return checkers_; }
  lin::History& history() { return history_; }
  uint64_t now() const { return cluster_.now(); }
  uint64_t steps() const { return steps_; }
  bool stopped() const { return stopped_; }
  bool hit_step_bound() const { return hit_step_bound_; }
  uint64_t faults_fired() const { return faults_fired_; }
  uint64_t faults_skipped() const { return faults_skipped_; }
  // The outcome so far (the checkers' Finish and the lin check are the
  // caller's in a custom run; Run() does both). Leaves the history in place.
  RunOutcome Outcome(bool read_back_done) const;
  // The outcome and the rest of Simulate's result; moves the history out.
  SimResult Result(bool read_back_done);

 private:
  enum class ActionKind {
    kFault,          // plan.faults[index] fires
    kRestart,        // node restarts with tag
    kHealPartition,  // partition `amount` heals
    kRestoreDrift,   // node's drift back to amount
    kRestoreDisk,    // node's slow fsync ends
    kEndStorm,
    kAddBack,        // membership: add node back as voter
    kCall,           // a caller's action
  };
  struct Action {
    uint64_t time_us = 0;
    uint64_t seq = 0;
    ActionKind kind = ActionKind::kFault;
    size_t index = 0;
    api::NodeId node = 0;
    std::string tag;
    int64_t amount = 0;
    int step = -1;
    std::function<void()> fn;
  };
  struct ActionLater {
    bool operator()(const Action& a, const Action& b) const {
      return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
    }
  };

  // One event; false when the loop ends (nothing due by `end`, stopped, or
  // out of steps).
  bool StepOnce(uint64_t end);
  // An action of `kind` at `time_us` (for `node`, where it has one); the
  // caller sets the rest of its fields and pushes it.
  static Action NewAction(uint64_t time_us, ActionKind kind, api::NodeId node = 0);
  void Push(Action a);
  uint64_t NextAction() const { return actions_.empty() ? UINT64_MAX : actions_.top().time_us; }
  void Progress();
  api::NodeId Resolve(api::NodeId n) const;
  void Skip(const Fault& f, absl::string_view why);
  void Do(Action& a);
  void Fire(const Fault& f);
  void Band(uint64_t duration_us, api::NodeId node, const std::string& label);
  void OnAdminReply(const AdminReply& ar);

  const SimOptions& o_;
  const Plan& plan_;
  SimulationHooks* hooks_;
  Trace trace_;
  check::CheckerSet checkers_;
  lin::History history_;
  Cluster cluster_;
  Workload workload_;
  std::priority_queue<Action, std::vector<Action>, ActionLater> actions_;
  uint64_t next_seq_ = 0;
  uint64_t steps_ = 0;
  bool stopped_ = false;
  bool hit_step_bound_ = false;
  bool window_taken_ = false;
  std::string violation_window_, violation_table_;
  uint64_t next_progress_ = 0;
  uint64_t faults_fired_ = 0, faults_skipped_ = 0;
  std::map<api::NodeId, std::string> good_tag_;
  std::map<api::NodeId, int64_t> initial_drift_;
  std::map<api::NodeId, int> slow_disks_;
  std::set<api::NodeId> removed_;  // voters removed by a fault and not yet re-added
  std::map<api::NodeId, int> readd_failures_;
  int storms_ = 0;
  LinkFaults storm_;
};

// The plan a seed implies under `options`.
Plan MakePlan(const SimOptions& options);
SimResult Simulate(const SimOptions& options, const Plan& plan);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_SIMULATION_H_
