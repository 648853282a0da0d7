// The staged rollout's gate: signals of a window of simulated time, and the
// decision to go on or to roll back.
//
// A staged rollout upgrades one node first, lets it serve for a window, and
// compares what clients and the cluster saw in that window (error and timeout
// rates, commit latency, leader changes, decode errors, commit progress)
// against a baseline window measured before the upgrade. When a signal
// degrades beyond its threshold the rollout is rolled back automatically;
// the rollback path is then held to every invariant like any other step.
//
// Everything is measured in simulated time from the client history and
// cumulative counters, so one seed gives one decision.
#ifndef RAFTLOG_MATRIX_RUNNER_GATE_H_
#define RAFTLOG_MATRIX_RUNNER_GATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "matrix/lin/history.h"

namespace raftlog::runner {

// Cumulative cluster counters at one instant.
struct CounterSample {
  uint64_t time_us = 0;
  uint64_t leader_changes = 0;  // release counter became_leader, summed
  uint64_t decode_errors = 0;   // messages refused by receivers, summed
  uint64_t commit_index = 0;    // highest commit index of any node up
};

struct WindowSignals {
  uint64_t start_us = 0, end_us = 0;
  // Client operations invoked in the window whose outcome was known by its
  // end (the others are not judged: they may still succeed). A cas whose
  // compare failed counts as ok: it was answered.
  uint64_t ops = 0, ok = 0, failed = 0, indeterminate = 0;
  uint64_t latency_p50_us = 0, latency_p99_us = 0;  // of the ok operations
  uint64_t leader_changes = 0, decode_errors = 0, committed = 0;

  uint64_t length_us() const { return end_us > start_us ? end_us - start_us : 0; }
  // (failed + indeterminate) / ops; 0 without operations.
  double error_rate() const;
  // Entries committed per simulated second.
  double commit_rate() const;
  std::string ToString() const;
};

// `history` is the run's client history so far (times in simulated us).
WindowSignals Measure(const lin::History& history, const CounterSample& start,
                      const CounterSample& end);

// Default thresholds, each relative to the baseline with an absolute slack
// so that the noise of a healthy cluster (1% packet loss, retries) never
// trips them; the gate's own tests pin both sides.
struct GateThresholds {
  double max_error_rate_increase = 0.05;      // absolute: 5 percentage points
  double max_p99_latency_factor = 2.0;        // and at least...
  uint64_t p99_latency_slack_us = 200'000;    // ...this much above the baseline
  uint64_t max_extra_leader_changes = 2;
  uint64_t max_extra_decode_errors = 0;       // a new release nobody can read
  double min_commit_rate_ratio = 0.5;
  uint64_t min_ops = 10;                      // fewer completed: "no traffic served"
};

struct GateDecision {
  bool rollback = false;
  std::vector<std::string> reasons;  // each degraded signal, with both values
  std::string Summary() const;       // "healthy" or the reasons joined
};

GateDecision Judge(const WindowSignals& baseline, const WindowSignals& canary,
                   const GateThresholds& thresholds = GateThresholds());

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_GATE_H_
