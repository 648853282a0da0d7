#include "matrix/runner/cli.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "matrix/runner/compare.h"
#include "matrix/runner/history_files.h"
#include "matrix/runner/matrix.h"
#include "matrix/runner/report.h"
#include "matrix/runner/report_schema.h"
#include "matrix/runner/verdict.h"
#include "matrix/sim/linearizability.h"
#include "util/user_path.h"
#include "versions/policy.h"
#include "versions/registry.h"
#include "util/flag_help.h"

ABSL_FLAG(std::string, tags, "",
          "release tags, comma separated (default: every registered tag); the matrix gets a "
          "column per pair a->b with a not newer than b");
ABSL_FLAG(std::string, pairs, "", "only these pairs, e.g. v1:v2,v2:v2 (overrides --tags)");
ABSL_FLAG(std::string, scenarios, "", "scenarios, comma separated (default: all; see --list)");
ABSL_FLAG(int, seeds, 0, "seeds per cell, 1..N (default: 8 in fast mode, 48 in full mode)");
ABSL_FLAG(uint64_t, seed, 0, "run only this seed (reproduce a failure)");
ABSL_FLAG(bool, dry_run, false, "print the plans (steps, background faults) and run nothing");
ABSL_FLAG(bool, print_ops, false, "with --dry_run: print every scripted client operation too");
ABSL_FLAG(std::string, mode, "fast", "fast (every change) or full (nightly: more seeds, 5 nodes)");
ABSL_FLAG(std::string, out, "matrix-report",
          "report directory (relative: to the directory bazel run was started from)");
ABSL_FLAG(int, jobs, 0, "seeds run side by side (0: one per core, at most 8)");
ABSL_FLAG(std::string, policy, "", "policy file (default: versions/policy.txt)");
ABSL_FLAG(int, shrink_runs, -1, "simulations spent shrinking each red cell (default 80; 0: none)");
ABSL_FLAG(bool, lin, true, "check linearizability of every history");
ABSL_FLAG(uint64_t, lin_max_states, raftlog::sim::kDefaultLinMaxStates,
          "linearizability search budget (configurations one search may enter); a seed whose "
          "search runs out is UNKNOWN, never a pass");
ABSL_FLAG(std::string, color, "auto", "auto, always or never");
ABSL_FLAG(bool, progress, true, "progress on stderr while running");
ABSL_FLAG(bool, list, false, "list scenarios, registered tags and the policy, then exit");
ABSL_FLAG(bool, test, false,
          "run as a Bazel test: seeds sharded by TEST_TOTAL_SHARDS/TEST_SHARD_INDEX, reports "
          "to TEST_UNDECLARED_OUTPUTS_DIR");
ABSL_FLAG(std::string, verify_cells, "",
          "check that this cell list (scenario/from/to,...) is every scenario x every pair of "
          "registered tags, then exit");
ABSL_FLAG(std::string, regressions, "", "run the named cases of this file (fast mode each)");
ABSL_FLAG(bool, canaries, false,
          "run the default matrix cells against every canary release (versions/canaries: from its "
          "base and every older tag) and print the detection table (also into --out); --mode, "
          "--seeds (default 16, 48 in full mode), --scenarios, --pairs, --seed and --only narrow "
          "it (//matrix:canary_runner only: //matrix:runner links no canaries)");
ABSL_FLAG(std::string, only, "", "with --canaries: only this canary tag (v2+ack)");
ABSL_FLAG(std::string, compare, "",
          "a base run's report.json: after the run, print what changed (cell statuses, new and "
          "vanished violations, telemetry beyond --compare_threshold, seeds per second) and write "
          "compare.md and compare.json beside the reports (compare.h)");
ABSL_FLAG(std::string, write_history, "",
          "write every seed's client history into this directory, one file per cell and seed "
          "(<scenario>__<from>_<to>__seed<N>__<mode>.edn), as Jepsen EDN that "
          "//matrix:lincheck and other tools read (matrix/lin/HISTORY.md)");
ABSL_FLAG(double, compare_threshold, 0.25,
          "with --compare: relative change beyond which a telemetry metric counts as moved");

namespace raftlog::runner {

absl::StatusOr<std::vector<RegressionCase>> ParseRegressions(absl::string_view text,
                                                             absl::string_view filename) {
  std::vector<RegressionCase> out;
  std::set<std::string> names;
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(filename, ":", line_no, ": ", what));
    };
    absl::string_view line = raw;
    if (size_t h = line.find('#'); h != absl::string_view::npos) line = line.substr(0, h);
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (f.empty()) continue;
    if (f.size() != 4 && f.size() != 5) {
      return error("expected '<name> <scenario> <from>:<to> <seed> [fast|full]'");
    }
    RegressionCase c;
    c.line = line_no;
    c.name = std::string(f[0]);
    c.scenario = std::string(f[1]);
    if (FindScenario(c.scenario) == nullptr) {
      return error(absl::StrCat("unknown scenario '", c.scenario, "'"));
    }
    std::vector<std::string> pair = absl::StrSplit(f[2], ':');
    if (pair.size() != 2 || pair[0].empty() || pair[1].empty()) {
      return error(absl::StrCat("expected <from>:<to>, got '", f[2], "'"));
    }
    c.from = pair[0];
    c.to = pair[1];
    if (!absl::SimpleAtoi(f[3], &c.seed) || c.seed == 0) {
      return error(absl::StrCat("bad seed '", f[3], "' (a positive integer)"));
    }
    if (f.size() == 5) {
      auto m = ModeFromName(f[4]);
      if (!m.ok()) return error(m.status().message());
      c.mode = *m;
    }
    if (!names.insert(c.name).second) return error(absl::StrCat("case '", c.name, "' named twice"));
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status VerifyCells(const std::vector<std::string>& cells, const std::vector<std::string>& tags) {
  std::set<std::string> want, have(cells.begin(), cells.end());
  for (const Scenario& s : AllScenarios()) {
    for (const auto& [a, b] : PairsOf(tags)) want.insert(absl::StrCat(s.name, "/", a, "/", b));
  }
  std::vector<std::string> missing, extra;
  std::set<std::string> tags_missing;
  for (const std::string& c : want) {
    if (!have.count(c)) {
      missing.push_back(c);
      std::vector<std::string> parts = absl::StrSplit(c, '/');
      for (size_t i = 1; i < parts.size(); ++i) {
        bool any = false;
        for (const std::string& h : have) {
          std::vector<std::string> hp = absl::StrSplit(h, '/');
          if (hp.size() == 3 && (hp[1] == parts[i] || hp[2] == parts[i])) any = true;
        }
        if (!any) tags_missing.insert(parts[i]);
      }
    }
  }
  for (const std::string& c : have) {
    if (!want.count(c)) extra.push_back(c);
  }
  if (missing.empty() && extra.empty()) return absl::OkStatus();
  std::string msg = "the cell list of matrix/cells.bzl is out of sync with the registry and the runner:";
  for (const std::string& t : tags_missing) {
    absl::StrAppend(&msg, "\n  registered tag ", t, " has no cells: add \"", t,
                    "\" to TAGS in matrix/cells.bzl");
  }
  if (!missing.empty()) absl::StrAppend(&msg, "\n  missing cells: ", absl::StrJoin(missing, " "));
  if (!extra.empty()) {
    absl::StrAppend(&msg, "\n  cells for unregistered tags or unknown scenarios: ",
                    absl::StrJoin(extra, " "),
                    "\n  (TAGS and SCENARIOS in matrix/cells.bzl must list exactly the registered "
                    "tags and the runner's scenarios, see --list)");
  }
  return absl::FailedPreconditionError(msg);
}

std::vector<std::string> NormalizeFlagNames(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool rest = false;  // after "--": positional
  for (const std::string& a : args) {
    if (rest || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      out.push_back(a);
      if (a == "--") rest = true;
      continue;
    }
    size_t eq = a.find('=');
    std::string name = a.substr(0, eq == std::string::npos ? a.size() : eq);
    for (size_t i = 2; i < name.size(); ++i) {
      if (name[i] == '-') name[i] = '_';
    }
    out.push_back(eq == std::string::npos ? name : name + a.substr(eq));
  }
  return out;
}

namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(s, ',', absl::SkipEmpty())) {
    t = absl::StripAsciiWhitespace(t);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

bool Readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::vector<std::string> RegisteredTags() {
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  return tags;
}

// The policy file: --policy (relative to where bazel run started), else the
// runfiles copy, else the workspace's.
std::string PolicyPath(const std::string& flag, const char* argv0) {
  if (!flag.empty()) return util::ResolveUserPath(flag);
  const std::string rel = "versions/policy.txt";
  std::vector<std::string> candidates;
  if (const char* r = Env("RUNFILES_DIR")) candidates.push_back(absl::StrCat(r, "/raftcert/", rel));
  if (const char* r = Env("TEST_SRCDIR")) candidates.push_back(absl::StrCat(r, "/raftcert/", rel));
  candidates.push_back(rel);  // bazel run / bazel test start in the runfiles tree
  candidates.push_back(absl::StrCat(argv0, ".runfiles/raftcert/", rel));
  if (const char* w = Env("BUILD_WORKSPACE_DIRECTORY")) candidates.push_back(absl::StrCat(w, "/", rel));
  for (const std::string& c : candidates) {
    if (Readable(c)) return c;
  }
  return rel;
}

double WallSeconds() {
  using namespace std::chrono;
  static const steady_clock::time_point start = steady_clock::now();
  return duration<double>(steady_clock::now() - start).count();
}

// Progress on stderr: in place on a terminal, a plain line per cell otherwise.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool tty) : tty_(tty) {}
  void operator()(const MatrixOptions::Progress& p) {
    const double rate = p.elapsed_s > 0 ? p.seeds_done / p.elapsed_s : 0;
    const double eta = rate > 0 ? (p.seeds_total - p.seeds_done) / rate : 0;
    std::string line = absl::StrFormat("[%d/%d cells] %d/%d seeds, %.1f seeds/s, ETA %.0fs  %s",
                                       p.cells_done, p.cells_total, p.seeds_done, p.seeds_total,
                                       rate, eta, p.last);
    if (tty_) {
      std::cerr << "\r\033[K" << line.substr(0, 160) << std::flush;
      if (p.seeds_done == p.seeds_total) std::cerr << "\n";
    } else if (p.cells_done != last_cells_ || p.seeds_done == p.seeds_total) {
      last_cells_ = p.cells_done;
      std::cerr << line << "\n" << std::flush;
    }
  }

 private:
  bool tty_;
  size_t last_cells_ = 0;
};

int Usage(const std::string& msg) {
  std::cerr << "runner: " << msg << "\n";
  return kExitUsage;
}

int RunRegressions(const std::string& path, const policy::Policy& policy, const MatrixOptions& base) {
  std::ifstream in(path);
  if (!in) return Usage(absl::StrCat("cannot open regressions file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  auto cases = ParseRegressions(ss.str(), path);
  if (!cases.ok()) return Usage(std::string(cases.status().message()));
  int bad = 0;
  std::vector<CellStatus> statuses;
  for (const RegressionCase& c : *cases) {
    for (const std::string& t : {c.from, c.to}) {
      if (FindRelease(t) == nullptr) {
        return Usage(absl::StrCat(path, ":", c.line, ": case ", c.name, " names tag '", t,
                                  "', which is not registered (", ReleaseTagList(), ")"));
      }
    }
    MatrixOptions o = base;
    o.pairs = {{c.from, c.to}};
    o.scenarios = {c.scenario};
    o.seeds = {c.seed};
    o.mode = c.mode;
    o.progress = nullptr;
    MatrixResult m = RunMatrix(o);
    const CellResult& cell = m.cells.front();
    statuses.push_back(cell.verdict.status);
    const bool ok = CellOk(cell.verdict.status);
    if (!ok) ++bad;
    std::cout << absl::StrFormat("%-32s %-24s %s->%s seed %-6d %s\n", c.name, c.scenario, c.from,
                                 c.to, c.seed, CellStatusName(cell.verdict.status));
    if (!ok && cell.artifact) {
      std::cout << "    " << cell.artifact->first_violation << "\n    reproduce: "
                << cell.artifact->reproduce << "\n";
    }
  }
  std::cout << cases->size() << " regression case(s), " << bad << " not matching the policy\n";
  return ExitCodeFor(statuses);
}

// --compare: this run's report (checked against the schema like the base)
// against the base's; printed, and written beside the reports. Returns 0, or
// kExitUsage when this run's own report cannot be read back or written.
int CompareWithBase(const google::protobuf::Value& base, const std::string& base_path,
                    const MatrixResult& m, const std::string& out_dir) {
  const std::string head_path = out_dir + "/report.json";
  auto head = ParseJson(JsonReport(m), head_path);
  if (head.ok()) {
    if (absl::Status s = CheckReport(*head, head_path); !s.ok()) head = s;
  }
  if (!head.ok()) return Usage(std::string(head.status().message()));
  CompareOptions options;
  options.relative_threshold = absl::GetFlag(FLAGS_compare_threshold);
  const Comparison c = CompareReports(base, *head, base_path, head_path, options);
  std::cout << "\n" << ComparisonText(c);
  if (absl::Status s = WriteComparison(c, out_dir); !s.ok()) return Usage(std::string(s.message()));
  std::cout << "comparison: " << out_dir << "/compare.md, compare.json\n";
  return 0;
}

// Values a default would silently replace are refused instead: a negative
// count, and a list flag given explicitly empty (leaving it out means "all").
absl::Status CheckRanges(const std::vector<std::string>& args) {
  if (absl::GetFlag(FLAGS_seeds) < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--seeds=", absl::GetFlag(FLAGS_seeds), ": seeds per cell must be at least 1 (leave it "
        "out for the mode's default)"));
  }
  if (absl::GetFlag(FLAGS_jobs) < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--jobs=", absl::GetFlag(FLAGS_jobs), ": must be at least 1 (0 or left out: one per core)"));
  }
  for (size_t i = 1; i < args.size(); ++i) {
    for (absl::string_view list : {"tags", "scenarios", "pairs"}) {
      const std::string flag = absl::StrCat("--", list);
      const bool empty_inline = args[i] == flag + "=";
      const bool empty_next = args[i] == flag && i + 1 < args.size() && args[i + 1].empty();
      if (empty_inline || empty_next) {
        return absl::InvalidArgumentError(
            absl::StrCat(flag, " is empty: name at least one, or leave it out for all"));
      }
    }
  }
  return absl::OkStatus();
}

// Why `tag` is not known, and where it would be: a canary tag ("v3+vote")
// is linked only into the canary runner.
std::string UnknownTag(const std::string& tag, const CliExtensions& extensions) {
  std::string why = absl::StrCat("unknown tag '", tag, "' (registered: ", ReleaseTagList(), ")");
  if (absl::StrContains(tag, '+') && !extensions.run_canaries) {
    absl::StrAppend(&why, "; canary tags run with bazel run //matrix:canary_runner");
  }
  return why;
}


// A tag's release: the registry's, else one the binary links in besides (a
// canary). An extra tag is judged by the policy as, and sorts right after,
// its base tag.
class TagResolver {
 public:
  TagResolver(const std::vector<std::string>& registered, const CliExtensions& extensions)
      : registered_(registered), extensions_(extensions) {}
  const api::ReleaseInfo* Find(absl::string_view t) const {
    if (const api::ReleaseInfo* r = FindRelease(t)) return r;
    return extensions_.find_release ? extensions_.find_release(t) : nullptr;
  }
  std::string JudgedAs(const std::string& t) const {
    if (FindRelease(t) != nullptr || !extensions_.base_tag) return t;
    return extensions_.base_tag(t);
  }
  size_t Position(const std::string& t) const {
    const std::string base = JudgedAs(t);
    return 2 * (std::find(registered_.begin(), registered_.end(), base) - registered_.begin()) +
           (base == t ? 0 : 1);
  }

 private:
  const std::vector<std::string>& registered_;
  const CliExtensions& extensions_;
};

int RunCanaries(const CliExtensions& extensions, const policy::Policy& policy,
                const std::vector<std::string>& registered, Mode mode) {
  if (!extensions.run_canaries) {
    return Usage(
        "this runner links no canary releases: bazel run //matrix:canary_runner -- --canaries");
  }
  CanaryRequest r;
  r.policy = &policy;
  r.registered = registered;
  r.out_dir = util::ResolveUserPath(absl::GetFlag(FLAGS_out));
  r.mode = mode;
  r.seeds = absl::GetFlag(FLAGS_seeds);
  r.seed = absl::GetFlag(FLAGS_seed);
  r.scenarios = SplitList(absl::GetFlag(FLAGS_scenarios));
  r.pairs = SplitList(absl::GetFlag(FLAGS_pairs));
  r.only = absl::GetFlag(FLAGS_only);
  r.shrink_runs = absl::GetFlag(FLAGS_shrink_runs);
  const int jobs = absl::GetFlag(FLAGS_jobs);
  r.jobs = jobs > 0 ? jobs : std::clamp<int>(std::thread::hardware_concurrency(), 1, 8);
  r.progress = absl::GetFlag(FLAGS_progress);
  return extensions.run_canaries(r);
}

int ListScenariosAndPolicy(const std::vector<std::string>& registered,
                           const std::string& policy_path, const policy::Policy& policy) {
  std::cout << "scenarios:\n";
  for (const Scenario& s : AllScenarios()) {
    std::cout << "  " << s.name << " (requires " << s.requires.ToString() << ")\n    "
              << s.summary << "\n";
  }
  std::cout << "registered tags: " << absl::StrJoin(registered, ",") << "\npolicy ("
            << policy_path << "):\n";
  for (const auto& [a, b] : PairsOf(registered)) {
    std::cout << "  " << a << " -> " << b << ": " << policy.For(a, b).ToString() << "\n";
  }
  return 0;
}

// The columns: --pairs as given, else every pair of --tags (or of every
// registered tag), older first.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SelectPairs(
    const TagResolver& tags_known, const std::vector<std::string>& registered,
    const CliExtensions& extensions) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!absl::GetFlag(FLAGS_pairs).empty()) {
    for (const std::string& p : SplitList(absl::GetFlag(FLAGS_pairs))) {
      std::vector<std::string> ab = absl::StrSplit(p, ':');
      if (ab.size() != 2) {
        return absl::InvalidArgumentError(absl::StrCat("bad pair '", p, "': expected from:to"));
      }
      for (const std::string& t : ab) {
        if (tags_known.Find(t) == nullptr) {
          return absl::InvalidArgumentError(UnknownTag(t, extensions));
        }
      }
      if (tags_known.Position(ab[0]) > tags_known.Position(ab[1])) {
        return absl::InvalidArgumentError(
            absl::StrCat("pair ", p, " goes from newer to older; downgrades are scenarios of the pair ",
                         ab[1], ":", ab[0]));
      }
      pairs.emplace_back(ab[0], ab[1]);
    }
    return pairs;
  }
  std::vector<std::string> tags = SplitList(absl::GetFlag(FLAGS_tags));
  if (tags.empty()) tags = registered;
  for (const std::string& t : tags) {
    if (tags_known.Find(t) == nullptr) return absl::InvalidArgumentError(UnknownTag(t, extensions));
  }
  std::sort(tags.begin(), tags.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(tags_known.Position(a), a) < std::make_pair(tags_known.Position(b), b);
  });
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return PairsOf(tags);
}

// The rows: --scenarios, else every scenario.
absl::StatusOr<std::vector<std::string>> SelectScenarios() {
  std::vector<std::string> scenarios = SplitList(absl::GetFlag(FLAGS_scenarios));
  if (scenarios.empty()) {
    for (const Scenario& s : AllScenarios()) scenarios.push_back(s.name);
  }
  for (const std::string& s : scenarios) {
    if (FindScenario(s) == nullptr) {
      std::vector<std::string> names;
      for (const Scenario& x : AllScenarios()) names.push_back(x.name);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown scenario '", s, "' (known: ", absl::StrJoin(names, ","), ")"));
    }
  }
  return scenarios;
}

// --seed alone, else 1..--seeds (the mode's default when left out).
std::vector<uint64_t> SelectSeeds(Mode mode) {
  std::vector<uint64_t> seeds;
  const int n_seeds = absl::GetFlag(FLAGS_seeds) > 0 ? absl::GetFlag(FLAGS_seeds)
                      : absl::GetFlag(FLAGS_dry_run)  ? 1
                      : mode == Mode::kFast           ? 8
                                                      : 48;
  if (absl::GetFlag(FLAGS_seed) != 0) {
    seeds.push_back(absl::GetFlag(FLAGS_seed));
  } else {
    for (int i = 1; i <= n_seeds; ++i) seeds.push_back(i);
  }
  return seeds;
}

// --dry_run: every plan, with what the policy expects of it.
int PrintPlans(const MatrixOptions& o, const policy::Policy& policy, const TagResolver& tags) {
  for (const std::string& s : o.scenarios) {
    const Scenario* sc = FindScenario(s);
    for (const auto& [a, b] : o.pairs) {
      const policy::Capabilities declared = policy.For(tags.JudgedAs(a), tags.JudgedAs(b));
      const bool supported = declared.HasAll(sc->requires);
      for (uint64_t seed : o.seeds) {
        auto plan = Compile(s, a, b, seed, o.mode);
        if (!plan.ok()) return Usage(std::string(plan.status().message()));
        std::cout << "== " << s << " " << a << "->" << b << " seed " << seed << ": policy declares "
                  << declared.ToString() << " => expected "
                  << (supported ? "PASS on every seed" : "a clean refusal") << "\n"
                  << plan->ToString(absl::GetFlag(FLAGS_print_ops)) << "\n";
      }
    }
  }
  return 0;
}

// Under `bazel test` (--test): seeds sharded by TEST_TOTAL_SHARDS /
// TEST_SHARD_INDEX, reports into the test's outputs.
absl::Status ApplyTestEnvironment(MatrixOptions& o, std::string* out_dir) {
  if (const char* n = Env("TEST_TOTAL_SHARDS")) {
    int total = 1, index = 0;
    if (!absl::SimpleAtoi(n, &total) ||
        !absl::SimpleAtoi(Env("TEST_SHARD_INDEX") ? Env("TEST_SHARD_INDEX") : "0", &index) ||
        total < 1 || index < 0 || index >= total) {
      return absl::InvalidArgumentError("bad TEST_TOTAL_SHARDS / TEST_SHARD_INDEX");
    }
    o.shard_count = total;
    o.shard_index = index;
  }
  if (const char* f = Env("TEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(f, std::ios::app);  // "this test knows about sharding"
  }
  if (const char* d = Env("TEST_UNDECLARED_OUTPUTS_DIR")) {
    *out_dir = absl::StrCat(d, "/matrix-report");
  } else if (const char* t = Env("TEST_TMPDIR")) {
    *out_dir = absl::StrCat(t, "/matrix-report");
  }
  return absl::OkStatus();
}

}  // namespace

int RunCli(int argc, char** argv, const CliExtensions& extensions) {
  std::vector<std::string> args(argv, argv + argc);
  args = NormalizeFlagNames(args);
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  absl::SetProgramUsageMessage(absl::StrCat(
      "the upgrade matrix: bazel run //matrix:runner -- [--tags=v1,v2] [--scenarios=a,b] "
      "[--seeds=N] [--seed=S] [--dry-run] [--mode=fast|full] [--out=DIR]\n"
      "exit status: ", kExitOk, " every cell matches the policy (PASS, REFUSED-as-expected); ",
      kExitMismatch, " some cell is FAIL or UNEXPECTED-GREEN; ", kExitUsage,
      " usage or configuration error; ", kExitUnknown,
      " no cell is FAIL or UNEXPECTED-GREEN but some is UNKNOWN (a seed's linearizability "
      "search ran out of budget: raise --lin_max_states)"));
  raftlog::util::ShowProjectFlagsInHelp();
  absl::ParseCommandLine(static_cast<int>(cargs.size()), cargs.data());

  const std::vector<std::string> registered = RegisteredTags();
  if (!absl::GetFlag(FLAGS_verify_cells).empty()) {
    absl::Status s = VerifyCells(SplitList(absl::GetFlag(FLAGS_verify_cells)), registered);
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      return 1;
    }
    std::cout << "cells in sync: " << AllScenarios().size() << " scenarios x "
              << PairsOf(registered).size() << " pairs of " << absl::StrJoin(registered, ",") << "\n";
    return 0;
  }

  auto mode = ModeFromName(absl::GetFlag(FLAGS_mode));
  if (!mode.ok()) return Usage(std::string(mode.status().message()));
  if (absl::Status s = CheckRanges(args); !s.ok()) return Usage(std::string(s.message()));
  const std::string policy_path = PolicyPath(absl::GetFlag(FLAGS_policy), argv[0]);
  auto policy = policy::Policy::Load(policy_path);
  if (!policy.ok()) return Usage(std::string(policy.status().message()));
  if (absl::Status s = policy->Validate(registered); !s.ok()) return Usage(std::string(s.message()));

  if (absl::GetFlag(FLAGS_canaries)) return RunCanaries(extensions, *policy, registered, *mode);
  if (absl::GetFlag(FLAGS_list)) return ListScenariosAndPolicy(registered, policy_path, *policy);

  const TagResolver tags(registered, extensions);
  auto pairs = SelectPairs(tags, registered, extensions);
  if (!pairs.ok()) return Usage(std::string(pairs.status().message()));
  auto scenarios = SelectScenarios();
  if (!scenarios.ok()) return Usage(std::string(scenarios.status().message()));

  const bool test = absl::GetFlag(FLAGS_test);
  MatrixOptions o;
  o.pairs = *std::move(pairs);
  o.scenarios = *std::move(scenarios);
  o.seeds = SelectSeeds(*mode);
  o.mode = *mode;
  o.policy = &*policy;
  if (absl::GetFlag(FLAGS_dry_run)) return PrintPlans(o, *policy, tags);
  o.find_release = [&tags](absl::string_view t) { return tags.Find(t); };
  if (extensions.base_tag) o.policy_tag = [&tags](const std::string& t) { return tags.JudgedAs(t); };
  o.lin = absl::GetFlag(FLAGS_lin);
  o.lin_max_states = absl::GetFlag(FLAGS_lin_max_states);
  if (o.lin_max_states == 0) return Usage("--lin_max_states must be positive");
  o.shrink_runs = absl::GetFlag(FLAGS_shrink_runs) >= 0 ? absl::GetFlag(FLAGS_shrink_runs) : 80;
  o.wall_clock = &WallSeconds;
  o.artifacts_for_all = absl::GetFlag(FLAGS_seed) != 0;
  int jobs = absl::GetFlag(FLAGS_jobs);
  if (jobs <= 0) jobs = test ? 1 : std::clamp<int>(std::thread::hardware_concurrency(), 1, 8);
  o.jobs = jobs;
  std::string out_dir = util::ResolveUserPath(absl::GetFlag(FLAGS_out));
  if (test) {
    if (absl::Status s = ApplyTestEnvironment(o, &out_dir); !s.ok()) {
      return Usage(std::string(s.message()));
    }
  }
  if (!absl::GetFlag(FLAGS_regressions).empty()) {
    return RunRegressions(util::ResolveUserPath(absl::GetFlag(FLAGS_regressions)), *policy, o);
  }

  // --compare: the base is read and checked before the run, so a bad path
  // or report costs no matrix.
  std::optional<google::protobuf::Value> compare_base;
  const std::string compare_path = absl::GetFlag(FLAGS_compare).empty()
                                       ? ""
                                       : util::ResolveUserPath(absl::GetFlag(FLAGS_compare));
  if (!compare_path.empty()) {
    if (!(absl::GetFlag(FLAGS_compare_threshold) >= 0)) return Usage("--compare_threshold must be >= 0");
    auto base = ReadReport(compare_path);
    if (!base.ok()) return Usage(absl::StrCat("--compare: ", base.status().message()));
    compare_base = *std::move(base);
  }

  // --write-history: one file per cell and seed, written as seeds finish.
  const std::string history_dir = absl::GetFlag(FLAGS_write_history).empty()
                                      ? ""
                                      : util::ResolveUserPath(absl::GetFlag(FLAGS_write_history));
  std::mutex history_mu;
  std::vector<std::string> history_errors;
  size_t histories_written = 0;
  if (!history_dir.empty()) {
    if (absl::Status s = MakeHistoryDir(history_dir); !s.ok()) {
      return Usage(absl::StrCat("--write_history: ", s.message()));
    }
    o.seed_done = [&](const CellKey& cell, uint64_t seed, const RunResult& run,
                      const SeedVerdict& verdict) {
      absl::Status s = WriteHistoryFile(history_dir, cell, seed, o.mode, run, verdict);
      std::lock_guard<std::mutex> lock(history_mu);
      if (s.ok()) {
        ++histories_written;
      } else {
        history_errors.push_back(std::string(s.message()));
      }
    };
  }

  const bool err_tty = isatty(STDERR_FILENO) != 0 && !test;
  ProgressPrinter printer(err_tty);
  if (absl::GetFlag(FLAGS_progress)) {
    o.progress = [&printer](const MatrixOptions::Progress& p) { printer(p); };
  }
  std::cerr << "matrix: " << o.scenarios.size() << " scenario(s) x " << o.pairs.size() << " pair(s), "
            << (o.seeds.size() + o.shard_count - 1 - o.shard_index) / o.shard_count
            << " seed(s) per cell, " << ModeName(o.mode) << " mode, " << o.jobs
            << " job(s), policy " << policy_path << "\n";
  MatrixResult m = RunMatrix(o);
  const std::string color = absl::GetFlag(FLAGS_color);
  const bool use_color = color == "always" || (color == "auto" && !test && isatty(STDOUT_FILENO));
  std::cout << TerminalTable(m, use_color);
  if (absl::Status s = WriteReports(m, out_dir); !s.ok()) {
    std::cerr << "runner: " << s.message() << "\n";
    return kExitUsage;
  }
  std::cout << "reports: " << out_dir << "/report.html, report.md, report.json, report.xml, "
                                         "report.seeds.xml\n";
  if (!history_dir.empty()) {
    std::cout << "histories: " << history_dir << " (" << histories_written
              << " files, one per cell and seed; bazel run //matrix:lincheck -- FILE...)\n";
    if (!history_errors.empty()) {
      return Usage(absl::StrCat(history_errors.size(), " history file(s) not written, first: ",
                                history_errors.front()));
    }
  }
  if (compare_base.has_value()) {
    if (int status = CompareWithBase(*compare_base, compare_path, m, out_dir); status != 0) {
      return status;
    }
  }
  return m.exit_code();
}

}  // namespace raftlog::runner
