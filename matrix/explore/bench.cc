// bazel run -c opt //matrix/explore:bench
//
// Prints figures (not a test): distinct states per second for 3-node v1 and
// v3 elections with a crash, the distinct-state count for fixed bounds, and
// what the sleep sets save (transitions and time with and without them, same
// distinct states). One pass to the depth bound per row (no iterative
// deepening), so the rows count exactly the bounded state space. Then the
// random walks (walk.h): choices applied per second, walks per second and
// distinct final states, for the same releases with every feature budget.
#include <cstdio>
#include <string>
#include <vector>

#include "matrix/explore/search.h"
#include "matrix/explore/walk.h"

namespace raftlog::explore {
namespace {

struct Row {
  std::string name;
  Bounds bounds;
};

Bounds Elections(const std::string& tag, int depth) {
  Bounds b;
  b.tags = {tag, tag, tag};
  b.depth = depth;
  b.timeouts = 2;
  b.heartbeats = 1;
  b.crashes = 1;
  b.client_ops = 1;
  b.drops = b.duplicates = b.membership = b.upgrades = b.finalizes = 0;
  return b;
}

// Four nodes (three voters and a joiner) from the first election, every
// feature budget: walk.h's default family "from scratch".
Bounds Everything(const std::string& tag) {
  Bounds b;
  b.tags = {tag, tag, tag, tag};
  b.voters = 3;
  b.depth = 40;
  b.timeouts = 6;
  b.heartbeats = 4;
  b.crashes = 2;
  b.drops = b.duplicates = 2;
  b.client_ops = b.reads = 3;
  b.membership = 2;
  b.learners = 3;
  b.compactions = 2;
  b.finalizes = 3;
  b.upgrades = 0;
  return b;
}

int RunWalks() {
  std::printf("\n%-34s %9s %12s %11s %9s %9s\n", "random walks (4 nodes, depth 40)", "walks",
              "choices", "choices/s", "walks/s", "ends");
  for (const std::string tag : {"v1", "v2", "v3"}) {
    WalkOptions o;
    o.bounds = Everything(tag);
    o.walks = 5000;
    absl::StatusOr<WalkResult> r = RandomWalks(o);
    if (!r.ok()) {
      std::fprintf(stderr, "bench: %s\n", r.status().ToString().c_str());
      return 1;
    }
    std::printf("%-34s %9llu %12llu %11.0f %9.0f %9llu%s\n", (tag + " x4 every feature").c_str(),
                static_cast<unsigned long long>(r->walks),
                static_cast<unsigned long long>(r->transitions), r->transitions / r->seconds,
                r->walks / r->seconds, static_cast<unsigned long long>(r->distinct_ends),
                r->verdict == Verdict::kViolation ? "  VIOLATION" : "");
  }
  return 0;
}

int Run() {
  const std::vector<Row> rows = {
      {"v1 x3 elections+crash depth 7", Elections("v1", 7)},
      {"v3 x3 elections+crash depth 7", Elections("v3", 7)},
      {"v1,v2,v2 elections+crash depth 7", [] {
         Bounds b = Elections("v2", 7);
         b.tags[0] = "v1";
         return b;
       }()},
      // The exact digest (a state is its start files and inputs): coarser
      // merging, so the sleep sets have more to save.
      {"v1 x3 elections+crash d7 exact", [] {
         Bounds b = Elections("v1", 7);
         b.exact_digest = true;
         return b;
       }()},
      // runs_test's single-server bounds: two changes and a crash.
      {"v2 x3 2 changes+crash depth 10", [] {
         Bounds b = Elections("v2", 10);
         b.voters = 2;
         b.client_ops = 0;
         b.membership = 2;
         return b;
       }()},
  };
  std::printf("%-34s %9s %12s %11s %9s %12s %11s %9s %8s\n", "bounds", "distinct",
              "transitions", "distinct/s", "seconds", "trans(full)", "distinct/s", "seconds",
              "saved");
  for (const Row& row : rows) {
    SearchOptions o;
    o.bounds = row.bounds;
    o.iterative = false;
    o.stop_at_violation = false;
    o.max_transitions = 50'000'000;
    o.reduction = true;
    absl::StatusOr<SearchResult> reduced = Search(o);
    o.reduction = false;
    absl::StatusOr<SearchResult> full = Search(o);
    if (!reduced.ok() || !full.ok()) {
      std::fprintf(stderr, "bench: %s\n",
                   (!reduced.ok() ? reduced.status() : full.status()).ToString().c_str());
      return 1;
    }
    std::printf("%-34s %9llu %12llu %11.0f %9.2f %12llu %11.0f %9.2f %7.2fx\n", row.name.c_str(),
                static_cast<unsigned long long>(reduced->distinct),
                static_cast<unsigned long long>(reduced->transitions),
                reduced->distinct / reduced->seconds, reduced->seconds,
                static_cast<unsigned long long>(full->transitions), full->distinct / full->seconds,
                full->seconds,
                static_cast<double>(full->transitions) / static_cast<double>(reduced->transitions));
    if (reduced->distinct != full->distinct) {
      std::printf("  (distinct differs without the reduction: %llu)\n",
                  static_cast<unsigned long long>(full->distinct));
    }
  }
  return RunWalks();
}

}  // namespace
}  // namespace raftlog::explore

int main() { return raftlog::explore::Run(); }
