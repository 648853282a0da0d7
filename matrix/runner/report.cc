#include "matrix/runner/report.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "matrix/runner/coverage.h"
#include "matrix/runner/report_assets/report_assets.h"
#include "matrix/runner/report_junit.h"
#include "util/json.h"

namespace raftlog::runner {

using util::JsonQuote;
using util::JsonWriter;
namespace {

double Sec(uint64_t us) { return us / 1e6; }

std::string CellText(const CellResult& c) {
  const char* word = "";
  switch (c.verdict.status) {
    case CellStatus::kPass: word = "PASS"; break;
    case CellStatus::kFail: word = "FAIL"; break;
    case CellStatus::kRefused: word = "REFUSED-as-expected"; break;
    case CellStatus::kUnexpectedGreen: word = "UNEXPECTED-GREEN"; break;
    case CellStatus::kUnknown: word = "UNKNOWN"; break;
  }
  return absl::StrCat(word, " ", c.verdict.matching, "/", c.verdict.seeds);
}

const char* Color(CellStatus s) {
  switch (s) {
    case CellStatus::kPass: return "\033[32m";
    case CellStatus::kFail: return "\033[1;31m";
    case CellStatus::kRefused: return "\033[36m";
    case CellStatus::kUnexpectedGreen: return "\033[1;33m";
    case CellStatus::kUnknown: return "\033[1;35m";  // magenta: never green
  }
  return "";
}

struct Counts {
  int pass = 0, fail = 0, refused = 0, green = 0, unknown = 0;
};
Counts CountCells(const MatrixResult& m) {
  Counts k;
  for (const CellResult& c : m.cells) {
    switch (c.verdict.status) {
      case CellStatus::kPass: ++k.pass; break;
      case CellStatus::kFail: ++k.fail; break;
      case CellStatus::kRefused: ++k.refused; break;
      case CellStatus::kUnexpectedGreen: ++k.green; break;
      case CellStatus::kUnknown: ++k.unknown; break;
    }
  }
  return k;
}

std::string Verdict(const MatrixResult& m) {
  switch (m.exit_code()) {
    case kExitOk: return "every cell matches the policy";
    case kExitUnknown:
      return "SOME CELLS ARE UNKNOWN (a linearizability search ran out of budget: not a pass)";
    default: return "SOME CELLS DO NOT MATCH THE POLICY";
  }
}

std::string SummaryLine(const MatrixResult& m) {
  Counts k = CountCells(m);
  const double rate = m.wall_s > 0 ? m.seeds_run / m.wall_s : 0;
  return absl::StrFormat(
      "%d cells (%s mode): %d PASS, %d REFUSED-as-expected, %d FAIL, %d UNEXPECTED-GREEN, "
      "%d UNKNOWN; %d seeds in %.1fs wall (%.1f seeds/s, %d job(s)); %s",
      m.cells.size(), ModeName(m.mode), k.pass, k.refused, k.fail, k.green, k.unknown,
      m.seeds_run, m.wall_s, rate, m.jobs, Verdict(m));
}

// "linearizability: 0 unknown seed(s); largest search 5120 states (budget
// 2000000 per search)", or "linearizability: not checked".
std::string LinLine(const MatrixResult& m) {
  if (!m.lin) return "linearizability: not checked (--lin=false)";
  return absl::StrFormat("linearizability: %d unknown seed(s); largest search %d states (budget %d "
                         "per search)",
                         m.lin_unknown_seeds(), m.lin_max_search_states(), m.lin_max_states);
}

std::vector<std::string> PairNames(const MatrixResult& m) {
  std::vector<std::string> out;
  for (const auto& [a, b] : m.pairs) out.push_back(a + "->" + b);
  return out;
}

}  // namespace

std::string TerminalTable(const MatrixResult& m, bool color) {
  std::vector<std::string> pairs = PairNames(m);
  size_t first = std::string("scenario").size();
  for (const std::string& s : m.scenarios) first = std::max(first, s.size());
  std::vector<size_t> width(pairs.size());
  for (size_t j = 0; j < pairs.size(); ++j) width[j] = pairs[j].size();
  for (const CellResult& c : m.cells) {
    for (size_t j = 0; j < pairs.size(); ++j) {
      if (c.key.PairName() == pairs[j]) width[j] = std::max(width[j], CellText(c).size());
    }
  }
  std::string out = absl::StrFormat("%-*s", first, "scenario");
  for (size_t j = 0; j < pairs.size(); ++j) absl::StrAppend(&out, " | ", absl::StrFormat("%-*s", width[j], pairs[j]));
  absl::StrAppend(&out, "\n", std::string(first, '-'));
  for (size_t j = 0; j < pairs.size(); ++j) absl::StrAppend(&out, "-+-", std::string(width[j], '-'));
  absl::StrAppend(&out, "\n");
  for (const std::string& s : m.scenarios) {
    absl::StrAppend(&out, absl::StrFormat("%-*s", first, s));
    for (size_t j = 0; j < pairs.size(); ++j) {
      const CellResult* c = nullptr;
      for (const CellResult& x : m.cells) {
        if (x.key.scenario == s && x.key.PairName() == pairs[j]) c = &x;
      }
      std::string text = c ? CellText(*c) : "-";
      std::string padded = absl::StrFormat("%-*s", width[j], text);
      if (color && c) padded = absl::StrCat(Color(c->verdict.status), padded, "\033[0m");
      absl::StrAppend(&out, " | ", padded);
    }
    absl::StrAppend(&out, "\n");
  }
  for (const CellResult& c : m.cells) {
    if (!c.artifact || !CellOk(c.verdict.status)) continue;
    // A green cell with an artifact: one seed was asked for (--seed).
    absl::StrAppend(&out, "\n", c.key.Name(), " seed ", c.artifact->seed, ": ",
                    CellStatusName(c.verdict.status), "\n");
    for (const StepRecord& r : c.artifact->steps) {
      absl::StrAppend(&out, absl::StrFormat("  %2d. ", r.number), StepString(r.step), "\n      => ",
                      StepResultName(r.result), r.detail.empty() ? "" : ": ", r.detail, "\n");
    }
    for (const std::string& n : c.artifact->verdict.notes) absl::StrAppend(&out, "  note: ", n, "\n");
  }
  for (const CellResult& c : m.cells) {
    if (CellOk(c.verdict.status)) continue;
    std::string head = absl::StrCat(CellStatusName(c.verdict.status), " ", c.key.Name());
    if (color) head = absl::StrCat(Color(c.verdict.status), head, "\033[0m");
    absl::StrAppend(&out, "\n", head, " (policy: ", c.declared.ToString(), "; scenario requires ",
                    c.required.ToString(), ")\n");
    if (c.artifact) {
      const Artifact& a = *c.artifact;
      absl::StrAppend(&out, "  seed ", a.seed, ": ", a.first_violation, "\n");
      for (size_t i = 1; i < a.verdict.reasons.size() && i < 4; ++i) {
        absl::StrAppend(&out, "    ", a.verdict.reasons[i], "\n");
      }
      for (size_t i = 0; i < a.verdict.notes.size() && i < 2; ++i) {
        absl::StrAppend(&out, "    note: ", a.verdict.notes[i], "\n");
      }
      absl::StrAppend(&out, "  reproduce: ", a.reproduce, "\n");
    }
  }
  absl::StrAppend(&out, "\n", SummaryLine(m), "\n", LinLine(m), "\n",
                  SummarizeCoverage(m).Line(), "\n");
  return out;
}

namespace {

void Rows(JsonWriter& j, const std::vector<NodeRow>& rows) {
  j.BeginArray();
  for (const NodeRow& r : rows) {
    j.BeginObject()
        .Field("node", r.id)
        .Field("status", r.status)
        .Field("release", r.release)
        .Field("cv", static_cast<uint64_t>(r.cluster_version))
        .Field("term", r.term)
        .Field("role", r.role)
        .Field("leader", r.leader)
        .Field("commit", r.commit)
        .Field("applied", r.applied)
        .Field("last", r.last)
        .Field("snapshot", r.snapshot)
        .Field("config", r.config)
        .EndObject();
  }
  j.EndArray();
}

void Strings(JsonWriter& j, absl::string_view key, const std::vector<std::string>& v) {
  j.Key(key).BeginArray();
  for (const std::string& s : v) j.String(s);
  j.EndArray();
}

void History(JsonWriter& j, absl::string_view key, const std::vector<HistoryEvent>& v) {
  j.Key(key).BeginArray();
  for (const HistoryEvent& e : v) {
    j.BeginObject()
        .Field("time_s", Sec(e.time_us))
        .Field("node", e.node)
        .Field("index", e.index)
        .Field("what", e.what)
        .EndObject();
  }
  j.EndArray();
}

void CapabilityList(JsonWriter& j, absl::string_view key, const policy::Capabilities& c) {
  j.Key(key).BeginArray();
  for (policy::Capability x : policy::kAllCapabilities) {
    if (c.Has(x)) j.String(policy::CapabilityName(x));
  }
  j.EndArray();
}

void TelemetryJson(JsonWriter& j, const Telemetry& t) {
  j.BeginObject()
      .Field("runs", t.runs)
      .Field("sim_seconds", Sec(t.sim_time_us))
      .Field("elections", t.elections)
      .Field("leader_changes", t.leader_changes)
      .Field("snapshot_installs", t.snapshot_installs)
      .Field("snapshots_sent", t.snapshots_sent)
      .Field("compactions", t.compactions)
      .Field("overloaded", t.overloaded)
      .Field("auth_failures", t.auth_failures)
      .Field("unknown_messages", t.unknown_messages)
      .Field("start_refusals", t.start_refusals)
      .Field("safety_violations", t.safety_violations)
      .Field("liveness_violations", t.liveness_violations)
      .Field("ops_completed", t.ops_completed)
      .Field("acked_writes", t.acked_writes)
      .Field("faults_fired", t.faults_fired)
      .Field("faults_skipped", t.faults_skipped)
      .Field("crashes", t.crashes)
      .Field("crashes_in_sync", t.crashes_in_sync)
      .Field("upgrades", t.upgrades)
      .Field("messages_delivered", t.messages_delivered)
      .Field("messages_dropped", t.messages_dropped)
      .Field("rollbacks", t.rollbacks)
      .Field("lin_unknown_seeds", t.lin_unknown_seeds)
      .Field("lin_max_search_states", t.lin_max_search_states);
  Strings(j, "rollback_triggers", t.rollback_triggers);
  j.Key("steps").BeginObject();
  for (const auto& [k, v] : t.steps) j.Field(StepResultName(k), v);
  j.EndObject();
  j.Key("fault_steps").BeginObject();
  for (const auto& [k, v] : t.fault_steps) j.Field(k, v);
  j.EndObject();
  uint64_t retries = 0, timeouts = 0, failures = 0, indeterminate = 0, rejected = 0;
  j.Key("cohorts").BeginArray();
  for (const auto& [k, c] : t.cohorts) {
    retries += c.retries;
    timeouts += c.timeouts;
    failures += c.fail;
    indeterminate += c.info;
    rejected += c.overloaded;
    j.BeginObject()
        .Field("cohort", k)
        .Field("ops", c.ops)
        .Field("ok", c.ok)
        .Field("fail", c.fail)
        .Field("info", c.info)
        .Field("attempts", c.attempts)
        .Field("retries", c.retries)
        .Field("timeouts", c.timeouts)
        .Field("not_leader", c.not_leader)
        .Field("overloaded", c.overloaded)
        .EndObject();
  }
  j.EndArray();
  j.Field("retries", retries).Field("timeouts", timeouts);
  // Totals over the cohorts and the decode-error table, and the latency of
  // answered operations (simulated), so a comparison reads one number each.
  uint64_t decode_total = 0;
  for (const auto& [k, n] : t.decode_errors) decode_total += n;
  j.Field("client_failures", failures)
      .Field("client_indeterminate", indeterminate)
      .Field("overload_rejections", rejected)
      .Field("decode_errors_total", decode_total);
  j.Key("latency")
      .BeginObject()
      .Field("answered_ops", t.answered_ops)
      .Field("p50_ms", t.LatencyPercentile(0.50) / 1e3)
      .Field("p99_ms", t.LatencyPercentile(0.99) / 1e3)
      .Field("max_ms", t.LatencyPercentile(1.0) / 1e3)
      .EndObject();
  j.Key("decode_errors").BeginArray();
  for (const auto& [k, n] : t.decode_errors) {
    j.BeginObject()
        .Field("sender", std::get<0>(k))
        .Field("receiver", std::get<1>(k))
        .Field("type", std::get<2>(k))
        .Field("count", n)
        .EndObject();
  }
  j.EndArray();
  j.Key("snapshot_installs_by_release").BeginArray();
  for (const auto& [k, n] : t.installs) {
    j.BeginObject().Field("leader", k.first).Field("follower", k.second).Field("count", n).EndObject();
  }
  j.EndArray();
  j.Field("history_seed", t.history_seed);
  History(j, "config_history", t.config_history);
  History(j, "version_history", t.version_history);
  j.EndObject();
}


// A node's segment of time (role, release) as a timeline and a chart lane
// both write it; the caller adds its own fields and closes the object.
JsonWriter& SegmentFields(JsonWriter& j, const Segment& s) {
  return j.Field("node", s.node)
      .Field("from_s", Sec(s.from_us))
      .Field("to_s", Sec(s.to_us))
      .Field("release", s.release)
      .Field("role", s.role);
}

void ArtifactJson(JsonWriter& j, const Artifact& a) {
  j.BeginObject()
      .Field("seed", a.seed)
      .Field("reproduce", a.reproduce)
      .Field("first_violation", a.first_violation)
      .Field("outcome", SeedOutcomeName(a.verdict.outcome));
  Strings(j, "reasons", a.verdict.reasons);
  Strings(j, "refusals", a.verdict.refusals);
  Strings(j, "notes", a.verdict.notes);
  j.Field("plan", a.plan_text)
      .Field("trace_window", a.trace_window)
      .Field("verdicts", a.verdicts)
      .Field("linearizability", a.lin_detail)
      .Field("shrunk", a.shrunk)
      .Field("shrunk_from", static_cast<uint64_t>(a.shrunk_from))
      .Field("shrunk_to", static_cast<uint64_t>(a.shrunk_to))
      .Field("shrink_runs", a.shrink_runs)
      .Field("shrunk_plan", a.shrunk_plan)
      .Field("shrunk_trace", a.shrunk_trace);
  j.Key("steps").BeginArray();
  for (const StepRecord& s : a.steps) {
    j.BeginObject()
        .Field("number", static_cast<uint64_t>(s.number))
        .Field("text", StepString(s.step))
        .Field("kind", StepKindName(s.step.kind))
        .Field("start_s", Sec(s.start_us))
        .Field("end_s", Sec(s.end_us))
        .Field("result", StepResultName(s.result))
        .Field("detail", s.detail);
    j.Key("before");
    Rows(j, s.before);
    j.Key("after");
    Rows(j, s.after);
    j.EndObject();
  }
  j.EndArray();
  j.Key("final");
  Rows(j, a.final_rows);
  j.Key("timeline").BeginObject().Field("end_s", Sec(a.sim_time_us)).Field("heal_s", Sec(a.heal_us));
  j.Key("segments").BeginArray();
  for (const Segment& s : a.timeline) {
    SegmentFields(j.BeginObject(), s)
        .Field("term", s.term)
        .Field("cv", static_cast<uint64_t>(s.cluster_version))
        .EndObject();
  }
  j.EndArray();
  j.Key("bands").BeginArray();
  for (const FaultBand& b : a.bands) {
    j.BeginObject()
        .Field("node", b.node)
        .Field("from_s", Sec(b.from_us))
        .Field("to_s", Sec(b.to_us))
        .Field("label", b.label)
        .EndObject();
  }
  j.EndArray();
  j.Key("ops").BeginArray();
  for (const OpBar& o : a.op_bars) {
    j.BeginObject()
        .Field("client", static_cast<uint64_t>(o.client))
        .Field("what", o.what)
        .Field("from_s", Sec(o.invoke_us))
        .Field("to_s", o.complete_us ? Sec(*o.complete_us) : Sec(a.sim_time_us))
        .Field("open", !o.complete_us.has_value())
        .Field("outcome", o.outcome)
        .Field("hl", o.highlighted)
        .EndObject();
  }
  j.EndArray();
  j.EndObject();
  j.EndObject();
}

// The cell's chart (chart.h): bins, markers and per-node lanes, in seconds
// and milliseconds of simulated time.
void ChartJson(JsonWriter& j, const Chart& c) {
  j.BeginObject()
      .Field("seed", c.seed)
      .Field("end_s", Sec(c.end_us))
      .Field("bin_s", Sec(c.bin_us));
  j.Key("bins").BeginArray();
  for (const ChartBin& b : c.bins) {
    j.BeginObject()
        .Field("from_s", Sec(b.from_us))
        .Field("answered", b.answered)
        .Field("errors", b.errors)
        .Field("p50_ms", b.p50_us / 1e3)
        .Field("p99_ms", b.p99_us / 1e3)
        .EndObject();
  }
  j.EndArray();
  j.Key("markers").BeginArray();
  for (const ChartMarker& m : c.markers) {
    j.BeginObject()
        .Field("at_s", Sec(m.at_us))
        .Field("kind", m.kind)
        .Field("node", m.node)
        .Field("label", m.label)
        .EndObject();
  }
  j.EndArray();
  j.Key("lanes").BeginArray();
  for (const Segment& s : c.lanes) {
    SegmentFields(j.BeginObject(), s)
        .Field("cv", static_cast<uint64_t>(s.cluster_version))
        .EndObject();
  }
  j.EndArray();
  j.EndObject();
}

// [{"release": "v3", "has_table": true, "exercised": 20, "total": 31,
//   "paths": [{"counter": ..., "meaning": ..., "count": N}, ...]}, ...]
void CellCoverageJson(JsonWriter& j, const std::vector<ReleaseCoverage>& releases) {
  j.BeginArray();
  for (const ReleaseCoverage& r : releases) {
    j.BeginObject()
        .Field("release", r.tag)
        .Field("has_table", r.has_table)
        .Field("exercised", static_cast<uint64_t>(r.exercised()))
        .Field("total", static_cast<uint64_t>(r.paths.size()));
    j.Key("paths").BeginArray();
    for (const auto& [p, n] : r.paths) {
      j.BeginObject().Field("counter", p.counter).Field("meaning", p.meaning).Field("count", n).EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
}

void CoverageJson(JsonWriter& j, const RunCoverage& rc) {
  j.Key("feature_coverage")
      .BeginObject()
      .Field("paths", static_cast<uint64_t>(rc.paths()))
      .Field("exercised", static_cast<uint64_t>(rc.exercised()))
      .Field("complete", rc.complete())
      .Field("line", rc.Line());
  Strings(j, "never_exercised", rc.Gaps());
  j.Key("releases");
  CellCoverageJson(j, rc.releases);
  j.EndObject();
}

}  // namespace

std::string JsonReport(const MatrixResult& m) {
  JsonWriter j;
  Counts k = CountCells(m);
  int seeds_per_cell = 0;
  for (const CellResult& c : m.cells) seeds_per_cell = std::max(seeds_per_cell, c.verdict.seeds);
  j.BeginObject()
      .Field("format", kReportFormat)
      .Field("mode", ModeName(m.mode))
      .Field("ok", m.ok())
      .Field("policy_file", m.policy_file);
  Strings(j, "pairs", PairNames(m));
  Strings(j, "scenarios", m.scenarios);
  j.Field("seeds_per_cell", seeds_per_cell)
      .Field("seeds_run", m.seeds_run)
      .Field("wall_seconds", m.wall_s)
      .Field("seeds_per_second", m.wall_s > 0 ? m.seeds_run / m.wall_s : 0.0)
      .Field("jobs", m.jobs);
  j.Key("summary")
      .BeginObject()
      .Field("cells", static_cast<uint64_t>(m.cells.size()))
      .Field("pass", k.pass)
      .Field("refused_as_expected", k.refused)
      .Field("fail", k.fail)
      .Field("unexpected_green", k.green)
      .Field("unknown", k.unknown)
      .Field("exit_code", m.exit_code())
      .Field("line", SummaryLine(m))
      .EndObject();
  j.Key("linearizability")
      .BeginObject()
      .Field("checked", m.lin)
      .Field("budget_per_search", m.lin_max_states)
      .Field("unknown_seeds", m.lin_unknown_seeds())
      .Field("largest_search_states", m.lin_max_search_states())
      .Field("line", LinLine(m))
      .EndObject();
  CoverageJson(j, SummarizeCoverage(m));
  j.Key("cells").BeginArray();
  for (const CellResult& c : m.cells) {
    j.BeginObject()
        .Field("scenario", c.key.scenario)
        .Field("from", c.key.from)
        .Field("to", c.key.to)
        .Field("pair", c.key.PairName())
        .Field("status", CellStatusName(c.verdict.status))
        .Field("matches_policy", CellOk(c.verdict.status))
        .Field("supported", c.supported);
    CapabilityList(j, "required", c.required);
    CapabilityList(j, "declared", c.declared);
    j.Field("seeds", c.verdict.seeds).Field("matching", c.verdict.matching).Field("wall_seconds", c.wall_s);
    j.Key("seed_results").BeginArray();
    for (const SeedSummary& s : c.seeds) {
      j.BeginObject()
          .Field("seed", s.seed)
          .Field("outcome", SeedOutcomeName(s.outcome))
          .Field("matches_policy", s.matches_policy)
          .Field("digest", absl::StrFormat("%016x", s.digest))
          .Field("sim_seconds", Sec(s.sim_time_us))
          .Field("reason", s.reason)
          .EndObject();
    }
    j.EndArray();
    j.Key("telemetry");
    TelemetryJson(j, c.telemetry);
    j.Key("feature_paths");
    CellCoverageJson(j, CellCoverage(c.key, c.telemetry.counters_by_release));
    j.Key("chart");
    ChartJson(j, c.chart);
    j.Key("artifact");
    if (c.artifact) {
      ArtifactJson(j, *c.artifact);
    } else {
      j.Null();
    }
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return j.str() + "\n";
}

namespace {

std::string MdEscape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}});
}

std::string Fence(absl::string_view text) {
  // A fence longer than any backtick run in the text.
  size_t run = 0, longest = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string f(std::max<size_t>(3, longest + 1), '`');
  return absl::StrCat(f, "\n", text, text.empty() || text.back() == '\n' ? "" : "\n", f, "\n");
}

// The run's paths per release, the paths no cell exercised, and per cell
// the exercised count per release with the non-zero counts.
std::string FeatureCoverageMarkdown(const MatrixResult& m) {
  const RunCoverage rc = SummarizeCoverage(m);
  std::string s = absl::StrCat(
      "\n## Feature coverage\n\nA feature path is a release counter that moves when the "
      "release takes one of its features' code paths (matrix/runner/coverage.h). ",
      rc.Line(), "\n\n| release | exercised | paths |\n|---|---|---|\n");
  for (const ReleaseCoverage& r : rc.releases) {
    absl::StrAppend(&s, "| ", r.tag, " | ", r.exercised(), " | ", r.paths.size(), " |\n");
  }
  const std::vector<std::string> gaps = rc.Gaps();
  absl::StrAppend(&s, "\n### Paths no cell exercised\n\n");
  if (gaps.empty()) absl::StrAppend(&s, "none\n");
  for (const std::string& g : gaps) absl::StrAppend(&s, "- ", MdEscape(g), "\n");
  absl::StrAppend(&s, "\n### Feature paths per cell (summed over seeds)\n\n");
  for (const CellResult& c : m.cells) {
    std::vector<std::string> parts;
    for (const ReleaseCoverage& r : CellCoverage(c.key, c.telemetry.counters_by_release)) {
      std::vector<std::string> counts;
      for (const auto& [p, n] : r.paths) {
        if (n > 0) counts.push_back(absl::StrCat(p.counter, "=", n));
      }
      parts.push_back(absl::StrCat(r.tag, " ", r.exercised(), "/", r.paths.size(),
                                   counts.empty() ? "" : " (", absl::StrJoin(counts, " "),
                                   counts.empty() ? "" : ")"));
    }
    absl::StrAppend(&s, "- ", c.key.Name(), ": ", absl::StrJoin(parts, "; "), "\n");
  }
  return s;
}

}  // namespace

std::string MarkdownReport(const MatrixResult& m) {
  std::string s = "# Upgrade matrix report\n\n";
  absl::StrAppend(&s, SummaryLine(m), "\n\n", LinLine(m), "\n\n", SummarizeCoverage(m).Line(),
                  "\n\nPolicy: `", m.policy_file,
                  "`. A cell is (scenario, from, to); each runs every seed. "
                  "PASS and REFUSED-as-expected match the policy; FAIL and UNEXPECTED-GREEN do not "
                  "(an unexpected green means the policy is stale); UNKNOWN does not either: a "
                  "seed's linearizability search ran out of budget, so nothing was shown about "
                  "its history.\n\n## Matrix\n\n");
  std::vector<std::string> pairs = PairNames(m);
  absl::StrAppend(&s, "| scenario | ", absl::StrJoin(pairs, " | "), " |\n|---|");
  for (size_t i = 0; i < pairs.size(); ++i) absl::StrAppend(&s, "---|");
  absl::StrAppend(&s, "\n");
  for (const std::string& sc : m.scenarios) {
    absl::StrAppend(&s, "| ", sc, " |");
    for (const auto& [a, b] : m.pairs) {
      const CellResult* c = m.Find(sc, a, b);
      std::string text = c ? CellText(*c) : "-";
      if (c && !CellOk(c->verdict.status)) text = absl::StrCat("**", text, "**");
      absl::StrAppend(&s, " ", text, " |");
    }
    absl::StrAppend(&s, "\n");
  }
  bool any = false;
  for (const CellResult& c : m.cells) {
    if (CellOk(c.verdict.status)) continue;
    if (!any) absl::StrAppend(&s, "\n## Cells that do not match the policy\n");
    any = true;
    absl::StrAppend(&s, "\n### ", CellStatusName(c.verdict.status), ": ", c.key.Name(), "\n\n");
    absl::StrAppend(&s, "- policy declares: ", c.declared.ToString(), "; the scenario requires: ",
                    c.required.ToString(), " (", c.supported ? "supported" : "unsupported", ")\n");
    absl::StrAppend(&s, "- seeds matching the policy: ", c.verdict.matching, "/", c.verdict.seeds, "\n");
    if (!c.artifact) continue;
    const Artifact& a = *c.artifact;
    absl::StrAppend(&s, "- seed ", a.seed, ", first violated invariant / reason: ",
                    MdEscape(a.first_violation), "\n");
    absl::StrAppend(&s, "- reproduce: `", a.reproduce, "`\n");
    for (const std::string& r : a.verdict.reasons) {
      if (r != a.first_violation) absl::StrAppend(&s, "  - ", MdEscape(r), "\n");
    }
    for (const std::string& r : a.verdict.notes) absl::StrAppend(&s, "  - note: ", MdEscape(r), "\n");
    absl::StrAppend(&s, "\n<details><summary>plan</summary>\n\n", Fence(a.plan_text), "\n</details>\n");
    std::string steps;
    for (const StepRecord& r : a.steps) {
      absl::StrAppend(&steps, r.number, ". ", StepString(r.step), "\n   => ",
                      StepResultName(r.result), r.detail.empty() ? "" : ": ", r.detail, "\n");
    }
    absl::StrAppend(&s, "\n<details><summary>steps and outcomes</summary>\n\n", Fence(steps),
                    "\n</details>\n");
    std::string tables;
    for (const StepRecord& r : a.steps) {
      absl::StrAppend(&tables, "step ", r.number, ". ", StepString(r.step), "\n-- before (",
                      absl::StrFormat("%.3fs", Sec(r.start_us)), ")\n", RowsToString(r.before),
                      "-- after\n", RowsToString(r.after), "\n");
    }
    absl::StrAppend(&s, "\n<details><summary>node tables before and after each step</summary>\n\n",
                    Fence(tables), "\n</details>\n");
    absl::StrAppend(&s, "\n<details><summary>trace window</summary>\n\n", Fence(a.trace_window),
                    "\n</details>\n");
    if (a.shrunk) {
      absl::StrAppend(&s, "\n<details><summary>shrunk: ", a.shrunk_from, " -> ", a.shrunk_to,
                      " background events in ", a.shrink_runs, " runs</summary>\n\n",
                      Fence(a.shrunk_plan), "\n", Fence(a.shrunk_trace), "\n</details>\n");
    }
  }
  absl::StrAppend(&s, FeatureCoverageMarkdown(m));
  absl::StrAppend(&s, "\n## Telemetry per cell (summed over seeds)\n\n"
                      "| cell | runs | elections | leader changes | retries | timeouts | overloaded | "
                      "auth failures | decode errors | snapshot installs | compactions | refusals | "
                      "rollbacks | safety / liveness violations | lin unknown seeds | "
                      "largest lin search | p50 / p99 latency (ms) |\n"
                      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const CellResult& c : m.cells) {
    const Telemetry& t = c.telemetry;
    uint64_t retries = 0, timeouts = 0, decode = 0;
    for (const auto& [k, v] : t.cohorts) {
      retries += v.retries;
      timeouts += v.timeouts;
    }
    for (const auto& [k, v] : t.decode_errors) decode += v;
    absl::StrAppend(&s, "| ", c.key.Name(), " | ", t.runs, " | ", t.elections, " | ",
                    t.leader_changes, " | ", retries, " | ", timeouts, " | ", t.overloaded, " | ",
                    t.auth_failures, " | ", decode, " | ", t.snapshot_installs, " | ", t.compactions,
                    " | ", t.start_refusals, " | ", t.rollbacks, " | ", t.safety_violations, " / ",
                    t.liveness_violations, " | ", t.lin_unknown_seeds, " | ",
                    t.lin_max_search_states, " | ",
                    absl::StrFormat("%.1f / %.1f", t.LatencyPercentile(0.50) / 1e3,
                                    t.LatencyPercentile(0.99) / 1e3),
                    " |\n");
  }
  bool any_rollback = false;
  for (const CellResult& c : m.cells) any_rollback = any_rollback || c.telemetry.rollbacks > 0;
  if (any_rollback) {
    absl::StrAppend(&s, "\n### Automatic rollbacks and what triggered them\n\n");
    for (const CellResult& c : m.cells) {
      for (const std::string& t : c.telemetry.rollback_triggers) {
        absl::StrAppend(&s, "- ", c.key.Name(), ", ", t, "\n");
      }
    }
  }
  absl::StrAppend(&s, "\n### Retries and timeouts by client cohort\n\n");
  for (const CellResult& c : m.cells) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : c.telemetry.cohorts) {
      parts.push_back(absl::StrCat("cohort ", k, ": ", v.ops, " ops, ", v.retries, " retries, ",
                                   v.timeouts, " timeouts, ", v.info, " indeterminate, ",
                                   v.overloaded, " overloaded"));
    }
    absl::StrAppend(&s, "- ", c.key.Name(), ": ", absl::StrJoin(parts, "; "), "\n");
  }
  absl::StrAppend(&s, "\n### Decode errors by (sender release, receiver release, message type)\n\n");
  bool decode_any = false;
  for (const CellResult& c : m.cells) {
    for (const auto& [k, v] : c.telemetry.decode_errors) {
      decode_any = true;
      absl::StrAppend(&s, "- ", c.key.Name(), ": ", std::get<0>(k), " -> ", std::get<1>(k), " ",
                      std::get<2>(k), ": ", v, "\n");
    }
  }
  if (!decode_any) absl::StrAppend(&s, "none\n");
  absl::StrAppend(&s, "\n### Snapshot installs by (leader release, follower release)\n\n");
  for (const CellResult& c : m.cells) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : c.telemetry.installs) {
      parts.push_back(absl::StrCat(k.first, " -> ", k.second, ": ", v));
    }
    if (!parts.empty()) absl::StrAppend(&s, "- ", c.key.Name(), ": ", absl::StrJoin(parts, ", "), "\n");
  }
  absl::StrAppend(&s, "\n### Configuration and cluster-version history (first seed of each cell)\n\n");
  for (const CellResult& c : m.cells) {
    const Telemetry& t = c.telemetry;
    absl::StrAppend(&s, "- ", c.key.Name(), " (seed ", t.history_seed, "):");
    for (const HistoryEvent& e : t.config_history) {
      absl::StrAppend(&s, absl::StrFormat(" [%.3fs index %d: %s]", Sec(e.time_us), e.index, e.what));
    }
    for (const HistoryEvent& e : t.version_history) {
      absl::StrAppend(&s, absl::StrFormat(" [%.3fs applied %d: %s]", Sec(e.time_us), e.index, e.what));
    }
    absl::StrAppend(&s, "\n");
  }
  return s;
}

// The page around the JSON: matrix/runner/report_assets/ (report.html, the
// template, with report.css, report_errors.js and report.js), embedded at
// build time.
std::string HtmlReport(const MatrixResult& m) {
  return absl::StrCat(report_assets::kHtmlHead, JsonReport(m), report_assets::kHtmlTail);
}

namespace {

absl::Status MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    std::string prefix = dir.substr(0, i);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("cannot create ", prefix, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteReports(const MatrixResult& m, const std::string& dir) {
  if (absl::Status s = MakeDirs(dir); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.json", JsonReport(m)); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.md", MarkdownReport(m)); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.xml", JunitReport(m)); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.seeds.xml", JunitSeedReport(m)); !s.ok()) return s;
  return WriteFile(dir + "/report.html", HtmlReport(m));
}

// ---- Canary detection ------------------------------------------------------

namespace {

std::string SeedsText(const CanaryRow& c) {
  return c.detected ? absl::StrCat(c.seeds_to_first, " (", c.runs, " runs)") : "-";
}

std::string ShrunkText(const CanaryRow& c) {
  if (!c.detected) return "-";
  if (!c.shrinkable) return "not shrunk";
  if (!c.shrunk) return "not reproduced";
  return absl::StrCat(c.shrunk_to, " events (from ", c.shrunk_from, "; +", c.shrunk_steps,
                      " steps)");
}

std::string ResultText(const CanaryRow& c) {
  if (!c.expected_undetected.empty()) return c.detected ? "CAUGHT (listed undetected)" : "NOT CAUGHT (known)";
  if (c.control_red) return "CONTROL RED";
  return c.detected ? "CAUGHT" : "MISSED";
}

std::string HtmlEscape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Figures(const CanaryReport& r) {
  const size_t n = r.rows.size();
  return absl::StrFormat(
      "detection rate: %d/%d (%.0f%%, target 100%%)\n"
      "median seeds to first detection: %s (target <= 5)\n"
      "longest shrunk trace: %s over %d shrunk of %d detected (target < 50 events)\n"
      "targets: %s\n",
      r.detected, n, n ? 100.0 * r.detected / n : 0.0,
      r.detected ? absl::StrFormat("%.1f", r.median_seeds) : "-",
      r.shrunk ? absl::StrCat(r.max_shrunk, " events") : "-", r.shrunk, r.detected,
      r.targets_met() ? "met" : "NOT met");
}

}  // namespace

bool CanaryReport::targets_met() const {
  return !rows.empty() && detected == static_cast<int>(rows.size()) && median_seeds <= 5 &&
         shrunk == detected && max_shrunk < 50;
}

void Summarize(CanaryReport& r) {
  r.detected = 0;
  r.shrunk = 0;
  r.max_shrunk = 0;
  std::vector<int> seeds;
  for (const CanaryRow& c : r.rows) {
    if (!c.detected) continue;
    ++r.detected;
    seeds.push_back(c.seeds_to_first);
    if (!c.shrunk) continue;
    ++r.shrunk;
    r.max_shrunk = std::max(r.max_shrunk, c.shrunk_to);
  }
  std::sort(seeds.begin(), seeds.end());
  r.median_seeds = seeds.empty() ? 0
                   : seeds.size() % 2 ? seeds[seeds.size() / 2]
                                      : (seeds[seeds.size() / 2 - 1] + seeds[seeds.size() / 2]) / 2.0;
}

std::string CanaryTable(const CanaryReport& r) {
  std::string out = absl::StrFormat("canary detection (%s, up to %d seeds per cell)\n",
                                    r.scenarios, r.seeds);
  absl::StrAppend(&out, absl::StrFormat("%-15s %-28s %-40s %-13s %-22s %-34s %s\n", "canary",
                                        "expected", "caught by cell", "seeds-to-1st",
                                        "diagnosis", "shrunk trace", "result"));
  for (const CanaryRow& c : r.rows) {
    std::string expected = c.expected.size() > 28 ? c.expected.substr(0, 25) + "..." : c.expected;
    absl::StrAppend(&out, absl::StrFormat("%-15s %-28s %-40s %-13s %-22s %-34s %s\n", c.tag,
                                          expected, c.detected ? c.cell : "-", SeedsText(c),
                                          c.detected ? c.diagnosis : "-", ShrunkText(c),
                                          ResultText(c)));
  }
  for (const CanaryRow& c : r.rows) {
    if (!c.schema.empty()) absl::StrAppend(&out, "  ", c.tag, " schema check: ", c.schema, "\n");
    if (c.detected) {
      absl::StrAppend(&out, "  ", c.tag, ": ", c.reason.substr(0, 300), "\n    reproduce: ",
                      c.reproduce, "\n");
    } else if (!c.expected_undetected.empty()) {
      absl::StrAppend(&out, "  ", c.tag, " not caught: ", c.expected_undetected, "\n");
    }
    for (const std::string& o : c.other) absl::StrAppend(&out, "  ", c.tag, ": ", o, "\n");
  }
  absl::StrAppend(&out, Figures(r));
  return out;
}

std::string CanaryMarkdownSection(const CanaryReport& r) {
  std::string out = absl::StrCat("## Canary detection\n\n", MdEscape(r.scenarios), ", up to ",
                                 r.seeds, " seeds per cell.\n\n",
                                 "| canary | expected diagnosis | caught by cell | seeds to first "
                                 "detection | diagnosis | shrunk trace | result |\n"
                                 "|---|---|---|---|---|---|---|\n");
  for (const CanaryRow& c : r.rows) {
    absl::StrAppend(&out, "| ", MdEscape(c.tag), " | ", MdEscape(c.expected), " | ",
                    MdEscape(c.detected ? c.cell : "-"), " | ", SeedsText(c), " | ",
                    MdEscape(c.detected ? c.diagnosis : "-"), " | ", MdEscape(ShrunkText(c)),
                    " | ", ResultText(c), " |\n");
  }
  absl::StrAppend(&out, "\n");
  for (const CanaryRow& c : r.rows) {
    if (!c.schema.empty()) absl::StrAppend(&out, "- ", MdEscape(c.tag), " schema check: ", MdEscape(c.schema), "\n");
    if (c.detected) {
      absl::StrAppend(&out, "- ", MdEscape(c.tag), ": ", MdEscape(c.reason), "; reproduce: `",
                      c.reproduce, "`\n");
    } else if (!c.expected_undetected.empty()) {
      absl::StrAppend(&out, "- ", MdEscape(c.tag), " not caught: ", MdEscape(c.expected_undetected), "\n");
    }
  }
  absl::StrAppend(&out, "\n```\n", Figures(r), "```\n");
  return out;
}

std::string CanaryJson(const CanaryReport& r) {
  JsonWriter j;
  j.BeginObject();
  j.Field("scenarios", r.scenarios);
  j.Field("seeds", r.seeds);
  j.Field("wall_s", r.wall_s);
  j.Field("detected", r.detected);
  j.Field("canaries", static_cast<int>(r.rows.size()));
  j.Field("median_seeds_to_first_detection", r.median_seeds);
  j.Field("max_shrunk_events", static_cast<uint64_t>(r.max_shrunk));
  j.Field("targets_met", r.targets_met());
  j.Key("rows").BeginArray();
  for (const CanaryRow& c : r.rows) {
    j.BeginObject();
    j.Field("tag", c.tag);
    j.Field("base", c.base);
    j.Field("expected", c.expected);
    j.Field("expected_undetected", c.expected_undetected);
    j.Field("detected", c.detected);
    j.Field("cell", c.cell);
    j.Field("seeds_to_first_detection", c.seeds_to_first);
    j.Field("runs", c.runs);
    j.Field("diagnosis", c.diagnosis);
    j.Field("reason", c.reason);
    j.Field("reproduce", c.reproduce);
    j.Field("shrinkable", c.shrinkable);
    j.Field("shrunk", c.shrunk);
    j.Field("shrunk_from", static_cast<uint64_t>(c.shrunk_from));
    j.Field("shrunk_events", static_cast<uint64_t>(c.shrunk_to));
    j.Field("shrunk_steps", static_cast<uint64_t>(c.shrunk_steps));
    j.Field("shrunk_trace_events", c.shrunk_trace);
    j.Field("schema", c.schema);
    j.Field("control_red", c.control_red);
    Strings(j, "other", c.other);
    j.Field("result", ResultText(c));
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return j.str();
}

std::string CanaryHtmlSection(const CanaryReport& r) {
  std::string out = absl::StrCat(
      "<section id=\"canaries\"><h2>Canary detection</h2><p>", HtmlEscape(r.scenarios),
      ", up to ", r.seeds, " seeds per cell.</p>\n<table><tr><th>canary</th><th>expected "
      "diagnosis</th><th>caught by cell</th><th>seeds to first detection</th><th>diagnosis</th>"
      "<th>shrunk trace</th><th>result</th></tr>\n");
  for (const CanaryRow& c : r.rows) {
    const bool ok = c.detected && !c.control_red;
    absl::StrAppend(&out, "<tr class=\"", ok ? "caught" : "missed", "\"><td>", HtmlEscape(c.tag),
                    "</td><td>", HtmlEscape(c.expected), "</td><td>",
                    HtmlEscape(c.detected ? c.cell : "-"), "</td><td>", SeedsText(c), "</td><td>",
                    HtmlEscape(c.detected ? c.diagnosis : "-"), "</td><td>",
                    HtmlEscape(ShrunkText(c)), "</td><td title=\"",
                    HtmlEscape(c.detected ? c.reproduce : c.expected_undetected), "\">",
                    ResultText(c), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</table><pre>", HtmlEscape(Figures(r)), "</pre></section>\n");
  return out;
}

absl::Status WriteCanaryReports(const CanaryReport& r, const std::string& dir) {
  if (absl::Status s = MakeDirs(dir); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.json", CanaryJson(r)); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/report.md",
                                 absl::StrCat("# Canary detection report\n\n",
                                              CanaryMarkdownSection(r)));
      !s.ok()) {
    return s;
  }
  return WriteFile(dir + "/report.html",
                   absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
                                "canary detection</title><style>body{font-family:sans-serif}"
                                "td,th{border:1px solid #ccc;padding:2px 6px}tr.caught td{background:"
                                "#dfd}tr.missed td{background:#fdd}</style></head><body>",
                                CanaryHtmlSection(r), "</body></html>\n"));
}

}  // namespace raftlog::runner
