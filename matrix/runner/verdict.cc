#include "matrix/runner/verdict.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftlog::runner {

const char* SeedOutcomeName(SeedOutcome o) {
  switch (o) {
    case SeedOutcome::kPass: return "pass";
    case SeedOutcome::kRefused: return "refused";
    case SeedOutcome::kGreen: return "green";
    case SeedOutcome::kFail: return "fail";
    case SeedOutcome::kUnknown: return "unknown";
  }
  return "?";
}

const char* CellStatusName(CellStatus s) {
  switch (s) {
    case CellStatus::kPass: return "PASS";
    case CellStatus::kFail: return "FAIL";
    case CellStatus::kRefused: return "REFUSED-as-expected";
    case CellStatus::kUnexpectedGreen: return "UNEXPECTED-GREEN";
    case CellStatus::kUnknown: return "UNKNOWN";
  }
  return "?";
}

SeedVerdict Judge(const RunResult& r, bool supported, const std::string& unsupported_why) {
  SeedVerdict v;
  std::vector<std::string> broken;    // red whatever the policy says
  std::vector<std::string> liveness;  // stalls and liveness violations
  for (const check::Violation& x : r.violations) {
    if (x.liveness) {
      liveness.push_back(absl::StrCat("liveness: ", check::ViolationString(x)));
    } else if (v.first_violation.empty()) {
      v.first_violation = check::ViolationString(x);
    }
  }
  if (r.safety_violations > 0) {
    broken.push_back(absl::StrCat("safety: ", r.safety_violations, " violation(s), first: ",
                                  v.first_violation));
  }
  if (r.lin_failed()) broken.push_back(absl::StrCat("linearizability: ", r.lin.detail));
  if (r.hit_step_bound) broken.push_back("the run hit its step bound (livelock?)");
  if (!r.read_back_done && r.safety_violations == 0) {
    broken.push_back("read-back incomplete: acknowledged data could not be read back after healing");
  }
  for (const sim::Refusal& x : r.refusals) {
    v.refusals.push_back(absl::StrFormat("n%d refused to start as %s at %.3fs: %s", x.node, x.tag,
                                         x.time_us / 1e6, x.status.ToString()));
  }
  for (const auto& [k, n] : r.decode_errors) {
    v.refusals.push_back(absl::StrCat(n, " message(s) rejected: ", std::get<0>(k), " -> ",
                                      std::get<1>(k), " ", std::get<2>(k)));
  }
  for (const StepRecord& s : r.steps) {
    const std::string step = absl::StrCat("step ", s.number, " (", StepKindName(s.step.kind), ")");
    switch (s.result) {
      case StepResult::kRefused:
        v.refusals.push_back(absl::StrCat(step, " refused: ", s.detail));
        break;
      case StepResult::kStalled:
        liveness.push_back(absl::StrCat(step, " stalled: ", s.detail));
        break;
      case StepResult::kNotAchieved:
        if (s.step.kind == StepKind::kElect) {
          // The plan's topology was never reached: the cell did not exercise
          // what it claims, so it cannot pass (red where supported).
          liveness.push_back(absl::StrCat("topology not reached: ", step, " ", s.step.note, ": ",
                                          s.detail));
          break;
        }
        v.notes.push_back(absl::StrCat(step, " ", StepResultName(s.result), ": ", s.detail));
        break;
      case StepResult::kNotSupported:
        v.notes.push_back(absl::StrCat(step, " ", StepResultName(s.result), ": ", s.detail));
        break;
      case StepResult::kWrongOutcome:
        broken.push_back(absl::StrCat("wrong outcome: ", step, ": ", s.detail));
        break;
      default:
        break;
    }
  }
  auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  if (!broken.empty()) {
    v.outcome = SeedOutcome::kFail;
    v.reasons = broken;
    append(v.reasons, liveness);
    append(v.reasons, v.refusals);
  } else if (supported) {
    if (!v.refusals.empty() || !liveness.empty()) {
      v.outcome = SeedOutcome::kFail;
      for (const std::string& x : v.refusals) {
        v.reasons.push_back(absl::StrCat("refused although the policy supports it: ", x));
      }
      append(v.reasons, liveness);
    } else {
      v.outcome = SeedOutcome::kPass;
    }
  } else {
    if (!v.refusals.empty()) {
      v.outcome = SeedOutcome::kRefused;
      v.reasons = v.refusals;
      append(v.notes, liveness);  // expected once something refused
    } else if (!liveness.empty()) {
      v.outcome = SeedOutcome::kFail;
      v.reasons.push_back("neither served nor refused: no node or peer refused, yet");
      append(v.reasons, liveness);
    } else {
      v.outcome = SeedOutcome::kGreen;
      v.reasons.push_back(absl::StrCat(
          "every check passed and nothing was refused, but the policy does not declare ",
          unsupported_why.empty() ? std::string("the cell supported") : unsupported_why,
          ": the policy is stale (declare it), or the release should have refused"));
    }
  }
  if (v.outcome != SeedOutcome::kFail && r.lin.checked && r.lin.unknown) {
    // Red stays red; anything else rests on a history nobody could judge.
    v.notes.insert(v.notes.begin(),
                   absl::StrCat("without the linearizability search the seed would be: ",
                                SeedOutcomeName(v.outcome)));
    v.outcome = SeedOutcome::kUnknown;
    v.reasons.insert(v.reasons.begin(),
                     absl::StrCat("linearizability unknown (search budget exhausted, not a pass): ",
                                  r.lin.detail));
  }
  v.matches_policy = v.outcome == (supported ? SeedOutcome::kPass : SeedOutcome::kRefused);
  return v;
}

CellVerdict Aggregate(const std::vector<SeedVerdict>& seeds, bool supported) {
  CellVerdict c;
  c.seeds = static_cast<int>(seeds.size());
  bool fail = false, green = false, unknown = false;
  for (const SeedVerdict& s : seeds) {
    if (s.matches_policy) ++c.matching;
    switch (s.outcome) {
      case SeedOutcome::kFail: fail = true; break;
      // Neither a refusal nor a green is what a supported cell promises.
      case SeedOutcome::kGreen: green = true; fail = fail || supported; break;
      case SeedOutcome::kRefused: fail = fail || supported; break;
      case SeedOutcome::kUnknown: unknown = true; break;
      case SeedOutcome::kPass: break;
    }
  }
  if (fail) {
    c.status = CellStatus::kFail;
  } else if (green) {
    c.status = CellStatus::kUnexpectedGreen;
  } else if (unknown) {
    c.status = CellStatus::kUnknown;
  } else {
    c.status = supported ? CellStatus::kPass : CellStatus::kRefused;
  }
  return c;
}

int ExitCodeFor(const std::vector<CellStatus>& cells) {
  bool unknown = false;
  for (CellStatus s : cells) {
    if (s == CellStatus::kFail || s == CellStatus::kUnexpectedGreen) return kExitMismatch;
    if (s == CellStatus::kUnknown) unknown = true;
  }
  return unknown ? kExitUnknown : kExitOk;
}

}  // namespace raftlog::runner
