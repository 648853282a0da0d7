#include "matrix/sim/shrink.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "absl/strings/str_cat.h"

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
  size_t n = 2;
  while (items.size() >= 2 && out.runs < max_runs) {
    size_t chunk = (items.size() + n - 1) / n;
    bool reduced = false;
    for (size_t start = 0; start < items.size() && out.runs < max_runs; start += chunk) {
      std::vector<size_t> part(items.begin() + start,
                               items.begin() + std::min(items.size(), start + chunk));
      std::vector<size_t> rest(items.begin(), items.begin() + start);
      rest.insert(rest.end(), items.begin() + std::min(items.size(), start + chunk), items.end());
      SimResult r;
      if (fails(part, &r)) {
        items = part;
        out.result = std::move(r);
        n = 2;
        reduced = true;
      } else if (n > 2 && out.runs < max_runs && fails(rest, &r)) {
        items = rest;
        out.result = std::move(r);
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
      }
      if (reduced) {
        note(absl::StrCat("shrink: ", items.size(), " events still fail (", names, "), run ",
                          out.runs));
        break;
      }
    }
    if (!reduced) {
      if (n >= items.size()) break;
      n = std::min(items.size(), 2 * n);
    }
  }
  // ddmin with n == 2 tests halves only through `part`; a final one-by-one
  // pass removes any single event that is not needed.
  for (size_t i = 0; i < items.size() && items.size() > 1 && out.runs < max_runs;) {
    std::vector<size_t> rest = items;
    rest.erase(rest.begin() + i);
    SimResult r;
    if (fails(rest, &r)) {
      items = rest;
      out.result = std::move(r);
      note(absl::StrCat("shrink: ", items.size(), " events still fail (", names, "), run ",
                        out.runs));
    } else {
      ++i;
    }
  }
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
