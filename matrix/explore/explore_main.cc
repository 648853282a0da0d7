// bazel run //matrix:explore -- --tags=v1,v2,v2 --depth=12 [bounds...]
// bazel run //matrix:explore -- --tags=v3,v3,v3 --walks=2000 --depth=40 [bounds...]
// bazel run //matrix:explore -- --replay=FILE
//
// With --walks=N the same choices are taken at random instead (walk.h): N
// seeded walks of --depth choices each, for paths deeper than an exhaustive
// search reaches; a violating walk is shrunk and written like a search's.
// Bounded exhaustive exploration of a small cluster of real release nodes
// (search.h). Prints the states explored, the distinct states, the depth
// reached, states per second, the bound that stopped the search and the
// verdict. A violation is written to --out (the shortest choice sequence the
// iterative deepening found) and replays with --replay=FILE, which prints a
// full trace. Exit: 0 safe within bounds, 1 violation, 2 bad input, 3 budget
// exhausted before the bounds were covered.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/explore/recording.h"
#include "matrix/explore/search.h"
#include "matrix/explore/walk.h"
#include "util/flag_help.h"

ABSL_FLAG(std::string, tags, "v1,v1,v1", "release tag of each node, comma-separated");
ABSL_FLAG(int, voters, 0, "nodes 1..voters bootstrap as voters, the rest join empty (0: all)");
ABSL_FLAG(int, depth, 10, "choices per path");
ABSL_FLAG(int, timeouts, 3, "election timeouts (ticks of a non-leader) per path");
ABSL_FLAG(int, heartbeats, 1, "heartbeats (ticks of a leader) per path");
ABSL_FLAG(int, crashes, 0, "crashes per path");
ABSL_FLAG(int, drops, 0, "message drops per path");
ABSL_FLAG(int, duplicates, 0, "message duplications per path");
ABSL_FLAG(int, client_ops, 1, "client puts per path");
ABSL_FLAG(int, membership, 0, "membership changes (add, remove, joint) per path");
ABSL_FLAG(int, upgrades, 0, "upgrades (restart on the next tag) per path");
ABSL_FLAG(int, finalizes, 0, "finalize requests per path");
ABSL_FLAG(int, reads, 0, "linearizable client gets per path (at a node that believes it leads)");
ABSL_FLAG(int, compactions, 0, "compactions (snapshot and truncate, any node) per path");
ABSL_FLAG(int, learners, 0, "learner adds and promotions per path");
ABSL_FLAG(int, downgrades, 0, "cluster-version downgrades (by one, at a leader) per path");
ABSL_FLAG(int, rollbacks, 0, "rollbacks (restart on the previous tag) per path");
ABSL_FLAG(int, election_ticks, 2, "NodeOptions::election_ticks of every node");
ABSL_FLAG(uint64_t, max_states, 2'000'000, "budget: choices applied (deterministic)");
ABSL_FLAG(double, time_budget, 0, "budget: wall-clock seconds (0: none)");
ABSL_FLAG(bool, exact_digest, false,
          "name a node's state by its start files and input sequence (sound merging) instead of "
          "by its ProtocolState, log and files");
ABSL_FLAG(bool, reduction, true, "partial-order reduction (sleep sets)");
ABSL_FLAG(uint64_t, walks, 0,
          "random walks instead of the exhaustive search: at most this many (0: search)");
ABSL_FLAG(uint64_t, seed, 1, "--walks: the seed the walks are drawn from");
ABSL_FLAG(bool, iterative, true, "iterative deepening (shortest violation first)");
ABSL_FLAG(std::string, prefix, "", "a recorded path whose choices are applied before searching");
ABSL_FLAG(std::string, out, "explore-violation.txt", "where a violation's path is written");
ABSL_FLAG(std::string, replay, "", "replay a recorded path with a full trace, and exit");

namespace raftlog::explore {
namespace {

// Relative paths are relative to where `bazel run` was started.
std::string UserPath(const std::string& path) {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || wd == nullptr) return path;
  return absl::StrCat(wd, "/", path);
}

absl::StatusOr<Recording> ReadRecording(const std::string& path) {
  std::ifstream in(UserPath(path));
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<Recording> r = ParseRecording(ss.str());
  if (!r.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", r.status().message()));
  return r;
}

int RunReplay(const std::string& path) {
  absl::StatusOr<Recording> rec = ReadRecording(path);
  if (!rec.ok()) {
    std::fprintf(stderr, "explore: %s\n", rec.status().ToString().c_str());
    return 2;
  }
  absl::StatusOr<ReplayResult> r = Replay(*rec, /*trace=*/true);
  if (!r.ok()) {
    std::fprintf(stderr, "explore: replay of %s: %s\n", path.c_str(),
                 r.status().ToString().c_str());
    return 2;
  }
  std::printf("replay of %s: tags %s, %d choice(s)\n%s", path.c_str(),
              absl::StrJoin(rec->tags, ",").c_str(), r->applied, r->trace.c_str());
  if (r->first_violation_at == 0) {
    std::printf("verdict: no violation\n");
    return 0;
  }
  std::printf("verdict: violation at choice %d\n", r->first_violation_at);
  for (const check::Violation& v : r->violations) {
    std::printf("  %s\n", check::ViolationString(v).c_str());
  }
  return 1;
}

Bounds BoundsFromFlags() {
  Bounds b;
  b.tags = absl::StrSplit(absl::GetFlag(FLAGS_tags), ',', absl::SkipEmpty());
  b.voters = absl::GetFlag(FLAGS_voters);
  b.depth = absl::GetFlag(FLAGS_depth);
  b.timeouts = absl::GetFlag(FLAGS_timeouts);
  b.heartbeats = absl::GetFlag(FLAGS_heartbeats);
  b.crashes = absl::GetFlag(FLAGS_crashes);
  b.drops = absl::GetFlag(FLAGS_drops);
  b.duplicates = absl::GetFlag(FLAGS_duplicates);
  b.client_ops = absl::GetFlag(FLAGS_client_ops);
  b.membership = absl::GetFlag(FLAGS_membership);
  b.upgrades = absl::GetFlag(FLAGS_upgrades);
  b.finalizes = absl::GetFlag(FLAGS_finalizes);
  b.reads = absl::GetFlag(FLAGS_reads);
  b.compactions = absl::GetFlag(FLAGS_compactions);
  b.learners = absl::GetFlag(FLAGS_learners);
  b.downgrades = absl::GetFlag(FLAGS_downgrades);
  b.rollbacks = absl::GetFlag(FLAGS_rollbacks);
  b.election_ticks = absl::GetFlag(FLAGS_election_ticks);
  b.exact_digest = absl::GetFlag(FLAGS_exact_digest);
  return b;
}

// The --prefix recording's choices (empty without one).
absl::StatusOr<std::vector<Choice>> PrefixFromFlag() {
  const std::string prefix = absl::GetFlag(FLAGS_prefix);
  if (prefix.empty()) return std::vector<Choice>{};
  absl::StatusOr<Recording> rec = ReadRecording(prefix);
  if (!rec.ok()) return rec.status();
  return rec->choices;
}

// Prints the violating path and writes it to --out. Returns the exit code.
int WriteViolation(const Bounds& b, const std::vector<Choice>& path,
                   const std::vector<check::Violation>& violations, const std::string& what) {
  Recording rec;
  rec.tags = b.tags;
  rec.voters = b.voters;
  rec.election_ticks = b.election_ticks;
  rec.choices = path;
  for (const check::Violation& v : violations) rec.comments.push_back(check::ViolationString(v));
  absl::StatusOr<ReplayResult> types = Replay(rec, /*trace=*/false);
  const std::string text =
      FormatRecording(rec, types.ok() ? types->types : std::vector<std::string>{});
  std::printf("%s (%zu choices):\n%s", what.c_str(), path.size(), text.c_str());
  const std::string out = UserPath(absl::GetFlag(FLAGS_out));
  std::ofstream f(out);
  f << text;
  if (!f) {
    std::fprintf(stderr, "explore: cannot write %s\n", out.c_str());
    return 2;
  }
  // The simulator links the releases, not the canaries (a layer above it).
  const bool canary = absl::StrJoin(b.tags, ",").find('+') != std::string::npos;
  std::printf("written to %s; replay: bazel run %s%s\n", out.c_str(),
              canary ? "//matrix:explore -- --replay=" : "//matrix/sim:simulate -- --choices=",
              absl::GetFlag(FLAGS_out).c_str());
  return 1;
}

bool ValidBounds(const Bounds& b) {
  if (b.depth < 0 || b.election_ticks < 1) {
    std::fprintf(stderr, "explore: --depth must be >= 0 and --election_ticks >= 1\n");
    return false;
  }
  return true;
}

// A progress line on stderr every 2^17 states a long run reaches.
template <typename Options>
void ReportProgress(Options& o, const char* unit) {
  auto count = std::make_shared<uint64_t>(0);
  o.observe = [count, unit](const World& w) {
    if ((++*count & ((1u << 17) - 1)) != 0) return;
    std::fprintf(stderr, "explore: %llu states reached (%s), now at choice %d\n",
                 static_cast<unsigned long long>(*count), unit, w.choices_applied());
  };
}

int RunWalks() {
  WalkOptions o;
  o.bounds = BoundsFromFlags();
  o.walks = absl::GetFlag(FLAGS_walks);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.time_budget_s = absl::GetFlag(FLAGS_time_budget);
  if (!ValidBounds(o.bounds)) return 2;
  absl::StatusOr<std::vector<Choice>> prefix = PrefixFromFlag();
  if (!prefix.ok()) {
    std::fprintf(stderr, "explore: %s\n", prefix.status().ToString().c_str());
    return 2;
  }
  o.prefix = *prefix;
  ReportProgress(o, "random walks");
  absl::StatusOr<WalkResult> r = RandomWalks(o);
  if (!r.ok()) {
    std::fprintf(stderr, "explore: %s\n", r.status().ToString().c_str());
    return 2;
  }
  std::printf("tags %s, random walks of at most %d choices, seed %llu\n",
              absl::StrJoin(o.bounds.tags, ",").c_str(), o.bounds.depth,
              static_cast<unsigned long long>(o.seed));
  std::printf("walks             %llu\n", static_cast<unsigned long long>(r->walks));
  std::printf("states explored   %llu\n", static_cast<unsigned long long>(r->transitions));
  std::printf("distinct ends     %llu (final states of the safe walks)\n",
              static_cast<unsigned long long>(r->distinct_ends));
  std::printf("states per second %.0f (%.2fs)\n",
              r->seconds > 0 ? r->transitions / r->seconds : 0.0, r->seconds);
  std::printf("stopped by        %s\n", r->stopped_by.c_str());
  std::printf("verdict           %s\n",
              r->verdict == Verdict::kViolation ? "violation" : "no violation in these walks");
  if (r->verdict != Verdict::kViolation) return 0;
  return WriteViolation(o.bounds, r->path, r->violations,
                        absl::StrCat("walk ", r->violating_walk, " violated after ",
                                     r->walk_length, " choices; shrunk in ", r->shrink_replays,
                                     " replays to a path"));
}

int RunSearch() {
  SearchOptions o;
  o.bounds = BoundsFromFlags();
  const Bounds& b = o.bounds;
  o.max_transitions = absl::GetFlag(FLAGS_max_states);
  o.time_budget_s = absl::GetFlag(FLAGS_time_budget);
  o.reduction = absl::GetFlag(FLAGS_reduction);
  o.iterative = absl::GetFlag(FLAGS_iterative);
  if (!ValidBounds(b)) return 2;
  absl::StatusOr<std::vector<Choice>> prefix = PrefixFromFlag();
  if (!prefix.ok()) {
    std::fprintf(stderr, "explore: %s\n", prefix.status().ToString().c_str());
    return 2;
  }
  o.prefix = *prefix;
  ReportProgress(o, "search");
  absl::StatusOr<SearchResult> r = Search(o);
  if (!r.ok()) {
    std::fprintf(stderr, "explore: %s\n", r.status().ToString().c_str());
    return 2;
  }
  std::printf("tags %s, depth bound %d, reduction %s, %s\n", absl::StrJoin(b.tags, ",").c_str(),
              b.depth, o.reduction ? "sleep sets" : "none",
              o.iterative ? "iterative deepening" : "one depth-first pass");
  std::printf("states explored   %llu (re-executions %llu)\n",
              static_cast<unsigned long long>(r->transitions),
              static_cast<unsigned long long>(r->replays));
  std::printf("distinct states   %llu (last iteration, depth limit %d)\n",
              static_cast<unsigned long long>(r->distinct), r->depth_limit);
  std::printf("depth reached     %d\n", r->depth_reached);
  std::printf("states per second %.0f (%.2fs)\n",
              r->seconds > 0 ? r->transitions / r->seconds : 0.0, r->seconds);
  std::printf("stopped by        %s\n", r->stopped_by.c_str());
  std::printf("verdict           %s\n", VerdictName(r->verdict));
  if (r->verdict == Verdict::kBudgetExhausted) return 3;
  if (r->verdict != Verdict::kViolation) return 0;
  return WriteViolation(b, r->path, r->violations, "shortest violating path");
}

}  // namespace
}  // namespace raftlog::explore

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("bounded exhaustive exploration of real release nodes");
  raftlog::util::ShowProjectFlagsInHelp();
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::fprintf(stderr, "explore: unexpected argument '%s'\n", rest[1]);
    return 2;
  }
  const std::string replay = absl::GetFlag(FLAGS_replay);
  if (!replay.empty()) return raftlog::explore::RunReplay(replay);
  return absl::GetFlag(FLAGS_walks) > 0 ? raftlog::explore::RunWalks()
                                        : raftlog::explore::RunSearch();
}
