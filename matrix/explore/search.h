// Bounded exhaustive search over World choice sequences.
//
// Stateless: a state is reached by re-executing its choice sequence from a
// fresh World (release nodes cannot be cloned); the search keeps one live
// World and re-executes only when it backtracks, so descending to the first
// child of a state costs one choice.
//
// Depth-first with iterative deepening: depth limits 1, 2, ... up to
// Bounds::depth, so the first violation found is one of the shortest choice
// sequences that reach a violation (within the bounds). Each iteration
// prunes with World::Digest(): a state reached again is expanded again only
// if it is now reached at a smaller depth or with a smaller sleep set.
//
// Partial-order reduction: sleep sets (Godefroid). A delivery to node a and a
// delivery or a tick at node b != a commute (each input touches only its
// receiver's state and adds messages to the multiset; neither disables the
// other), so after exploring choice t at a state, every later sibling's
// subtree skips t for as long as it only takes choices independent of t.
// Sleep sets prune transitions, never states: the reduced search visits
// every state the unreduced one does (reduction_test checks exactly this).
// With the digest cache, a state met again no deeper is expanded again only
// by the choices its earlier expansion kept asleep and this visit does not.
//
// Determinism: the search never reads the clock except to honour
// time_budget_s; max_transitions bounds it reproducibly.
#ifndef RAFTLOG_MATRIX_EXPLORE_SEARCH_H_
#define RAFTLOG_MATRIX_EXPLORE_SEARCH_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/check/checker.h"
#include "matrix/explore/choice.h"
#include "matrix/explore/world.h"

namespace raftlog::explore {

struct SearchOptions {
  Bounds bounds;
  bool reduction = true;        // sleep sets
  bool iterative = true;        // iterative deepening (shortest violation first)
  bool stop_at_violation = true;  // false: record every violating state, expand past it
  uint64_t max_transitions = 2'000'000;  // choices applied, over all iterations
  double time_budget_s = 0;              // 0: none
  std::vector<Choice> prefix;  // applied first; the search explores its continuations
  bool keep_states = false;    // fill SearchResult::states (tests)
  // Called with every state the search reaches (after each choice it
  // applies, the prefix's last state included): tests gather evidence of
  // what the bounds covered (a joint configuration entered, a cluster
  // version raised). It must not change the World.
  std::function<void(const World&)> observe;
};

enum class Verdict { kSafe, kViolation, kBudgetExhausted };
const char* VerdictName(Verdict v);

using StateDigest = std::pair<uint64_t, uint64_t>;

struct SearchResult {
  Verdict verdict = Verdict::kSafe;
  // What ended the search: "violation"; "depth" (the depth bound cut some
  // path); "closed" (no enabled choice left below the depth bound: the whole
  // bounded state space was seen); "transitions" or "time" (a budget).
  std::string stopped_by;
  uint64_t transitions = 0;     // choices applied while searching (states explored)
  uint64_t replays = 0;         // re-executions from the start
  uint64_t distinct = 0;        // distinct states in the last iteration
  int depth_reached = 0;        // longest path (after the prefix) applied
  int depth_limit = 0;          // the limit of the last iteration
  double seconds = 0;
  std::vector<Choice> path;     // the violation's choice sequence, prefix included
  std::vector<check::Violation> violations;
  std::set<StateDigest> violating;  // digests of every violating state seen
  std::set<StateDigest> states;     // keep_states: every distinct state
};

absl::StatusOr<SearchResult> Search(const SearchOptions& options);

}  // namespace raftlog::explore

#endif  // RAFTLOG_MATRIX_EXPLORE_SEARCH_H_
