#include "matrix/runner/shrink.h"

#include <algorithm>
#include <numeric>

#include "matrix/sim/ddmin.h"

namespace raftlog::runner {
namespace {

std::string FirstSafetyChecker(const RunResult& r) {
  for (const check::Violation& v : r.violations) {
    if (!v.liveness) return v.checker;
  }
  return "";
}

}  // namespace

ShrinkOutcome ShrinkPlan(const ScenarioPlan& plan, const ExecOptions& options, int max_runs) {
  ShrinkOutcome out;
  ExecOptions o = options;
  o.stop_at_violation = true;
  const size_t total = plan.background.size();
  out.events_before = total;

  RunResult original = Execute(plan, o);
  out.runs = 1;
  const std::string checker = FirstSafetyChecker(original);
  const bool lin_only = checker.empty() && original.lin_failed();
  out.reproduced = !checker.empty() || lin_only;
  out.plan = plan;
  out.result = std::move(original);
  out.events_after = total;
  if (!out.reproduced) return out;

  auto with = [&](const std::vector<size_t>& keep) {
    ScenarioPlan p = plan;
    p.background = sim::SubPlan(plan.background, keep);
    return p;
  };
  auto fails = [&](const RunResult& r) {
    if (!checker.empty()) return FirstSafetyChecker(r) == checker;
    return r.safety_violations == 0 && r.lin_failed();
  };
  std::vector<size_t> keep(total);
  std::iota(keep.begin(), keep.end(), 0);

  // Free first cut: with the run stopped at the violation, nothing scheduled
  // after it can matter (checked, not assumed).
  if (!checker.empty()) {
    const uint64_t t = out.result.sim_time_us;
    std::vector<size_t> early;
    for (size_t i : keep) {
      const uint64_t at = i < plan.background.faults.size()
                              ? plan.background.faults[i].time_us
                              : plan.background.ops[i - plan.background.faults.size()].at_us;
      if (at <= t) early.push_back(i);
    }
    if (early.size() < keep.size() && out.runs < max_runs) {
      ScenarioPlan p = with(early);
      RunResult r = Execute(p, o);
      ++out.runs;
      if (fails(r)) {
        keep = early;
        out.plan = std::move(p);
        out.result = std::move(r);
      }
    }
  }

  keep = sim::DdminComplements(
      std::move(keep), [&] { return out.runs < max_runs; },
      [&](const std::vector<size_t>& candidate) {
        ScenarioPlan p = with(candidate);
        RunResult r = Execute(p, o);
        ++out.runs;
        if (!fails(r)) return false;
        out.plan = std::move(p);
        out.result = std::move(r);
        return true;
      });
  out.events_after = keep.size();
  return out;
}

}  // namespace raftlog::runner
