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
//  - no silent pass: a seed that is not red but whose linearizability search
//    ran out of budget (neither shown linearizable nor not) is UNKNOWN, not
//    a pass, a refusal or a green: nothing was shown about its history. A
//    cell with an unknown seed and no FAIL or UNEXPECTED-GREEN seed is
//    UNKNOWN: it does not match the policy (the runner exits kExitUnknown),
//    and a bigger budget (--lin_max_states) or a smaller history settles it.
#ifndef RAFTLOG_MATRIX_RUNNER_VERDICT_H_
#define RAFTLOG_MATRIX_RUNNER_VERDICT_H_

#include <string>
#include <vector>

#include "matrix/runner/driver.h"

namespace raftlog::runner {

enum class SeedOutcome { kPass, kRefused, kGreen, kFail, kUnknown };
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

enum class CellStatus { kPass, kFail, kRefused, kUnexpectedGreen, kUnknown };
// "PASS", "FAIL", "REFUSED-as-expected", "UNEXPECTED-GREEN", "UNKNOWN".
const char* CellStatusName(CellStatus s);
// Matches the policy: PASS or REFUSED-as-expected.
inline bool CellOk(CellStatus s) { return s == CellStatus::kPass || s == CellStatus::kRefused; }

// The runner's exit status (documented in README.md and --help).
inline constexpr int kExitOk = 0;         // every cell matches the policy
inline constexpr int kExitMismatch = 1;   // some cell is FAIL or UNEXPECTED-GREEN
inline constexpr int kExitUsage = 2;      // a usage or configuration error
inline constexpr int kExitUnknown = 3;    // no mismatch, but some cell is UNKNOWN
// The exit status for a set of cell statuses: a mismatch outranks UNKNOWN
// (a definite finding over a missing one), UNKNOWN outranks every match.
int ExitCodeFor(const std::vector<CellStatus>& cells);

struct CellVerdict {
  CellStatus status = CellStatus::kPass;
  int seeds = 0;
  int matching = 0;  // seeds whose outcome matches the policy
};

CellVerdict Aggregate(const std::vector<SeedVerdict>& seeds, bool supported);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_VERDICT_H_
