// Random walks over the same choices the exhaustive search enumerates: the
// explorer's random choice source, for paths far deeper than an exhaustive
// search can cover (a leader elected, deposed, a read, a compaction, an
// install and a membership change on one path: thirty choices and more).
//
// Walk w starts from a fresh World (after the prefix) and, at each step,
// takes one of World::Enabled() uniformly at random from a stream derived
// from (seed, w), until the depth bound, no choice left, or a safety
// violation. Swarm walks (the default; Groce et al., "Swarm testing", 2012)
// first draw, per walk, which kinds of choice it may take at all (each kind
// but deliveries, ticks and restarts with probability 1/2): a walk without drops
// and ticks keeps its budget for the learner, the finalize or the
// compaction that a uniform walk spends on something else first. Every
// other walk schedules deliveries by edge priority instead of uniformly
// (walk.cc, EdgePriorities): messages on low-priority edges stay in flight
// across elections, which uniform walks, delivering whatever is waiting,
// seldom do. Budgets (Bounds) bound each walk as they bound a search path.
// Same options, same walks, same result: the only clock read is for
// time_budget_s, which can only end the walks early.
//
// A violating walk is shrunk: delta debugging (matrix/sim/ddmin.h) over its
// choices, each candidate replayed leniently (a choice that is not enabled
// any more is skipped; a message whose exact bytes are gone is matched by
// sender, receiver and type), keeping candidates whose first violation is of
// the same checker. The result is 1-minimal, not necessarily the shortest:
// the exhaustive search (search.h) gives shortest paths within its bounds.
// The shrunk path is written with the choices it actually applied, so it
// replays exactly (//matrix/sim:simulate --choices=FILE).
#ifndef RAFTLOG_MATRIX_EXPLORE_WALK_H_
#define RAFTLOG_MATRIX_EXPLORE_WALK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/check/checker.h"
#include "matrix/explore/search.h"

namespace raftlog::explore {

struct WalkOptions {
  Bounds bounds;               // depth: choices per walk
  uint64_t seed = 1;
  uint64_t walks = 1000;       // at most this many walks
  double time_budget_s = 0;    // 0: none
  std::vector<Choice> prefix;  // applied first in every walk
  bool swarm = true;           // each walk takes a random subset of the choice kinds
  bool priority_walks = true;  // every other walk schedules deliveries by edge priority
  int shrink_replays = 3000;   // replays the shrinking may spend
  // Called with every state a walk reaches (after each choice): tests gather
  // evidence of what the walks covered. It must not change the World.
  std::function<void(const World&)> observe;
};

struct WalkResult {
  Verdict verdict = Verdict::kSafe;  // kSafe: no walk violated anything
  std::string stopped_by;            // "violation", "walks" or "time"
  uint64_t walks = 0;                // walks run
  uint64_t transitions = 0;          // choices applied over every walk
  uint64_t distinct_ends = 0;        // distinct final states (World::Digest)
  double seconds = 0;
  uint64_t violating_walk = 0;       // its index (0-based)
  size_t walk_length = 0;            // choices of the violating walk (prefix excluded)
  int shrink_replays = 0;
  std::vector<Choice> path;          // shrunk, prefix included; replays exactly
  std::vector<check::Violation> violations;  // of the shrunk path's replay
};

absl::StatusOr<WalkResult> RandomWalks(const WalkOptions& options);

}  // namespace raftlog::explore

#endif  // RAFTLOG_MATRIX_EXPLORE_WALK_H_
