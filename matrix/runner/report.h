// Reports of a matrix run: the terminal table, and the files written to the
// output directory: report.md, report.json and a self-contained report.html
// (inline CSS and JavaScript, the data embedded as JSON, no network).
//
// report.json is the source of truth; the HTML renders the same JSON. Every
// cell that does not match the policy carries its artifact: the plan, the
// seed, the first violated invariant, a trace window, the per-node table
// before and after each step, the shrunk plan and trace (for safety and
// linearizability failures), a timeline, and one command that reproduces it.
#ifndef RAFTLOG_MATRIX_RUNNER_REPORT_H_
#define RAFTLOG_MATRIX_RUNNER_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "matrix/runner/matrix.h"
#include "matrix/runner/report_schema.h"

namespace raftlog::runner {

// Rows: scenarios; columns: pairs; cells "PASS 8/8" (seeds matching the
// policy / seeds run). ANSI colors when `color`. Followed by one block per
// cell that does not match the policy (reason and reproduction command) and a
// summary line.
std::string TerminalTable(const MatrixResult& m, bool color);
// JsonReport's "format" field is kReportFormat (report_schema.h); its
// fields are those of matrix/runner/report.schema.json.
std::string JsonReport(const MatrixResult& m);
std::string MarkdownReport(const MatrixResult& m);
std::string HtmlReport(const MatrixResult& m);

// Writes report.md, report.json, report.xml and report.seeds.xml (JUnit XML
// per cell and per seed: report_junit.h) and report.html into `dir`
// (created if missing).
absl::Status WriteReports(const MatrixResult& m, const std::string& dir);

// ---- Canary detection (bazel run //matrix:canary_runner -- --canaries) ----------
//
// One row per canary release (versions/canaries): the default matrix cells
// run against it (from its base and every older tag) until one turns red
// with an expected diagnosis class.
struct CanaryRow {
  std::string tag;                  // "v2+ack"
  std::string base;                 // "v2"
  std::string expected;             // accepted diagnosis classes, '|'-separated
  std::string expected_undetected;  // the registry's note, if any
  bool detected = false;            // red with an accepted class
  std::string cell;                 // "scenario from->tag" that caught it first
  int seeds_to_first = 0;           // the seed (1-based, in seed order) of the first detection
  int runs = 0;                     // simulations spent until then, over every cell
  std::string diagnosis;            // the class found
  std::string reason;               // its first reason
  std::string reproduce;            // one command
  bool shrinkable = false;          // shrinking was attempted (a detection, shrink runs > 0)
  bool shrunk = false;              // the shrinker reproduced it
  size_t shrunk_from = 0, shrunk_to = 0;  // background events before/after shrinking
  size_t shrunk_steps = 0;          // scenario steps (kept by the shrinker)
  uint64_t shrunk_trace = 0;        // trace events of the shrunk run (stopped at the violation)
  std::string schema;               // the wire schema checker's verdict vs older tags, if any
  std::vector<std::string> other;   // reds with another class, control failures
  bool control_red = false;         // the base was red on the catching cell's seeds
};

struct CanaryReport {
  std::vector<CanaryRow> rows;
  int seeds = 0;                    // seeds per cell at most
  std::string scenarios;            // which cells ran ("default matrix" or a list)
  double wall_s = 0;
  // The suite's quality figures (issue targets: 100%, <= 5, < 50).
  int detected = 0;
  double median_seeds = 0;          // over detected canaries
  size_t max_shrunk = 0;            // longest shrunk trace (background events) over shrunk ones
  int shrunk = 0;                   // detected canaries whose failure the shrinker reproduced
  bool targets_met() const;
};

// Fills the figures from the rows.
void Summarize(CanaryReport& r);
std::string CanaryTable(const CanaryReport& r);          // terminal
std::string CanaryMarkdownSection(const CanaryReport& r);
std::string CanaryJson(const CanaryReport& r);
std::string CanaryHtmlSection(const CanaryReport& r);    // a <section>, self-contained
// report.md, report.json and report.html holding the canary section.
absl::Status WriteCanaryReports(const CanaryReport& r, const std::string& dir);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_REPORT_H_
