// Linearizability checker for client histories of the replicated KV log.
//
// WHAT IT DECIDES
// A history is linearizable when there is one sequential order of its
// operations that (a) respects real time: if A completed strictly before B
// was invoked, A comes first, and (b) is a legal run of the model (register:
// read/write/cas, an unwritten register reads nil; kv: get/put/append/delete
// (+cas), a missing key reads nil and nil == "" for get and append).
// Outcomes: :ok operations must all appear; :fail operations never happened
// and are dropped; :info operations (timed out, or never completed) are
// indeterminate, like Jepsen's: each may appear anywhere after its
// invocation, or not at all. Indeterminate reads constrain nothing and are
// dropped too.
//
// ALGORITHM
// 1. P-compositionality (Herlihy & Wing): both models are per-key objects, so
//    the history is linearizable iff every per-key sub-history is. Keys are
//    checked independently, in key order.
// 2. Per key, Wing & Gong's search with Lowe's just-in-time linearization
//    and memoization ("Testing for linearizability", 2017; the algorithm of
//    porcupine). Invocations and completions form a time-ordered doubly
//    linked list (a completion at time t comes after an invocation at t:
//    equal times are concurrent). Depth-first: take the first entry; if it
//    is an invocation whose operation is legal in the current model state,
//    linearize it (unlink its invocation and completion, push it) unless the
//    configuration (model state, set of linearized operations) was already
//    seen, and restart from the head; otherwise try the next entry. Reaching
//    a completion whose operation is not yet linearized means no order works
//    from here: pop the last linearized operation and try the entry after
//    it. The key is linearizable when every :ok operation is linearized
//    (indeterminate ones have no completion entry, so they never force
//    anything); not linearizable when a completion is reached with an empty
//    stack.
//    One refinement (sound, and checked against the brute-force reference
//    in the tests): on entering a configuration, a callable :ok read that is
//    legal in the current state is linearized first, greedily. A read
//    changes no state and everything that had to precede it is already
//    linearized, so if any order completes the history from here, one that
//    starts with that read does; the read is therefore not a branch point,
//    and when the search fails after it, it backtracks past it at once.
//    With half the operations reads this cuts the configurations explored
//    by about ten times.
//    A second refinement, kv only (same checks): appends only extend the
//    state. On entering a configuration, find the first pending :ok get
//    completion. Only the overwrites (put, delete, cas) pending before it
//    in the list can come before that get (the others were invoked after
//    it completed), with appends between them; so the value it read must
//    extend the current state or the value of one of those overwrites. If
//    it extends none, the configuration fails at once, instead of after
//    trying every order of the appends running until that get (k
//    concurrent appends: k! states, since each order is a different
//    string) and every place for an indeterminate append. On append
//    histories this turns an exponential search into a near-linear one.
//    Model values are interned as the nodes of a byte trie (equal strings,
//    equal ids; "is a prefix of" is a walk up the trie), and an append
//    walks the trie by the appended text only: no state string is built,
//    copied or hashed during the search.
//    The memo holds every configuration ever entered. Its key is the model
//    state (an interned id) plus the linearized set as a bitset, stored
//    compactly: :ok operations are numbered in invocation order and the set
//    is kept as (count of leading all-ones 64-bit words, the words after it
//    up to the last non-zero one), indeterminate operations in a second
//    bitset. With bounded concurrency the stored words stay few however long
//    the key's history is, so memory and time grow linearly with its length.
//    Before searching, indeterminate operations that nobody can observe are
//    dropped: on keys without appends, writes/puts/cas whose new value no
//    :ok read returns and no cas expects; on kv keys with appends,
//    puts/appends/cas whose text occurs in no read result or cas expected
//    value. Whatever state they set is erased before anyone could look at
//    it (proof in checker.cc), and each one kept would be retried at every
//    step of the search: with unique values this makes timeouts cheap.
// 3. Minimal window: for a key found not linearizable, binary search over
//    the completion times T of its :ok operations for the smallest T such
//    that the prefix "operations invoked at or before T, with the ones not
//    completed by T made indeterminate" is already not linearizable. This
//    property is monotone in T (a linearization of a longer prefix, cut
//    where the shorter one ends, linearizes the shorter), so the search is
//    exact. The search starts from an upper bound the full search gives for
//    free: the latest completion at which it had to backtrack. It only ever
//    linearized operations invoked by then and failed at completions no
//    later, which is the same search tree as on the prefix up to it, so
//    that prefix is bad without searching it again.
//    Each prefix is searched after dropping unobservable operations again
//    (an :ok append still running at the cut and read only later is
//    indeterminate and unobserved in the prefix).
//    That prefix and the operation(s) completing at T are reported.
//    By default the check stops at the first failing key (in key order),
//    whose window is reported; with CheckOptions::all_keys every key is
//    searched and the failing key with the earliest T is reported.
//
// BUDGET (deterministic, never wall clock)
// Per key, the search stops with Verdict::kUnknown when it has entered more
// than `max_states` configurations, or when its memo (hash table, stored
// keys, interned kv values) would exceed `max_memory_bytes` (counted from
// element counts, not from the allocator, so the same input always stops at
// the same point). Time per configuration is O(operations concurrent with
// the frontier + pending indeterminate operations). A key that runs out of
// budget does not stop the others: any non-linearizable key makes the
// verdict kNotLinearizable; otherwise any unknown key makes it kUnknown
// (so stopping at the first bad key never changes the verdict).
// A prefix search during window minimization that runs out of budget counts
// as "not shown non-linearizable" and the window is marked non-minimal.
#ifndef RAFTLOG_MATRIX_LIN_CHECKER_H_
#define RAFTLOG_MATRIX_LIN_CHECKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {

enum class Model { kRegister, kKv };

absl::string_view ModelName(Model model);  // "register", "kv"
std::optional<Model> ModelFromName(absl::string_view name);

// read/write alone -> register; get/put/append/delete -> kv; cas goes with
// either (cas only -> register). Ignores :fail operations. Mixing register
// and kv kinds is an InvalidArgument error. An empty history -> register.
absl::StatusOr<Model> InferModel(const History& history);

enum class Verdict { kLinearizable, kNotLinearizable, kUnknown };
absl::string_view VerdictName(Verdict verdict);  // "linearizable", ...

struct CheckOptions {
  std::optional<Model> model;  // nullopt: InferModel
  // Per-key budget; see the header comment.
  uint64_t max_states = 10'000'000;
  uint64_t max_memory_bytes = uint64_t{1} << 30;
  // Binary-search the smallest non-linearizable prefix of a failing key.
  bool minimize_window = true;
  // false (default): stop at the first non-linearizable key in key order; the
  // verdict is already decided, and the keys after it are not searched
  // (CheckResult::keys_unchecked counts them). true: search every key, list
  // all bad and unknown keys, and report the window of the key whose
  // smallest bad prefix ends earliest.
  bool all_keys = false;
  // Keys searched in parallel (std::thread) when > 1. The result is the
  // same for any value: outcomes are merged in key order, and without
  // all_keys the keys after the first bad one are dropped even when a
  // thread already searched them. The budgets stay per key, so memory can
  // reach `jobs` times max_memory_bytes. Not for the simulation path (no
  // threads there): keep 1.
  int jobs = 1;
};

struct CheckResult {
  Verdict verdict = Verdict::kLinearizable;
  Model model = Model::kRegister;
  // kUnknown: which key ran out of which budget.
  std::string reason;

  // Of the keys searched, after dropping :fail and indeterminate reads.
  size_t ops_checked = 0;
  size_t keys = 0;
  uint64_t states_explored = 0;  // all searches, including minimization
  // The largest single search (one key, or one prefix while minimizing):
  // what `max_states` bounds, so the figure to size the budget by.
  uint64_t max_search_states = 0;
  std::vector<Value> bad_keys;      // in key order
  std::vector<Value> unknown_keys;  // in key order (of the keys searched)
  // Keys not searched because an earlier key was already non-linearizable
  // (only without CheckOptions::all_keys).
  size_t keys_unchecked = 0;

  // kNotLinearizable: the reported window on `window_key`: the operations
  // invoked at or before `window_cut_time` (indices into the History, in
  // invocation order); `failing_ops` are the :ok ones completing exactly at
  // the cut. Operations still running at the cut count as indeterminate.
  Value window_key;
  int64_t window_cut_time = 0;
  bool window_minimal = true;
  std::vector<size_t> window_ops;
  std::vector<size_t> failing_ops;
};

// Errors (InvalidArgument): an operation kind outside the model, a
// completion before its invocation, mixed models when inferring.
absl::StatusOr<CheckResult> Check(const History& history,
                                  const CheckOptions& options = {});

// The window as EDN lines (events at or before the cut, in time order; ops
// still running at the cut show only their invocation). At most the last
// `max_ops` operations of the window (0 = all); `*omitted` (optional)
// receives the number of earlier operations left out.
std::string WindowToEdn(const History& history, const CheckResult& result,
                        size_t max_ops = 0, size_t* omitted = nullptr);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_CHECKER_H_
