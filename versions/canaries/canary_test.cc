// The canaries' test: every registered canary (registry.h) must turn its cells
// red with an expected diagnosis, and the good base tag must stay green on the
// same cells and seeds. Prints the detection table.
//
// Runs on the matrix runner's pieces directly (Compile, Execute, Judge,
// ShrinkPlan) rather than RunMatrix: the runner's policy only accepts tags of
// [A-Za-z0-9_.-] and looks capabilities up by the cell's own tags, while a
// canary "v2+ack" must be judged under its base's declaration (v2). Each canary
// cell is judged with supported = policy(from -> base) covers the scenario.
//
// Flags: --seeds=N (per cell, default 16), --only=TAG, --shrink_runs=N (0: off).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/runner/driver.h"
#include "matrix/runner/policy.h"
#include "matrix/runner/scenario.h"
#include "matrix/runner/shrink.h"
#include "matrix/runner/verdict.h"
#include "matrix/sim/releases.h"
#include "versions/canaries/registry.h"

namespace raftlog::canaries {
namespace {

using runner::Judge;
using runner::RunResult;
using runner::SeedOutcome;
using runner::SeedVerdict;

const api::ReleaseInfo* FindAny(absl::string_view tag) {
  if (const api::ReleaseInfo* r = FindCanaryRelease(tag)) return r;
  return sim::FindSimRelease(tag);
}

// The diagnosis class of one run: "" when it is green (matches a supported
// policy), else the first safety checker, or linearizability, read_back,
// livelock, wire (messages rejected), data_loss_on_restart (a node refused
// its own data with kDataLoss), refusal, liveness.
std::string Classify(const RunResult& r, const SeedVerdict& v) {
  for (const check::Violation& x : r.violations) {
    if (!x.liveness) return x.checker;
  }
  if (r.lin_failed()) return "linearizability";
  if (r.hit_step_bound) return "livelock";
  if (!r.read_back_done) return "read_back";
  if (v.matches_policy && v.outcome == SeedOutcome::kPass) return "";
  if (!r.decode_errors.empty()) return "wire";
  // A node's own recovery finding its data inconsistent (kDataLoss) is a
  // durability finding, told apart from a clean version refusal.
  for (const sim::Refusal& x : r.refusals) {
    if (x.status.code() == absl::StatusCode::kDataLoss) return "data_loss_on_restart";
  }
  if (!v.refusals.empty()) return "refusal";
  return "liveness";
}

struct Cell {
  std::string scenario, from;
};

struct Row {
  std::string tag, cell = "-", seeds = "-", diagnosis = "-", shrunk = "-", result;
  bool ok = false;
};

bool Accepted(const std::string& cls, const std::string& expected) {
  for (absl::string_view e : absl::StrSplit(expected, '|')) {
    if (e == cls) return true;
  }
  return false;
}

int Main(int argc, char** argv) {
  int seeds = 16, shrink_runs = 12;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::ConsumePrefix(&a, "--seeds=")) {
      if (!absl::SimpleAtoi(a, &seeds) || seeds < 1) return 2;
    } else if (absl::ConsumePrefix(&a, "--shrink_runs=")) {
      if (!absl::SimpleAtoi(a, &shrink_runs)) return 2;
    } else if (absl::ConsumePrefix(&a, "--only=")) {
      only = std::string(a);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  absl::StatusOr<runner::Policy> policy = runner::Policy::Load("versions/policy.txt");
  if (!policy.ok()) {
    std::fprintf(stderr, "policy: %s\n", policy.status().ToString().c_str());
    return 2;
  }
  runner::ExecOptions exec;
  exec.find_release = &FindAny;
  const std::vector<Canary> all = Canaries();
  if (all.empty()) {
    std::fprintf(stderr, "no canary registered\n");
    return 1;
  }
  std::vector<Row> rows;
  std::vector<std::string> failures;
  for (const Canary& c : all) {
    if (!only.empty() && c.tag != only) continue;
    Row row;
    row.tag = c.tag;
    std::printf("== %s (base %s), expected: %s\n", c.tag.c_str(), c.base.c_str(),
                c.diagnosis.c_str());
    std::vector<Cell> cells;
    for (absl::string_view s : absl::StrSplit(c.cells, ',', absl::SkipEmpty())) {
      std::vector<std::string> parts = absl::StrSplit(s, ':');
      if (parts.size() != 2 || runner::FindScenario(parts[0]) == nullptr) {
        failures.push_back(absl::StrCat(c.tag, ": bad cell '", s, "'"));
        continue;
      }
      cells.push_back({parts[0], parts[1]});
    }
    std::vector<std::string> tried, other_reds;
    bool detected = false;
    int runs = 0;
    for (const Cell& cell : cells) {
      const runner::Scenario* sc = runner::FindScenario(cell.scenario);
      const bool supported = policy->For(cell.from, c.base).HasAll(sc->requires);
      if (!supported) {
        failures.push_back(absl::StrCat(c.tag, ": cell ", cell.scenario, " ", cell.from, "->",
                                        c.base, " is not supported by the policy; a canary cell "
                                        "must be one its base passes"));
        continue;
      }
      const std::string name = absl::StrCat(cell.scenario, " ", cell.from, "->", c.tag);
      for (int s = 1; s <= seeds && !detected; ++s) {
        ++runs;
        auto plan = runner::Compile(cell.scenario, cell.from, c.tag, s, runner::Mode::kFast);
        if (!plan.ok()) {
          failures.push_back(absl::StrCat(name, ": ", plan.status().ToString()));
          break;
        }
        RunResult r = runner::Execute(*plan, exec);
        SeedVerdict v = Judge(r, supported);
        const std::string cls = Classify(r, v);
        tried.push_back(absl::StrCat(name, " seed ", s, ": ", cls.empty() ? "green" : cls));
        if (cls.empty()) continue;
        const std::string why = v.reasons.empty() ? "" : v.reasons.front();
        if (!Accepted(cls, c.diagnosis)) {
          other_reds.push_back(absl::StrCat(name, " seed ", s, ": ", cls, ": ", why));
          continue;
        }
        detected = true;
        row.cell = name;
        row.seeds = absl::StrCat(s, " (", runs, " runs)");
        row.diagnosis = cls;
        std::printf("  caught: %s seed %d: %s\n", name.c_str(), s, why.c_str());
        // The base must stay green on the same cell and seeds.
        for (int b = 1; b <= s; ++b) {
          auto bp = runner::Compile(cell.scenario, cell.from, c.base, b, runner::Mode::kFast);
          RunResult br = runner::Execute(*bp, exec);
          SeedVerdict bv = Judge(br, supported);
          if (!bv.matches_policy || bv.outcome != SeedOutcome::kPass) {
            failures.push_back(absl::StrCat(
                c.tag, ": control ", cell.scenario, " ", cell.from, "->", c.base, " seed ", b,
                " is red (", Classify(br, bv), "): ",
                bv.reasons.empty() ? "" : bv.reasons.front(),
                "; the canary's red cannot be credited to its patch"));
          }
        }
        // Shrink (safety or linearizability failures only).
        if (shrink_runs > 0 && (r.safety_failed() || r.lin_failed())) {
          runner::ShrinkOutcome so = runner::ShrinkPlan(*plan, exec, shrink_runs);
          if (so.reproduced) {
            row.shrunk = absl::StrCat(so.events_before, "->", so.events_after, " events, ",
                                      so.result.trace_events, " trace");
          }
        } else if (shrink_runs > 0) {
          row.shrunk = "n/a";
        }
      }
      if (detected) break;
    }
    for (const std::string& o : other_reds) std::printf("  red, other diagnosis: %s\n", o.c_str());
    if (!c.expected_undetected.empty()) {
      if (detected) {
        row.result = "CAUGHT (listed expected-undetected: remove the note)";
        failures.push_back(absl::StrCat(c.tag, " is listed as expected-undetected (",
                                        c.expected_undetected, ") but was caught"));
      } else {
        row.result = "EXPECTED-UNDETECTED";
        row.ok = true;
        std::printf("  expected undetected: %s\n", c.expected_undetected.c_str());
      }
    } else if (detected) {
      row.result = "CAUGHT";
      row.ok = true;
    } else {
      row.result = other_reds.empty() ? "MISSED" : "MISDIAGNOSED";
      failures.push_back(absl::StrCat(
          c.tag, " was not caught with ", c.diagnosis, "; cells/seeds that should have: ",
          absl::StrJoin(tried, "; ")));
    }
    rows.push_back(row);
  }
  std::printf("\n%-16s %-40s %-14s %-22s %-28s %s\n", "canary", "cell", "seeds-to-1st",
              "diagnosis", "shrunk", "result");
  for (const Row& r : rows) {
    std::printf("%-16s %-40s %-14s %-22s %-28s %s\n", r.tag.c_str(), r.cell.c_str(),
                r.seeds.c_str(), r.diagnosis.c_str(), r.shrunk.c_str(), r.result.c_str());
  }
  int caught = 0;
  for (const Row& r : rows) caught += r.result == "CAUGHT";
  std::printf("detection rate: %d/%zu\n", caught, rows.size());
  for (const std::string& f : failures) std::printf("FAIL: %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace raftlog::canaries

int main(int argc, char** argv) { return raftlog::canaries::Main(argc, argv); }
