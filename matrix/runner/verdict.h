// Verdicts: one run (a seed) judged against what the policy declares for its
// cell, and a cell's seeds folded into the cell's status.
//
// The rules (both ways, like protobuf's conformance failure list):
//  - a safety or durability violation, a non-linearizable history, or an
//    incomplete read-back (acknowledged data not readable after healing) is
//    red whatever the policy says;
//  - declared supported: every check passes on every seed, no node refuses,
//    no message is rejected, no wait stalls, liveness holds -> PASS;
//    anything else -> FAIL;
//  - declared unsupported: the cluster refuses cleanly (a node refuses to
//    start with a clear Status, or peers reject messages with a counted,
//    attributed error, or the leader refuses the request) with nothing lost
//    -> REFUSED (as expected); a liveness loss without any refusal -> FAIL
//    (neither served nor refused); a seed that passes everything without a
//    refusal -> UNEXPECTED-GREEN: the policy is stale.
#ifndef RAFTLOG_MATRIX_RUNNER_VERDICT_H_
#define RAFTLOG_MATRIX_RUNNER_VERDICT_H_

#include <string>
#include <vector>

#include "matrix/runner/driver.h"

namespace raftlog::runner {

enum class SeedOutcome { kPass, kRefused, kGreen, kFail };
const char* SeedOutcomeName(SeedOutcome o);

struct SeedVerdict {
  SeedOutcome outcome = SeedOutcome::kPass;
  bool matches_policy = true;
  // Why it failed (or, for kRefused, the refusals), most important first.
  std::vector<std::string> reasons;
  std::vector<std::string> refusals;   // every refusal observed
  std::vector<std::string> notes;      // not failures: not-supported steps, missed elections
  std::string first_violation;         // first safety violation (checker @time: message)
};

// `unsupported_why` (optional) names what the policy lacks, for the message
// of an unexpected green: "downgrade_after_finalize for v1 -> v2".
SeedVerdict Judge(const RunResult& r, bool supported, const std::string& unsupported_why = "");

enum class CellStatus { kPass, kFail, kRefused, kUnexpectedGreen };
// "PASS", "FAIL", "REFUSED-as-expected", "UNEXPECTED-GREEN".
const char* CellStatusName(CellStatus s);
// Matches the policy: PASS or REFUSED-as-expected.
inline bool CellOk(CellStatus s) { return s == CellStatus::kPass || s == CellStatus::kRefused; }

struct CellVerdict {
  CellStatus status = CellStatus::kPass;
  int seeds = 0;
  int matching = 0;  // seeds whose outcome matches the policy
};

CellVerdict Aggregate(const std::vector<SeedVerdict>& seeds, bool supported);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_VERDICT_H_
