#include "matrix/runner/compare.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "util/json.h"

namespace raftlog::runner {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// Field access on a report that passed CheckReport: every field the schema
// requires is there with its type, so a missing one reads as empty/0.
const Value& Get(const Value& v, absl::string_view path) {
  static const Value* kEmpty = new Value();
  const Value* at = &v;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (at->kind_case() != Value::kStructValue) return *kEmpty;
    auto it = at->struct_value().fields().find(std::string(part));
    if (it == at->struct_value().fields().end()) return *kEmpty;
    at = &it->second;
  }
  return *at;
}
double Num(const Value& v, absl::string_view path) { return Get(v, path).number_value(); }
std::string Str(const Value& v, absl::string_view path) { return Get(v, path).string_value(); }

std::string CellName(const Value& cell) {
  return absl::StrCat(Str(cell, "scenario"), " ", Str(cell, "pair"));
}

// How far a status is from the policy: matching < unknown < not matching.
int Badness(const std::string& status) {
  if (status == "PASS" || status == "REFUSED-as-expected") return 0;
  if (status == "UNKNOWN") return 1;
  if (status == "absent") return 0;
  return 2;
}

// Cells by name, in report order.
std::vector<std::pair<std::string, const Value*>> Cells(const Value& report) {
  std::vector<std::pair<std::string, const Value*>> out;
  for (const Value& c : Get(report, "cells").list_value().values()) out.emplace_back(CellName(c), &c);
  return out;
}

using ViolationKey = std::tuple<std::string, std::string, std::string>;  // cell, outcome, reason

std::map<ViolationKey, std::vector<uint64_t>> Violations(const Value& report) {
  std::map<ViolationKey, std::vector<uint64_t>> out;
  for (const auto& [name, cell] : Cells(report)) {
    for (const Value& s : Get(*cell, "seed_results").list_value().values()) {
      const std::string outcome = Str(s, "outcome");
      if (Get(s, "matches_policy").bool_value() && outcome != "unknown") continue;
      out[{name, outcome, Str(s, "reason")}].push_back(static_cast<uint64_t>(Num(s, "seed")));
    }
  }
  return out;
}

void Differences(const std::map<ViolationKey, std::vector<uint64_t>>& a,
                 const std::map<ViolationKey, std::vector<uint64_t>>& b,
                 std::vector<ViolationGroup>& only_in_b) {
  for (const auto& [k, seeds] : b) {
    if (a.count(k)) continue;
    only_in_b.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), seeds});
  }
}

std::string Fmt(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return absl::StrCat(static_cast<int64_t>(std::round(v)));
  return absl::StrFormat("%.2f", v);
}

std::string Change(double base, double head) {
  if (base == 0) return head == 0 ? "=" : "new";
  return absl::StrFormat("%+.0f%%", 100.0 * (head - base) / base);
}

std::string MetricLabel(const MetricMove& m) {
  return m.per_run ? absl::StrCat(m.metric, " per seed") : m.metric;
}

std::string MdEscape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}});
}

}  // namespace

const std::vector<CompareMetric>& CompareMetrics() {
  static const auto* m = new std::vector<CompareMetric>{
      {"elections", 2, true},
      {"leader_changes", 2, true},
      {"timeouts", 2, true},
      {"retries", 3, true},
      {"client_failures", 3, true},
      {"client_indeterminate", 2, true},
      {"overload_rejections", 3, true},
      {"overloaded", 3, true},
      {"decode_errors_total", 1, true},
      {"auth_failures", 1, true},
      {"start_refusals", 0.5, true},
      {"snapshot_installs", 1, true},
      {"rollbacks", 0.25, true},
      {"safety_violations", 0.01, true},
      {"liveness_violations", 0.01, true},
      {"lin_unknown_seeds", 0.01, true},
      {"ops_completed", 10, true},
      {"latency.p50_ms", 5, false},
      {"latency.p99_ms", 20, false},
      {"lin_max_search_states", 500, false},
  };
  return *m;
}

bool Comparison::worse() const {
  if (!new_violations.empty()) return true;
  for (const CellStatusChange& c : status_changes) {
    if (c.worse) return true;
  }
  return false;
}

Comparison CompareReports(const Value& base, const Value& head, const std::string& base_name,
                          const std::string& head_name, const CompareOptions& options) {
  Comparison c;
  c.base_name = base_name;
  c.head_name = head_name;
  c.relative_threshold = options.relative_threshold;
  c.base_mode = Str(base, "mode");
  c.head_mode = Str(head, "mode");
  c.base_seeds_run = static_cast<uint64_t>(Num(base, "seeds_run"));
  c.head_seeds_run = static_cast<uint64_t>(Num(head, "seeds_run"));
  c.base_wall_s = Num(base, "wall_seconds");
  c.head_wall_s = Num(head, "wall_seconds");
  c.base_seeds_per_s = Num(base, "seeds_per_second");
  c.head_seeds_per_s = Num(head, "seeds_per_second");
  c.base_summary = Str(base, "summary.line");
  c.head_summary = Str(head, "summary.line");

  const auto base_cells = Cells(base), head_cells = Cells(head);
  std::map<std::string, const Value*> base_by_name(base_cells.begin(), base_cells.end());
  std::map<std::string, const Value*> head_by_name(head_cells.begin(), head_cells.end());
  auto status_change = [&](const std::string& name, const std::string& b, const std::string& h) {
    if (b != h) c.status_changes.push_back({name, b, h, Badness(h) > Badness(b)});
  };
  for (const auto& [name, hc] : head_cells) {
    auto it = base_by_name.find(name);
    if (it == base_by_name.end()) {
      status_change(name, "absent", Str(*hc, "status"));
      continue;
    }
    const Value& bc = *it->second;
    ++c.cells_compared;
    status_change(name, Str(bc, "status"), Str(*hc, "status"));
    const double base_runs = std::max(1.0, Num(bc, "telemetry.runs"));
    const double head_runs = std::max(1.0, Num(*hc, "telemetry.runs"));
    for (const CompareMetric& m : CompareMetrics()) {
      double b = Num(bc, absl::StrCat("telemetry.", m.name));
      double h = Num(*hc, absl::StrCat("telemetry.", m.name));
      if (m.per_run) {
        b /= base_runs;
        h /= head_runs;
      }
      const double delta = std::fabs(h - b);
      if (delta >= m.floor && delta >= options.relative_threshold * std::fabs(b)) {
        c.moved.push_back({name, m.name, b, h, m.per_run});
      }
    }
  }
  for (const auto& [name, bc] : base_cells) {
    if (!head_by_name.count(name)) status_change(name, Str(*bc, "status"), "absent");
  }
  const auto base_v = Violations(base), head_v = Violations(head);
  Differences(base_v, head_v, c.new_violations);
  Differences(head_v, base_v, c.vanished_violations);
  return c;
}

std::string ComparisonText(const Comparison& c) {
  std::string out = absl::StrCat("comparison: base ", c.base_name, "\n            head ",
                                 c.head_name, "\n");
  absl::StrAppend(&out, absl::StrFormat(
      "seeds per second: %.1f -> %.1f (%s); wall %.1fs -> %.1fs; seeds run %d -> %d; mode %s -> %s\n",
      c.base_seeds_per_s, c.head_seeds_per_s, Change(c.base_seeds_per_s, c.head_seeds_per_s),
      c.base_wall_s, c.head_wall_s, c.base_seeds_run, c.head_seeds_run, c.base_mode, c.head_mode));
  absl::StrAppend(&out, c.cells_compared, " cell(s) in both runs; ", c.status_changes.size(),
                  " status change(s), ", c.new_violations.size(), " new and ",
                  c.vanished_violations.size(), " vanished violation(s), ", c.moved.size(),
                  " telemetry move(s) beyond ", absl::StrFormat("%.0f%%", 100 * c.relative_threshold),
                  " and the metric's floor\n");
  for (const CellStatusChange& s : c.status_changes) {
    absl::StrAppend(&out, "  status ", s.worse ? "WORSE  " : "changed", " ", s.cell, ": ", s.base,
                    " -> ", s.head, "\n");
  }
  for (const ViolationGroup& v : c.new_violations) {
    absl::StrAppend(&out, "  NEW violation ", v.cell, " (", v.outcome, ", seeds ",
                    absl::StrJoin(v.seeds, ","), "): ", v.reason.substr(0, 200), "\n");
  }
  for (const ViolationGroup& v : c.vanished_violations) {
    absl::StrAppend(&out, "  vanished violation ", v.cell, " (", v.outcome, ", seeds ",
                    absl::StrJoin(v.seeds, ","), "): ", v.reason.substr(0, 200), "\n");
  }
  for (const MetricMove& m : c.moved) {
    absl::StrAppend(&out, "  moved ", m.cell, ": ", MetricLabel(m), " ", Fmt(m.base), " -> ",
                    Fmt(m.head), " (", Change(m.base, m.head), ")\n");
  }
  absl::StrAppend(&out, c.worse() ? "verdict: WORSE (a cell moved away from the policy or a "
                                    "violation appeared)\n"
                                  : "verdict: nothing got worse\n");
  return out;
}

std::string ComparisonMarkdown(const Comparison& c) {
  std::string s = absl::StrCat("# Matrix run comparison\n\n- base: `", c.base_name, "`\n- head: `",
                               c.head_name, "`\n- ", MdEscape(c.base_summary), " (base)\n- ",
                               MdEscape(c.head_summary), " (head)\n\n");
  absl::StrAppend(&s, absl::StrFormat(
      "| | base | head | change |\n|---|---|---|---|\n| seeds per second | %.1f | %.1f | %s |\n"
      "| wall seconds | %.1f | %.1f | %s |\n| seeds run | %d | %d | %s |\n| mode | %s | %s | |\n\n",
      c.base_seeds_per_s, c.head_seeds_per_s, Change(c.base_seeds_per_s, c.head_seeds_per_s),
      c.base_wall_s, c.head_wall_s, Change(c.base_wall_s, c.head_wall_s), c.base_seeds_run,
      c.head_seeds_run, Change(c.base_seeds_run, c.head_seeds_run), c.base_mode, c.head_mode));
  absl::StrAppend(&s, "**", c.worse() ? "Worse" : "Nothing got worse", "**: ", c.cells_compared,
                  " cell(s) in both runs.\n\n## Cells that changed status\n\n");
  if (c.status_changes.empty()) absl::StrAppend(&s, "none\n");
  for (const CellStatusChange& x : c.status_changes) {
    absl::StrAppend(&s, "- ", x.worse ? "**worse** " : "", MdEscape(x.cell), ": ", x.base, " -> ",
                    x.head, "\n");
  }
  for (const auto& [title, list] :
       {std::pair{"New violations", &c.new_violations}, {"Vanished violations", &c.vanished_violations}}) {
    absl::StrAppend(&s, "\n## ", title, "\n\n");
    if (list->empty()) absl::StrAppend(&s, "none\n");
    for (const ViolationGroup& v : *list) {
      absl::StrAppend(&s, "- ", MdEscape(v.cell), " (", v.outcome, ", seeds ",
                      absl::StrJoin(v.seeds, ", "), "): ", MdEscape(v.reason), "\n");
    }
  }
  absl::StrAppend(&s, "\n## Telemetry that moved\n\nA metric moved when it changed by at least ",
                  absl::StrFormat("%.0f%%", 100 * c.relative_threshold),
                  " of the base value and by at least its floor (matrix/runner/compare.cc); "
                  "counts are per seed run.\n\n");
  if (c.moved.empty()) {
    absl::StrAppend(&s, "none\n");
  } else {
    absl::StrAppend(&s, "| cell | metric | base | head | change |\n|---|---|---|---|---|\n");
    for (const MetricMove& m : c.moved) {
      absl::StrAppend(&s, "| ", MdEscape(m.cell), " | ", MetricLabel(m), " | ", Fmt(m.base), " | ",
                      Fmt(m.head), " | ", Change(m.base, m.head), " |\n");
    }
  }
  return s;
}

std::string ComparisonJson(const Comparison& c) {
  util::JsonWriter j;
  j.BeginObject()
      .Field("format", "raftlog-matrix-compare/1")
      .Field("base", c.base_name)
      .Field("head", c.head_name)
      .Field("worse", c.worse())
      .Field("relative_threshold", c.relative_threshold)
      .Field("cells_compared", static_cast<uint64_t>(c.cells_compared));
  for (const auto& [side, mode, seeds, wall, rate, summary] :
       {std::tuple{"base_run", &c.base_mode, c.base_seeds_run, c.base_wall_s, c.base_seeds_per_s,
                   &c.base_summary},
        std::tuple{"head_run", &c.head_mode, c.head_seeds_run, c.head_wall_s, c.head_seeds_per_s,
                   &c.head_summary}}) {
    j.Key(side)
        .BeginObject()
        .Field("mode", *mode)
        .Field("seeds_run", seeds)
        .Field("wall_seconds", wall)
        .Field("seeds_per_second", rate)
        .Field("summary", *summary)
        .EndObject();
  }
  j.Key("status_changes").BeginArray();
  for (const CellStatusChange& x : c.status_changes) {
    j.BeginObject().Field("cell", x.cell).Field("base", x.base).Field("head", x.head).Field("worse", x.worse).EndObject();
  }
  j.EndArray();
  for (const auto& [key, list] :
       {std::pair{"new_violations", &c.new_violations}, {"vanished_violations", &c.vanished_violations}}) {
    j.Key(key).BeginArray();
    for (const ViolationGroup& v : *list) {
      j.BeginObject().Field("cell", v.cell).Field("outcome", v.outcome).Field("reason", v.reason);
      j.Key("seeds").BeginArray();
      for (uint64_t s : v.seeds) j.Uint(s);
      j.EndArray().EndObject();
    }
    j.EndArray();
  }
  j.Key("telemetry_moved").BeginArray();
  for (const MetricMove& m : c.moved) {
    j.BeginObject()
        .Field("cell", m.cell)
        .Field("metric", m.metric)
        .Field("per_seed", m.per_run)
        .Field("base", m.base)
        .Field("head", m.head)
        .EndObject();
  }
  j.EndArray();
  j.EndObject();
  return j.str() + "\n";
}

absl::Status WriteComparison(const Comparison& c, const std::string& dir) {
  for (const auto& [name, text] :
       {std::pair{"compare.md", ComparisonMarkdown(c)}, {"compare.json", ComparisonJson(c)}}) {
    const std::string path = absl::StrCat(dir, "/", name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace raftlog::runner
