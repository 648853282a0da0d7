// report.xml: a matrix run as JUnit XML, the format CI test views read
// (the Ant/Jenkins layout; the schema checked in at
// matrix/runner/testdata/junit.xsd is what this file promises).
//
//   <testsuites>         totals over every suite (time: the cells' wall
//                        seconds summed, which exceeds the run's elapsed
//                        time when cells ran side by side, --jobs)
//     <testsuite>        one per scenario (name = scenario)
//       <testcase>       one per cell (classname = scenario, name = "from->to",
//                        time = the cell's wall seconds)
//         <properties>   one property per seed: name "seed.N", value its
//                        outcome (pass, refused, green, fail, unknown)
//         <failure>      FAIL and UNEXPECTED-GREEN cells (do not match the
//                        policy): message = first violated invariant or
//                        reason, type = diagnosis class; the text carries the
//                        seed and the reproduction command
//         <error>        UNKNOWN cells (nothing was shown: not a pass)
//         <system-out>   the cell's status line and policy
//
// The classification mirrors report.cc: PASS and REFUSED-as-expected match
// the policy and are passes (a refusal the policy expects is the release
// behaving as declared, not a skip), so <skipped> is never written and the
// skipped totals are 0. Output is a pure function of the MatrixResult: the
// same result gives the same bytes (no timestamps, no host names).
#ifndef RAFTLOG_MATRIX_RUNNER_REPORT_JUNIT_H_
#define RAFTLOG_MATRIX_RUNNER_REPORT_JUNIT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "matrix/runner/matrix.h"

namespace raftlog::runner {

std::string JunitReport(const MatrixResult& m);

// report.seeds.xml: the same run one level finer, for a Bazel cell test's
// $XML_OUTPUT_FILE (matrix/runner/cell_test.sh copies it there): one
// <testsuite> per cell (name "scenario from->to"), one <testcase> per seed
// (classname the cell, name "seed N"); a seed that does not match the policy
// is a <failure> (UNKNOWN: an <error>) with its reason, class and
// reproduction command. Seeds are not timed one by one: time is 0.
std::string JunitSeedReport(const MatrixResult& m);

// `s` escaped for XML 1.0 character data and attribute values: & < > " '
// as entities; tab, newline and carriage return as character references (so
// attribute values keep them); other control characters, which XML 1.0 cannot
// carry at all, and bytes that are not well-formed UTF-8 as the visible text
// "\xNN".
std::string XmlEscape(absl::string_view s);
// The same for character data (element text), where tab and newline stay as
// they are, for a readable file.
std::string XmlEscapeText(absl::string_view s);

// The diagnosis class of a cell that does not match the policy, from what
// its artifact kept (the first safety checker, linearizability, livelock,
// read_back, wrong_outcome, lin_unknown, unexpected_green, wire,
// data_loss_on_restart, refusal, liveness). Follows the order of the canary
// classifier (matrix/canaries/detect.h) on the judged seed's verdict.
std::string CellDiagnosisClass(const CellResult& c);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_REPORT_JUNIT_H_
