// The detection test: every canary linked into the binary (one per test
// target, see BUILD; versions/canaries/registry.h) must turn one of its
// registered cells red with an expected diagnosis (detect.h), the good base
// tag must stay green on the same cell and seeds; the length of a shrunk
// trace of a safety failure is printed against a target of 100 background
// events (a figure of the shrinker, not a failure: the adversary cells carry
// injections it cannot remove, v3+staletruncate shrinks to 66 there).
// Prints the detection table. Only the canary's own cells run, seed-major,
// stopping at the first detection: never the whole matrix.
//
// Each canary cell is judged as its base would be (policy from -> base): a
// canary cell must be one its base passes. An unexpected green fails the test
// with the cells and seeds that should have caught it; so does a canary that
// is caught while its registration still lists it as expected-undetected
// (remove the note): the list of known gaps never goes stale. An
// expected-undetected canary may name cells of scenarios this build does not
// have yet (the ones that would catch it): they are skipped, said so, and run
// as soon as the scenario exists.
//
// Flags: --seeds=N (per cell, default 16), --only=TAG, --shrink_runs=N (0: off).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "matrix/canaries/detect.h"
#include "matrix/canaries/detect.h"
#include "matrix/runner/report.h"
#include "matrix/runner/scenario.h"
#include "versions/canaries/registry.h"
#include "versions/policy.h"

namespace raftlog::canaries {
namespace {

constexpr size_t kMaxShrunkEvents = 100;

int Main(int argc, char** argv) {
  int seeds = 16, shrink_runs = 40;
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
  absl::StatusOr<policy::Policy> policy = policy::Policy::Load("versions/policy.txt");
  if (!policy.ok()) {
    std::fprintf(stderr, "policy: %s\n", policy.status().ToString().c_str());
    return 2;
  }
  const std::vector<Canary> all = Canaries();
  if (all.empty()) {
    std::fprintf(stderr, "no canary registered\n");
    return 1;
  }
  DetectOptions o;
  o.policy = &*policy;
  o.seeds = seeds;
  o.shrink_runs = shrink_runs;
  runner::CanaryReport report;
  report.seeds = seeds;
  report.scenarios = "each canary's registered cells";
  std::vector<std::string> failures;
  for (const Canary& c : all) {
    if (!only.empty() && c.tag != only) continue;
    std::printf("== %s (base %s), expected: %s\n", c.tag.c_str(), c.base.c_str(),
                c.diagnosis.c_str());
    std::fflush(stdout);
    std::vector<DetectCell> cells;
    std::vector<std::string> names;
    for (const DetectCell& cell : RegisteredCells(c)) {
      const runner::Scenario* sc = runner::FindScenario(cell.scenario);
      if (sc == nullptr && !c.expected_undetected.empty()) {
        std::printf("  cell %s:%s skipped: no scenario %s in this build\n", cell.scenario.c_str(),
                    cell.from.c_str(), cell.scenario.c_str());
        continue;
      }
      if (sc == nullptr) {
        failures.push_back(absl::StrCat(c.tag, ": unknown scenario in cell '", cell.scenario, "'"));
        continue;
      }
      cells.push_back(cell);
      if (!policy->For(cell.from, c.base).HasAll(sc->requires)) {
        failures.push_back(absl::StrCat(c.tag, ": cell ", cell.scenario, " ", cell.from, "->",
                                        c.base, " is not supported by the policy; a canary cell "
                                        "must be one its base passes"));
      }
      names.push_back(absl::StrCat(cell.scenario, " ", cell.from, "->", c.tag));
    }
    if (cells.empty() && c.expected_undetected.empty()) {
      failures.push_back(absl::StrCat(c.tag, ": no cells registered"));
    }
    runner::CanaryRow row = Detect(c, cells, o);
    for (const std::string& x : row.other) std::printf("  %s\n", x.c_str());
    if (row.control_red) {
      failures.push_back(absl::StrCat(c.tag, ": its base is red on the catching cell: ",
                                      absl::StrJoin(row.other, "; ")));
    }
    if (!c.expected_undetected.empty()) {
      if (row.detected) {
        failures.push_back(absl::StrCat(c.tag, " is listed as expected-undetected (",
                                        c.expected_undetected, ") but was caught by ", row.cell,
                                        " seed ", row.seeds_to_first, ": remove the note"));
      } else {
        std::printf("  expected undetected: %s\n", c.expected_undetected.c_str());
      }
    } else if (!row.detected) {
      failures.push_back(absl::StrCat(c.tag, " was not caught with ", c.diagnosis, " in ", seeds,
                                      " seed(s) of the cells that should have: ",
                                      absl::StrJoin(names, "; ")));
    } else {
      std::printf("  caught: %s seed %d: %s\n", row.cell.c_str(), row.seeds_to_first,
                  row.reason.c_str());
      // The shrunk length is a figure of the shrinker's quality, reported,
      // not a detection failure (some cells carry injections and long
      // compaction histories the shrinker cannot remove).
      if (row.shrunk && row.shrunk_to >= kMaxShrunkEvents) {
        std::printf("  note: shrunk trace of %zu events (target < %zu)\n",
                    static_cast<size_t>(row.shrunk_to), kMaxShrunkEvents);
      }
    }
    row.schema = SchemaCheck(c, {"v1", "v2"});
    report.rows.push_back(std::move(row));
  }
  runner::Summarize(report);
  std::printf("\n%s", runner::CanaryTable(report).c_str());
  for (const std::string& f : failures) std::printf("FAIL: %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace raftlog::canaries

int main(int argc, char** argv) { return raftlog::canaries::Main(argc, argv); }
