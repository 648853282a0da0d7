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

#include <string>

#include "absl/status/status.h"
#include "matrix/runner/matrix.h"

namespace raftlog::runner {

// Rows: scenarios; columns: pairs; cells "PASS 8/8" (seeds matching the
// policy / seeds run). ANSI colors when `color`. Followed by one block per
// cell that does not match the policy (reason and reproduction command) and a
// summary line.
std::string TerminalTable(const MatrixResult& m, bool color);
std::string JsonReport(const MatrixResult& m);
std::string MarkdownReport(const MatrixResult& m);
std::string HtmlReport(const MatrixResult& m);

// Writes report.md, report.json and report.html into `dir` (created if
// missing).
absl::Status WriteReports(const MatrixResult& m, const std::string& dir);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_REPORT_H_
