// A cell's chart (report.html draws it for every cell, green ones too): one
// seed's run over simulated time, as client throughput, p50/p99 latency and
// errors per time bin, markers for each upgrade, rollback, finalize, fault
// and election, and per-node lanes of role, release and cluster version.
// Built from the cell's first seed (the matrix keeps no other run's detail).
#ifndef RAFTLOG_MATRIX_RUNNER_CHART_H_
#define RAFTLOG_MATRIX_RUNNER_CHART_H_

#include <cstdint>
#include <string>
#include <vector>

#include "matrix/runner/driver.h"
#include "matrix/runner/sampler.h"

namespace raftlog::runner {

struct ChartBin {
  uint64_t from_us = 0;  // the bin is [from_us, from_us + Chart::bin_us)
  // Client operations completed in the bin: answered (ok, or a cas whose
  // compare failed), errors (refused, or timed out: indeterminate).
  uint64_t answered = 0, errors = 0;
  uint64_t p50_us = 0, p99_us = 0;  // latency of the answered ones
};

struct ChartMarker {
  uint64_t at_us = 0;
  // upgrade (a node to a release: the plan's upgrade steps), rollback (a
  // node back to the older release of the pair, or a gate's automatic
  // rollback), finalize, downgrade (the procedure's request), fault (a fault
  // band begins), election (a node becomes leader).
  std::string kind;
  api::NodeId node = 0;  // 0: the cluster
  std::string label;
};

struct Chart {
  uint64_t seed = 0;  // 0: no chart (no seed ran)
  uint64_t end_us = 0, bin_us = 0;
  std::vector<ChartBin> bins;
  std::vector<ChartMarker> markers;  // by time
  std::vector<Segment> lanes;        // the sampler's timeline
};

// The chart of `run`, compiled from plan (from, to) with `bins` time bins.
Chart BuildChart(const RunResult& run, uint64_t seed, size_t bins = 60);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_CHART_H_
