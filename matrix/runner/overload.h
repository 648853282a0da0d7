// The `overload` scenario's judgement (its kOverload step): goodput and
// request queues under a retry storm, against admission control.
//
// Windows of simulated time, measured from the client history: a baseline
// (healthy cluster, the same offered load), the storm (the leader's fsyncs
// slow, a noisy neighbour's ticks late, so client attempts time out and
// retries pile up on hot keys), then recovery windows after the storm ends.
// Goodput is the client operations answered successfully per simulated
// second (gate.h's WindowSignals::ok over the window's length).
//
// Judged only where every node runs a release with admission control (it
// exports api::kCounterOverloaded): that is the feature that promises a
// bounded queue and kept goodput. A release without it (v1) queues every
// request and may collapse under a storm by design: its figures are
// reported, and it is held to safety and durability like every run.
#ifndef RAFTLOG_MATRIX_RUNNER_OVERLOAD_H_
#define RAFTLOG_MATRIX_RUNNER_OVERLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "matrix/runner/gate.h"

namespace raftlog::runner {

// Storm goodput must stay at or above this share of the baseline. Why 30%:
// the storm's slow fsync (kStormSyncUs) exceeds the clients' attempt timeout,
// so most first attempts time out even on a healthy leader, and a third of
// the node's election timeout goes to the late neighbour's ticks; a cluster
// that sheds load (kResourceExhausted, the client backs off) still commits
// retried writes in batches and keeps a clear fraction of its goodput. One
// that queues without bound spends its time on attempts nobody waits for
// and drops well below it. Above 50% the threshold would judge the disk,
// not the release.
inline constexpr double kMinStormGoodputShare = 0.30;
// After the storm ends, some recovery window must reach this share of the
// baseline within kRecoveryBoundUs (a queue drained, leadership settled).
inline constexpr double kMinRecoveredGoodputShare = 0.70;
inline constexpr uint64_t kRecoveryWindowUs = 1'000'000;
inline constexpr uint64_t kRecoveryBoundUs = 5'000'000;
// The storm's fsync latency on the leader (every sync), and the noisy
// neighbour's clock rate (its ticks come 2.5x apart).
inline constexpr uint64_t kStormSyncUs = 60'000;
inline constexpr int64_t kNoisyNeighbourDriftPpm = -600'000;
// A baseline with fewer successful operations than this is no baseline.
inline constexpr uint64_t kMinBaselineOk = 20;

struct OverloadFigures {
  WindowSignals baseline, storm;
  std::vector<WindowSignals> recovery;   // in order, until recovered or the bound
  bool admission_control = false;        // every node exports kCounterOverloaded
  uint64_t max_inflight_requests = 0;    // the limit each node was given
  uint64_t open_requests_peak = 0;       // highest queue of any node in the storm
  uint64_t overloaded_replies = 0;       // kResourceExhausted from nodes in the storm
  uint64_t client_timeouts = 0, client_retries = 0, not_leader = 0;  // the storm's, all cohorts
};

double Goodput(const WindowSignals& w);  // ok per simulated second

struct OverloadVerdict {
  bool ok = true;
  std::vector<std::string> failures;  // each broken promise, with its figures
  std::string detail;                 // every figure, for the report
};

OverloadVerdict JudgeOverload(const OverloadFigures& f);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_OVERLOAD_H_
