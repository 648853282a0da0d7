#include "matrix/sim/shrink.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "absl/strings/str_cat.h"
#include "matrix/sim/ddmin.h"

namespace raftlog::sim {
namespace {

// The checkers whose safety violations a run reported, or {"lin"} when only
// linearizability failed; empty when the run passed.
std::set<std::string> Failures(const SimResult& r) {
  std::set<std::string> out;
  for (const auto& v : r.violations) {
    if (!v.liveness) out.insert(v.checker);
  }
  if (out.empty() && r.lin.checked && !r.lin.linearizable) out.insert("lin");
  return out;
}

// The checker of the earliest safety violation ("lin" if none).
std::string First(const SimResult& r) {
  const check::Violation* first = nullptr;
  for (const auto& v : r.violations) {
    if (!v.liveness && (first == nullptr || v.time_us < first->time_us)) first = &v;
  }
  if (first) return first->checker;
  return r.lin.checked && !r.lin.linearizable ? "lin" : "";
}

}  // namespace

ShrinkResult Shrink(const SimOptions& options, const Plan& plan, int max_runs,
                    std::function<void(const std::string&)> progress) {
  ShrinkResult out;
  SimOptions o = options;
  o.progress = nullptr;
  o.trace_keep = std::max<size_t>(o.trace_keep, 200);
  out.result = Simulate(o, plan);
  out.runs = 1;
  out.plan = plan;
  // "Fails the same way": the earliest safety violation is of a checker the
  // original run also reported (stopping there: nothing after it matters), or
  // the history is not linearizable when that was the original failure.
  const std::set<std::string> want = Failures(out.result);
  if (want.empty()) return out;
  out.reproduced = true;
  if (!want.count("lin")) o.stop_at_violation = true;
  out.options = o;
  std::string names;
  for (const auto& w : want) absl::StrAppend(&names, names.empty() ? "" : ",", w);

  auto fails = [&](const std::vector<size_t>& keep, SimResult* result) {
    ++out.runs;
    *result = Simulate(o, SubPlan(plan, keep));
    return want.count(First(*result)) > 0;
  };
  auto note = [&](const std::string& line) {
    absl::StrAppend(&out.log, line, "\n");
    if (progress) progress(line);
  };

  std::vector<size_t> items(plan.size());
  std::iota(items.begin(), items.end(), 0);
  items = DdminComplements(
      std::move(items), [&] { return out.runs < max_runs; },
      [&](const std::vector<size_t>& candidate) {
        SimResult r;
        if (!fails(candidate, &r)) return false;
        out.result = std::move(r);
        note(absl::StrCat("shrink: ", candidate.size(), " events still fail (", names, "), run ",
                          out.runs));
        return true;
      });
  out.plan = SubPlan(plan, items);
  // Once more with every trace line kept, for the story.
  SimOptions full = o;
  full.trace_keep = SIZE_MAX;
  SimResult told = Simulate(full, out.plan);
  ++out.runs;
  out.story = KeyEvents(told.violation_window.empty() ? told.trace_tail : told.violation_window);
  return out;
}

}  // namespace raftlog::sim
