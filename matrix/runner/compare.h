// Run-to-run comparison of two matrix reports (report.json, checked against
// report.schema.json first): what changed between a base run and a head run.
//
//   bazel run //matrix:runner -- --compare=BASE/report.json [run flags]
//       runs the matrix, then compares BASE with the run just made;
//   bazel run //matrix:compare -- BASE/report.json HEAD/report.json [--out=DIR]
//       compares two runs already made (DIR: HEAD's directory by default).
//
// Both print the comparison and write compare.md and compare.json next to
// the head run's reports. What is compared:
//  - cells whose status changed, and cells present in one run only;
//  - violations (a seed that does not match the policy, by cell, outcome and
//    first reason, with its seeds) present in one run only: new, vanished;
//  - per-cell telemetry that moved beyond a threshold: counts per seed run
//    (so runs with different --seeds compare), simulated latency as is; a
//    metric moved when it changed by at least its absolute floor AND by at
//    least the relative threshold of the base value;
//  - the run's seeds per second, wall time and summary counts.
// The comparison is about reports, not the runs' configuration: a cell is
// (scenario, from, to) whatever the mode or seeds, which are printed.
#ifndef RAFTLOG_MATRIX_RUNNER_COMPARE_H_
#define RAFTLOG_MATRIX_RUNNER_COMPARE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"

namespace raftlog::runner {

struct CompareOptions {
  // A metric moved when |head - base| >= its floor and >= this share of base.
  double relative_threshold = 0.25;
};

// One telemetry metric and the smallest change that counts for it.
struct CompareMetric {
  const char* name;   // "elections", "latency.p99_ms" (a path in telemetry)
  double floor;       // absolute
  bool per_run;       // divided by telemetry.runs before comparing
};
// The metrics compared, in report order.
const std::vector<CompareMetric>& CompareMetrics();

struct CellStatusChange {
  std::string cell;         // "scenario from->to"
  std::string base, head;   // statuses; "absent" when not in that run
  bool worse = false;       // head is further from the policy than base
};

struct ViolationGroup {
  std::string cell;
  std::string outcome;      // fail, green, unknown (the seed's outcome)
  std::string reason;       // the seed's first reason
  std::vector<uint64_t> seeds;
};

struct MetricMove {
  std::string cell;
  std::string metric;
  double base = 0, head = 0;  // per seed run where CompareMetric::per_run
  bool per_run = false;
};

struct Comparison {
  std::string base_name, head_name;
  std::string base_mode, head_mode;
  uint64_t base_seeds_run = 0, head_seeds_run = 0;
  double base_wall_s = 0, head_wall_s = 0;
  double base_seeds_per_s = 0, head_seeds_per_s = 0;
  std::string base_summary, head_summary;  // the reports' summary lines
  size_t cells_compared = 0;              // in both runs
  std::vector<CellStatusChange> status_changes;
  std::vector<ViolationGroup> new_violations, vanished_violations;
  std::vector<MetricMove> moved;
  double relative_threshold = 0;

  // A cell got further from the policy, or a violation appeared.
  bool worse() const;
};

// REQUIRES: both checked with CheckReport (report_schema.h).
Comparison CompareReports(const google::protobuf::Value& base, const google::protobuf::Value& head,
                          const std::string& base_name, const std::string& head_name,
                          const CompareOptions& options = {});

std::string ComparisonText(const Comparison& c);      // terminal
std::string ComparisonMarkdown(const Comparison& c);  // compare.md
std::string ComparisonJson(const Comparison& c);      // compare.json

// Writes compare.md and compare.json into `dir` (which must exist).
absl::Status WriteComparison(const Comparison& c, const std::string& dir);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_COMPARE_H_
