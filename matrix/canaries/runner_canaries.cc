#include "matrix/canaries/runner_canaries.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/canaries/detect.h"
#include "matrix/runner/report.h"
#include "matrix/runner/scenario.h"
#include "versions/canaries/registry.h"

namespace raftlog::canaries {
namespace {

int Usage(const std::string& msg) {
  std::cerr << "runner: " << msg << "\n";
  return 2;
}

double WallSeconds() {
  using namespace std::chrono;
  static const steady_clock::time_point start = steady_clock::now();
  return duration<double>(steady_clock::now() - start).count();
}

// The registered base of a canary tag ("v3+name" -> "v3"); the tag itself
// when it is no canary.
std::string BaseOf(absl::string_view tag) {
  for (const Canary& c : Canaries()) {
    if (c.tag == tag) return c.base;
  }
  return std::string(tag);
}

}  // namespace

int RunCanaries(const runner::CanaryRequest& q) {
  std::vector<Canary> all = Canaries();
  if (!q.only.empty() && FindCanaryRelease(q.only) == nullptr) {
    std::vector<std::string> tags;
    for (const Canary& c : all) tags.push_back(c.tag);
    return Usage(absl::StrCat("unknown canary '", q.only, "' (registered: ",
                              absl::StrJoin(tags, ","), ")"));
  }
  for (const std::string& s : q.scenarios) {
    if (runner::FindScenario(s) == nullptr) return Usage(absl::StrCat("unknown scenario '", s, "'"));
  }
  // --pairs=FROM:CANARY narrows the from-tags (of the canaries it names).
  std::map<std::string, std::set<std::string>> froms;
  for (const std::string& p : q.pairs) {
    std::vector<std::string> ab = absl::StrSplit(p, ':');
    if (ab.size() != 2) return Usage(absl::StrCat("bad pair '", p, "': expected from:canary"));
    froms[ab[1]].insert(ab[0]);
  }
  DetectOptions o;
  o.policy = q.policy;
  o.mode = q.mode;
  o.seeds = q.seeds > 0 ? q.seeds : q.mode == runner::Mode::kFull ? 48 : 16;
  if (q.seed != 0) o.first_seed = o.seeds = static_cast<int>(q.seed);
  o.shrink_runs = q.shrink_runs >= 0 ? q.shrink_runs : 80;
  o.jobs = std::max(1, q.jobs);
  if (q.progress) {
    o.progress = [](const std::string& line) { std::cerr << line << "\n" << std::flush; };
  }
  runner::CanaryReport report;
  report.seeds = o.seeds - o.first_seed + 1;
  report.scenarios = absl::StrCat(
      q.scenarios.empty() ? "the default matrix cells (every scenario, from the canary's base and "
                            "every older tag)"
                          : absl::StrCat("scenarios ", absl::StrJoin(q.scenarios, ",")),
      ", ", runner::ModeName(q.mode), " mode");
  const double t0 = WallSeconds();
  for (const Canary& c : all) {
    if (!q.only.empty() && c.tag != q.only) continue;
    std::vector<DetectCell> cells;
    for (const DetectCell& cell : DefaultCells(c, q.registered)) {
      if (!q.scenarios.empty() &&
          std::find(q.scenarios.begin(), q.scenarios.end(), cell.scenario) == q.scenarios.end()) {
        continue;
      }
      auto f = froms.find(c.tag);
      if (!froms.empty() && (f == froms.end() || !f->second.count(cell.from))) continue;
      cells.push_back(cell);
    }
    std::cerr << "canary " << c.tag << ": " << cells.size() << " cell(s), seeds " << o.first_seed
              << ".." << o.seeds << ", " << runner::ModeName(o.mode) << " mode\n";
    runner::CanaryRow row = Detect(c, cells, o);
    std::vector<std::string> older;
    for (const std::string& t : q.registered) {
      older.push_back(t);
      if (t == c.base) break;
    }
    row.schema = SchemaCheck(c, older);
    report.rows.push_back(std::move(row));
  }
  report.wall_s = WallSeconds() - t0;
  runner::Summarize(report);
  std::cout << runner::CanaryTable(report);
  if (absl::Status s = runner::WriteCanaryReports(report, q.out_dir); !s.ok()) {
    std::cerr << "runner: " << s.message() << "\n";
    return 2;
  }
  std::cout << "reports: " << q.out_dir << "/report.html, report.md, report.json\n";
  bool ok = true;
  for (const runner::CanaryRow& r : report.rows) {
    if (r.control_red || (r.expected_undetected.empty() && !r.detected)) ok = false;
  }
  return ok ? 0 : 1;
}

runner::CliExtensions CanaryExtensions() {
  runner::CliExtensions e;
  e.find_release = &FindCanaryRelease;
  e.base_tag = &BaseOf;
  e.run_canaries = &RunCanaries;
  return e;
}

}  // namespace raftlog::canaries
