#include "matrix/lin/checker.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace raftlog::lin {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

bool InModel(Model model, OpKind kind) {
  switch (kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
      return model == Model::kRegister;
    case OpKind::kCas:
      return true;
    case OpKind::kGet:
    case OpKind::kPut:
    case OpKind::kAppend:
    case OpKind::kDelete:
      return model == Model::kKv;
  }
  return false;
}

// A map from 64-bit keys to int32 values, open addressing (lookup and
// insert only, never iterated, so nothing depends on its layout).
class FlatMap {
 public:
  // The value of `key`, inserting `make()` first when absent.
  template <typename Make>
  int32_t FindOrInsert(uint64_t key, Make make) {
    if ((count_ + 1) * 2 > keys_.size()) Grow();
    const uint64_t stored = key + 1;  // 0 marks an empty slot
    size_t mask = keys_.size() - 1;
    for (size_t i = Slot(stored) & mask;; i = (i + 1) & mask) {
      if (keys_[i] == stored) return values_[i];
      if (keys_[i] == 0) {
        int32_t v = make();  // may not touch this map
        keys_[i] = stored;
        values_[i] = v;
        ++count_;
        return v;
      }
    }
  }
  uint64_t bytes() const { return keys_.size() * 12; }

 private:
  static uint64_t Slot(uint64_t k) {
    k ^= k >> 31;
    k *= 0x9e3779b97f4a7c15ULL;
    return k ^ (k >> 29);
  }
  void Grow() {
    size_t n = keys_.empty() ? 256 : keys_.size() * 2;
    std::vector<uint64_t> keys(n, 0);
    std::vector<int32_t> values(n, 0);
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == 0) continue;
      size_t j = Slot(keys_[i]) & (n - 1);
      while (keys[j] != 0) j = (j + 1) & (n - 1);
      keys[j] = keys_[i];
      values[j] = values_[i];
    }
    keys_.swap(keys);
    values_.swap(values);
  }

  std::vector<uint64_t> keys_;
  std::vector<int32_t> values_;
  size_t count_ = 0;
};

// Dense ids for model values: the nodes of a byte trie, node 0 the empty
// string. Two strings get the same id iff they are equal, and appending a
// text to a state walks (or grows) the trie from the state's node: the cost
// is the appended text's length, never the state's, and no state string is
// ever built or copied during the search. Ids depend only on the order
// strings are first seen: deterministic.
class TextTrie {
 public:
  TextTrie() {
    parent_.push_back(-1);
    byte_.push_back(0);
    depth_.push_back(0);
  }
  // True when the string of `a` is a prefix of the string of `b`.
  bool IsPrefix(int32_t a, int32_t b) const {
    if (depth_[a] > depth_[b]) return false;
    for (int32_t d = depth_[b] - depth_[a]; d > 0; --d) b = parent_[b];
    return a == b;
  }
  int32_t Extend(int32_t node, absl::string_view text) {
    for (char c : text) node = Child(node, static_cast<unsigned char>(c));
    return node;
  }
  // The string of `node` (built by walking to the root; not for the search).
  std::string Text(int32_t node) const {
    std::string s;
    for (; node > 0; node = parent_[node]) s.push_back(byte_[node]);
    std::reverse(s.begin(), s.end());
    return s;
  }
  uint64_t bytes() const { return children_.bytes() + parent_.size() * 9; }

 private:
  int32_t Child(int32_t node, unsigned char c) {
    uint64_t k = (static_cast<uint64_t>(node) << 8) | c;
    return children_.FindOrInsert(k, [&] {
      parent_.push_back(node);
      byte_.push_back(static_cast<char>(c));
      depth_.push_back(depth_[node] + 1);
      return static_cast<int32_t>(parent_.size() - 1);
    });
  }

  FlatMap children_;             // (node, byte) -> child node
  std::vector<int32_t> parent_;  // per node
  std::vector<char> byte_;       // per node: the byte from its parent
  std::vector<int32_t> depth_;   // per node: its string's length
};

// One operation of a key's sub-history, with values interned.
struct POp {
  size_t index = 0;  // into the History
  OpKind kind = OpKind::kRead;
  int32_t arg = 0;
  int32_t expected = 0;
  int32_t result = 0;
  int64_t invoke = 0;
  int64_t complete = kNever;  // kNever: indeterminate
  bool ok = false;
};

// The sequential specification of one key.
class KeyModel {
 public:
  explicit KeyModel(Model model) : model_(model) {
    initial_ = Intern(Value::Nil());
  }

  // Register: nil, 1 and "1" differ. Kv: nil == "" (a missing key and an
  // empty value are the same), integers are their decimal text.
  int32_t Intern(const Value& v) {
    std::string s;
    if (model_ == Model::kRegister) {
      switch (v.type()) {
        case Value::Type::kNil: s = "n"; break;
        case Value::Type::kInt: s = absl::StrCat("i", v.int_value()); break;
        case Value::Type::kString: s = absl::StrCat("s", v.str()); break;
      }
    } else {
      switch (v.type()) {
        case Value::Type::kNil: break;
        case Value::Type::kInt: s = absl::StrCat(v.int_value()); break;
        case Value::Type::kString: s = v.str(); break;
      }
    }
    int32_t id = trie_.Extend(0, s);
    interned_.emplace(id, std::move(s));
    return id;
  }

  int32_t initial() const { return initial_; }
  // Kv: appends only extend the state, so a state that is not a prefix of
  // a value read before any overwrite can happen is a dead end.
  bool appends_extend() const { return model_ == Model::kKv; }
  bool IsPrefix(int32_t a, int32_t b) const { return trie_.IsPrefix(a, b); }
  // The kv text of an interned value (register: its encoded form).
  std::string Text(int32_t id) const { return trie_.Text(id); }

  // Applies `op` to `state`; false when the operation cannot happen in that
  // state (a read that would see another value, a cas whose expected value
  // differs).
  bool Step(int32_t state, const POp& op, int32_t* next) {
    switch (op.kind) {
      case OpKind::kRead:
      case OpKind::kGet:
        *next = state;
        return state == op.result;
      case OpKind::kWrite:
      case OpKind::kPut:
        *next = op.arg;
        return true;
      case OpKind::kDelete:
        *next = initial_;
        return true;
      case OpKind::kCas:
        *next = op.arg;
        return state == op.expected;
      case OpKind::kAppend: {
        uint64_t k = (static_cast<uint64_t>(static_cast<uint32_t>(state)) << 32) |
                     static_cast<uint32_t>(op.arg);
        *next = appends_.FindOrInsert(k, [&] {
          return trie_.Extend(state, interned_.at(op.arg));
        });
        return true;
      }
    }
    return false;
  }

  uint64_t bytes() const { return trie_.bytes() + appends_.bytes(); }

 private:
  Model model_;
  TextTrie trie_;
  // The text of every value interned from the history (the arguments
  // appends extend states with). Lookup only.
  std::unordered_map<int32_t, std::string> interned_;
  FlatMap appends_;  // (state, appended value) -> state
  int32_t initial_ = 0;
};

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// The memo: a set of variable-length word strings, open addressing over an
// arena. Iteration order is never observed.
class KeySet {
 public:
  // True when `key` was not present (and is now).
  bool Insert(const uint64_t* key, uint32_t len) {
    uint64_t h = len;
    for (uint32_t i = 0; i < len; ++i) h = Mix(h ^ key[i]) + i;
    h |= 1;  // 0 marks an empty slot
    if ((count_ + 1) * 2 > hashes_.size()) Grow();
    size_t mask = hashes_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (hashes_[i] == 0) {
        hashes_[i] = h;
        offsets_[i] = arena_.size();
        arena_.push_back(len);
        arena_.insert(arena_.end(), key, key + len);
        ++count_;
        return true;
      }
      if (hashes_[i] == h) {
        const uint64_t* stored = &arena_[offsets_[i]];
        if (stored[0] == len &&
            std::memcmp(stored + 1, key, len * sizeof(uint64_t)) == 0) {
          return false;
        }
      }
    }
  }

  uint64_t bytes() const {
    return arena_.size() * sizeof(uint64_t) + hashes_.size() * 16;
  }

 private:
  void Grow() {
    size_t n = hashes_.empty() ? 1024 : hashes_.size() * 2;
    std::vector<uint64_t> hashes(n, 0), offsets(n, 0);
    for (size_t i = 0; i < hashes_.size(); ++i) {
      if (hashes_[i] == 0) continue;
      size_t j = hashes_[i] & (n - 1);
      while (hashes[j] != 0) j = (j + 1) & (n - 1);
      hashes[j] = hashes_[i];
      offsets[j] = offsets_[i];
    }
    hashes_.swap(hashes);
    offsets_.swap(offsets);
  }

  std::vector<uint64_t> arena_;  // [len, words...] per key
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> offsets_;
  size_t count_ = 0;
};

enum class SearchVerdict { kOk, kBad, kUnknown };

struct SearchResult {
  SearchVerdict verdict = SearchVerdict::kOk;
  uint64_t states = 0;
  std::string reason;  // kUnknown
  // kBad: the latest completion time at which the search had to backtrack
  // (an :ok operation's completion reached before the operation could be
  // linearized). Every configuration explored failed at or before it, using
  // only operations invoked by then, so the prefix up to it is already not
  // linearizable (see Check: it bounds the window search).
  int64_t last_failure = -1;
};

// Wing & Gong / Lowe search over one key's operations (see checker.h).
SearchResult Search(const std::vector<POp>& in, KeyModel& model,
                    const CheckOptions& options) {
  SearchResult result;
  // Number operations: :ok ones first, then indeterminate ones, each group
  // in invocation order (this keeps the :ok bitset's all-ones prefix long).
  std::vector<int32_t> order(in.size());
  for (size_t i = 0; i < in.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return std::make_tuple(!in[a].ok, in[a].invoke) <
           std::make_tuple(!in[b].ok, in[b].invoke);
  });
  std::vector<POp> ops;
  ops.reserve(in.size());
  for (int32_t i : order) ops.push_back(in[i]);
  const size_t n = ops.size();
  size_t n_ok = 0;
  while (n_ok < n && ops[n_ok].ok) ++n_ok;
  if (n_ok == 0) return result;

  // Entries 1..E (0 is the list head): invocations of every op, completions
  // of :ok ops, by (time, invocation before completion, op number).
  std::vector<std::tuple<int64_t, int, int32_t>> events;
  events.reserve(n + n_ok);
  for (size_t i = 0; i < n; ++i) {
    events.emplace_back(ops[i].invoke, 0, static_cast<int32_t>(i));
    if (ops[i].ok) {
      events.emplace_back(ops[i].complete, 1, static_cast<int32_t>(i));
    }
  }
  std::sort(events.begin(), events.end());
  const size_t num_entries = events.size();
  std::vector<int32_t> next(num_entries + 2), prev(num_entries + 2);
  std::vector<int32_t> entry_op(num_entries + 1), match(num_entries + 1, 0);
  std::vector<uint8_t> is_call(num_entries + 2, 0);  // [kEnd] = 0
  std::vector<int32_t> call_of(n, 0);
  for (size_t e = 1; e <= num_entries; ++e) {
    const auto& [time, type, op] = events[e - 1];
    (void)time;
    entry_op[e] = op;
    is_call[e] = type == 0;
    if (type == 0) {
      call_of[op] = static_cast<int32_t>(e);
    } else {
      match[call_of[op]] = static_cast<int32_t>(e);
    }
    prev[e] = static_cast<int32_t>(e - 1);
    next[e - 1] = static_cast<int32_t>(e);
  }
  const int32_t kEnd = static_cast<int32_t>(num_entries + 1);
  next[num_entries] = kEnd;
  prev[kEnd] = static_cast<int32_t>(num_entries);

  auto unlink = [&](int32_t x) {
    next[prev[x]] = next[x];
    prev[next[x]] = prev[x];
  };
  auto relink = [&](int32_t x) {
    next[prev[x]] = x;
    prev[next[x]] = x;
  };

  // Linearized sets. :ok bits padded with ones past n_ok so that a full
  // word is always ~0.
  const size_t ok_words = (n_ok + 63) / 64;
  const size_t info_words = (n - n_ok + 63) / 64;
  std::vector<uint64_t> ok_bits(ok_words, 0), info_bits(info_words, 0);
  if (n_ok % 64 != 0) ok_bits[ok_words - 1] = ~uint64_t{0} << (n_ok % 64);
  size_t lead = 0;        // ok_bits[0, lead) are all ones
  size_t ok_hi = 0;       // ok_bits[ok_hi, ...) are all zero (or padding)
  size_t info_hi = 0;     // info_bits[info_hi, ...) are all zero

  struct Frame {
    int32_t entry;
    int32_t state;
    uint32_t lead, ok_hi, info_hi;
    bool greedy;  // a read linearized by the greedy rule
  };
  std::vector<Frame> stack;
  std::vector<uint64_t> key;
  KeySet memo;
  int32_t state = model.initial();
  size_t remaining_ok = n_ok;

  enum class Try { kIllegal, kSeen, kPushed, kBudget };
  // Linearizes the operation of call entry `e` if it is legal in `state` and
  // the resulting configuration is new.
  auto try_push = [&](int32_t e, bool greedy) -> Try {
    const int32_t op = entry_op[e];
    int32_t next_state;
    if (!model.Step(state, ops[op], &next_state)) return Try::kIllegal;
    // Tentatively add `op` and build the memo key.
    size_t new_lead = lead, new_ok_hi = ok_hi, new_info_hi = info_hi;
    uint64_t* word;
    uint64_t bit;
    if (static_cast<size_t>(op) < n_ok) {
      size_t w = op / 64;
      word = &ok_bits[w];
      bit = uint64_t{1} << (op % 64);
      *word |= bit;
      while (new_lead < ok_words && ok_bits[new_lead] == ~uint64_t{0}) {
        ++new_lead;
      }
      new_ok_hi = std::max(new_ok_hi, w + 1);
    } else {
      size_t i = op - n_ok;
      word = &info_bits[i / 64];
      bit = uint64_t{1} << (i % 64);
      *word |= bit;
      new_info_hi = std::max(new_info_hi, i / 64 + 1);
    }
    size_t ok_len = new_ok_hi > new_lead ? new_ok_hi - new_lead : 0;
    key.clear();
    key.push_back((static_cast<uint64_t>(new_lead) << 32) |
                  static_cast<uint32_t>(next_state));
    key.push_back((static_cast<uint64_t>(ok_len) << 32) | new_info_hi);
    key.insert(key.end(), ok_bits.begin() + new_lead,
               ok_bits.begin() + new_lead + ok_len);
    key.insert(key.end(), info_bits.begin(), info_bits.begin() + new_info_hi);
    if (!memo.Insert(key.data(), static_cast<uint32_t>(key.size()))) {
      *word &= ~bit;  // seen before: undo (lead/hi were not committed)
      return Try::kSeen;
    }
    ++result.states;
    if (result.states > options.max_states) {
      result.verdict = SearchVerdict::kUnknown;
      result.reason = absl::StrCat("state budget exhausted (",
                                   options.max_states, " states)");
      return Try::kBudget;
    }
    uint64_t bytes =
        memo.bytes() + model.bytes() + stack.capacity() * sizeof(Frame);
    if (bytes > options.max_memory_bytes) {
      result.verdict = SearchVerdict::kUnknown;
      result.reason =
          absl::StrCat("memory budget exhausted (", options.max_memory_bytes,
                       " bytes) after ", result.states, " states");
      return Try::kBudget;
    }
    stack.push_back({e, state, static_cast<uint32_t>(lead),
                     static_cast<uint32_t>(ok_hi),
                     static_cast<uint32_t>(info_hi), greedy});
    lead = new_lead;
    ok_hi = new_ok_hi;
    info_hi = new_info_hi;
    state = next_state;
    unlink(e);
    if (match[e] != 0) unlink(match[e]);
    if (ops[op].ok) --remaining_ok;
    return Try::kPushed;
  };
  auto pop = [&]() -> Frame {
    Frame f = stack.back();
    stack.pop_back();
    const int32_t op = entry_op[f.entry];
    if (static_cast<size_t>(op) < n_ok) {
      ok_bits[op / 64] &= ~(uint64_t{1} << (op % 64));
      ++remaining_ok;
    } else {
      size_t i = op - n_ok;
      info_bits[i / 64] &= ~(uint64_t{1} << (i % 64));
    }
    lead = f.lead;
    ok_hi = f.ok_hi;
    info_hi = f.info_hi;
    state = f.state;
    if (match[f.entry] != 0) relink(match[f.entry]);
    relink(f.entry);
    return f;
  };

  // Prefix rule (kv): scan the list for the first pending :ok get
  // completion. Only the overwrites (put, delete, cas) pending before it in
  // the list can be linearized before that get (every other one was invoked
  // after the get completed), and between them only appends. So the value
  // the get read must extend either the current state (no overwrite before
  // the get) or the value of one of those overwrites (the last one before
  // the get; delete: the empty value). When it extends none, no order
  // completes the history from here, and `*when` receives the get's
  // completion time. (Without it the search would try every order of the
  // appends running until that get, and every place for an indeterminate
  // append, before reaching the get's completion.)
  // The scan gives up (no pruning, always sound) after kMaxScan entries,
  // so a key with few gets does not pay a walk over its whole remaining
  // history at every configuration.
  constexpr int kMaxScan = 1024;
  std::vector<int32_t> overwrite_values;
  auto dead_state = [&](int64_t* when) -> bool {
    if (!model.appends_extend()) return false;
    overwrite_values.clear();
    int scanned = 0;
    for (int32_t e = next[0]; e != kEnd && scanned < kMaxScan;
         e = next[e], ++scanned) {
      const POp& p = ops[entry_op[e]];
      if (is_call[e]) {
        if (p.kind == OpKind::kPut || p.kind == OpKind::kCas) {
          overwrite_values.push_back(p.arg);
        } else if (p.kind == OpKind::kDelete) {
          return false;  // the empty value extends to anything
        }
        continue;
      }
      if (p.kind != OpKind::kGet) continue;
      if (model.IsPrefix(state, p.result)) return false;
      for (int32_t v : overwrite_values) {
        if (model.IsPrefix(v, p.result)) return false;
      }
      *when = p.complete;
      return true;
    }
    return false;
  };

  int32_t entry = next[0];
  bool fresh = true;  // a new configuration: apply the greedy rule first
  while (true) {
    if (remaining_ok == 0) return result;
    bool backtrack = false;
    int64_t dead_at = 0;
    if (fresh && dead_state(&dead_at)) {
      // Fails like a completion reached at `dead_at` would (same bound for
      // the window search: the get is in every prefix up to then).
      fresh = false;
      backtrack = true;
      result.last_failure = std::max(result.last_failure, dead_at);
    }
    if (fresh) {
      // Greedy rule: a callable read that is legal now can be linearized
      // first without loss (it changes no state, and everything that had to
      // precede it already is linearized); so it is not a branch point, and
      // if the search fails after it, it fails here too.
      fresh = false;
      for (int32_t e = next[0]; is_call[e]; e = next[e]) {
        const POp& p = ops[entry_op[e]];
        if (!(p.kind == OpKind::kRead || p.kind == OpKind::kGet) ||
            p.result != state) {
          continue;
        }
        Try t = try_push(e, /*greedy=*/true);
        if (t == Try::kBudget) return result;
        if (t == Try::kPushed) fresh = true;
        if (t == Try::kSeen) backtrack = true;  // seen = failed before
        break;
      }
      if (fresh) {
        entry = next[0];
        continue;
      }
      entry = next[0];
    }
    if (!backtrack) {
      assert(entry != kEnd);  // an :ok completion is still in the list
      if (is_call[entry]) {
        Try t = try_push(entry, /*greedy=*/false);
        if (t == Try::kBudget) return result;
        if (t == Try::kPushed) {
          fresh = true;
          entry = next[0];
        } else {
          entry = next[entry];
        }
        continue;
      }
    }
    // The first pending completion: its operation had to be linearized by
    // now (or a greedy read failed). Backtrack past every greedy frame: the
    // configuration before a greedy read fails whenever the one after does.
    if (!backtrack) {
      result.last_failure =
          std::max(result.last_failure, ops[entry_op[entry]].complete);
    }
    while (true) {
      if (stack.empty()) {
        result.verdict = SearchVerdict::kBad;
        return result;
      }
      Frame f = pop();
      if (!f.greedy) {
        entry = next[f.entry];
        break;
      }
    }
  }
}

// Drops indeterminate operations whose effect nobody can observe. Sound
// because, in any linearization that places such an operation W, nothing
// between W and the next blind overwrite (write/put/delete) can depend on
// what W did, and the overwrite erases it; so removing W leaves every other
// operation legal. Common in practice (unique values, writes lost in a
// partition), and every one kept would be retried at each step of the search.
//  - keys without appends: an indeterminate write/put/cas whose new value no
//    :ok read returned and no cas expects (exact match);
//  - kv keys with appends: an indeterminate put/append/cas whose (non-empty)
//    text occurs in no :ok read's result and no cas's expected value: after
//    it, until an overwrite, the state contains that text, so no read could
//    have happened there (appends only extend the state; a cas would need an
//    expected value containing it).
std::vector<POp> DropUnobservable(const std::vector<POp>& ops,
                                  const KeyModel& model) {
  bool appends = false;
  std::vector<int32_t> observed;
  for (const POp& op : ops) {
    appends = appends || op.kind == OpKind::kAppend;
    if (op.ok && (op.kind == OpKind::kRead || op.kind == OpKind::kGet)) {
      observed.push_back(op.result);
    }
    if (op.kind == OpKind::kCas) observed.push_back(op.expected);
  }
  std::sort(observed.begin(), observed.end());
  observed.erase(std::unique(observed.begin(), observed.end()),
                 observed.end());
  // With appends: the observed texts that are not a prefix of another one
  // (a text inside a prefix is inside the longer text too). In a history
  // without overwrites that is a single string.
  std::vector<std::string> texts;
  if (appends) {
    for (int32_t id : observed) texts.push_back(model.Text(id));
    std::sort(texts.begin(), texts.end());
    std::vector<std::string> maximal;
    for (size_t i = 0; i < texts.size(); ++i) {
      bool prefix_of_next =
          i + 1 < texts.size() &&
          texts[i + 1].compare(0, texts[i].size(), texts[i]) == 0;
      if (!prefix_of_next) maximal.push_back(std::move(texts[i]));
    }
    texts.swap(maximal);
  }
  std::vector<POp> out;
  out.reserve(ops.size());
  for (const POp& op : ops) {
    bool drop = false;
    if (!op.ok) {
      if (!appends) {
        // (An indeterminate delete is kept: the empty value is read often.)
        bool sets_value = op.kind == OpKind::kWrite ||
                          op.kind == OpKind::kPut || op.kind == OpKind::kCas;
        drop = sets_value &&
               !std::binary_search(observed.begin(), observed.end(), op.arg);
      } else if (op.kind == OpKind::kPut || op.kind == OpKind::kAppend ||
                 op.kind == OpKind::kCas) {
        const std::string text = model.Text(op.arg);
        drop = !text.empty();
        for (const std::string& t : texts) {
          if (!drop) break;
          if (t.find(text) != std::string::npos) drop = false;
        }
      }
    }
    if (!drop) out.push_back(op);
  }
  return out;
}

// The prefix of `ops` up to `cut`: operations invoked at or before it; those
// not completed (:ok) by then become indeterminate, and indeterminate reads
// are dropped (they constrain nothing).
std::vector<POp> Prefix(const std::vector<POp>& ops, int64_t cut) {
  std::vector<POp> out;
  for (const POp& op : ops) {
    if (op.invoke > cut) continue;
    POp p = op;
    if (!(p.ok && p.complete <= cut)) {
      if (p.kind == OpKind::kRead || p.kind == OpKind::kGet) continue;
      p.ok = false;
      p.complete = kNever;
    }
    out.push_back(p);
  }
  return out;
}

// What checking one key found (see Check). Independent of every other
// key, so keys can be checked in any order or in parallel.
struct KeyOutcome {
  struct Bad {
    int64_t cut = 0;
    Value key;  // set by Check
    bool minimal = true;
    std::vector<size_t> window, failing;
  };
  size_t ops = 0;
  SearchVerdict search = SearchVerdict::kOk;
  uint64_t states = 0;
  uint64_t max_search_states = 0;
  std::string reason;  // kUnknown
  Bad bad;             // kBad
};

// Searches one key's operations (`indices` into `history`, in invocation
// order) and, when they are not linearizable, the smallest bad window.
KeyOutcome CheckKey(const History& history, const std::vector<size_t>& indices,
                    Model model_kind, const CheckOptions& options) {
  KeyOutcome out;
  KeyModel model(model_kind);
  std::vector<POp> ops;
  ops.reserve(indices.size());
  for (size_t i : indices) {
    const Operation& h = history[i];
    POp op;
    op.index = i;
    op.kind = h.kind;
    op.invoke = h.invoke_time;
    op.ok = h.outcome == Outcome::kOk;
    op.complete = op.ok ? *h.complete_time : kNever;
    op.arg = model.Intern(h.value);
    op.expected = model.Intern(h.expected);
    op.result = model.Intern(h.result);
    ops.push_back(op);
  }
  out.ops = ops.size();

  std::vector<POp> search_ops = DropUnobservable(ops, model);
  SearchResult full = Search(search_ops, model, options);
  out.states = full.states;
  out.max_search_states = full.states;
  out.search = full.verdict;
  out.reason = full.reason;
  if (full.verdict != SearchVerdict::kBad) return out;

  // Smallest non-linearizable prefix, by binary search over the :ok
  // completion times (monotone; see checker.h).
  std::vector<int64_t> cuts;
  for (const POp& op : ops) {
    if (op.ok) cuts.push_back(op.complete);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  // prefix(cuts[hi]) is bad. The full search explored, exhaustively, only
  // operations invoked by its last failure and failed at completions no
  // later than it: the same search tree as on the prefix up to it (where
  // ops still running are indeterminate, which they effectively were).
  // So that prefix is bad, and the window search starts below it.
  size_t lo = 0;
  size_t hi = static_cast<size_t>(
      std::lower_bound(cuts.begin(), cuts.end(), full.last_failure) -
      cuts.begin());
  if (hi >= cuts.size()) hi = cuts.size() - 1;
  bool minimal = true;
  if (options.minimize_window) {
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      // Dropping again: an operation observed only after the cut is
      // unobservable in the prefix (often the many :ok appends still
      // running at the cut, which would otherwise float freely).
      SearchResult r = Search(
          DropUnobservable(Prefix(search_ops, cuts[mid]), model), model,
          options);
      out.states += r.states;
      out.max_search_states = std::max(out.max_search_states, r.states);
      if (r.verdict == SearchVerdict::kBad) {
        hi = mid;
      } else {
        if (r.verdict == SearchVerdict::kUnknown) minimal = false;
        lo = mid + 1;
      }
    }
  } else {
    minimal = false;
  }
  const int64_t cut = cuts[hi];
  out.bad.cut = cut;
  out.bad.minimal = minimal;
  std::vector<const POp*> window;
  for (const POp& op : ops) {
    if (op.invoke <= cut) window.push_back(&op);
  }
  std::stable_sort(window.begin(), window.end(),
                   [](const POp* a, const POp* b) {
                     return std::tie(a->invoke, a->index) <
                            std::tie(b->invoke, b->index);
                   });
  for (const POp* op : window) {
    out.bad.window.push_back(op->index);
    if (op->ok && op->complete == cut) out.bad.failing.push_back(op->index);
  }
  return out;
}

}  // namespace

absl::string_view ModelName(Model model) {
  return model == Model::kRegister ? "register" : "kv";
}

std::optional<Model> ModelFromName(absl::string_view name) {
  if (name == "register") return Model::kRegister;
  if (name == "kv") return Model::kKv;
  return std::nullopt;
}

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "not linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

absl::StatusOr<Model> InferModel(const History& history) {
  std::optional<size_t> reg, kv;  // first op of each family
  for (size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    if (op.outcome == Outcome::kFail) continue;
    if (op.kind == OpKind::kRead || op.kind == OpKind::kWrite) {
      if (!reg) reg = i;
    } else if (op.kind != OpKind::kCas) {
      if (!kv) kv = i;
    }
  }
  if (reg && kv) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot infer the model: operation ", *reg, " is :",
        OpKindName(history[*reg].kind), " (register) but operation ", *kv,
        " is :", OpKindName(history[*kv].kind), " (kv); pass --model"));
  }
  return kv ? Model::kKv : Model::kRegister;
}

absl::StatusOr<CheckResult> Check(const History& history,
                                  const CheckOptions& options) {
  CheckResult result;
  if (options.model.has_value()) {
    result.model = *options.model;
  } else {
    auto model = InferModel(history);
    if (!model.ok()) return model.status();
    result.model = *model;
  }

  // Partition by key (std::map: keys are visited in a deterministic order).
  std::map<Value, std::vector<size_t>> by_key;
  for (size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    if (op.outcome == Outcome::kFail) continue;
    if (!InModel(result.model, op.kind)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "operation ", i, " (process ", op.process, ") is :",
          OpKindName(op.kind), ", which the ", ModelName(result.model),
          " model does not have"));
    }
    if (op.outcome == Outcome::kOk && !op.complete_time.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "operation ", i, " (process ", op.process,
          ") is :ok but has no completion time"));
    }
    if (op.complete_time.has_value() && *op.complete_time < op.invoke_time) {
      return absl::InvalidArgumentError(absl::StrCat(
          "operation ", i, " (process ", op.process, ") completes at ",
          *op.complete_time, ", before its invocation at ", op.invoke_time));
    }
    if (op.outcome == Outcome::kInfo && op.is_read()) continue;
    by_key[op.key].push_back(i);
  }
  result.keys = by_key.size();

  std::vector<const std::pair<const Value, std::vector<size_t>>*> keys;
  for (const auto& entry : by_key) keys.push_back(&entry);
  std::vector<KeyOutcome> outcomes(keys.size());
  auto check_key = [&](size_t k) {
    outcomes[k] = CheckKey(history, keys[k]->second, result.model, options);
  };
  const size_t jobs = std::min<size_t>(std::max(options.jobs, 1),
                                       keys.size());
  // Keys after the first bad one (in key order) are not needed without
  // all_keys; the parallel path may search some of them anyway (their
  // outcomes are discarded below), the sequential one never does.
  std::atomic<size_t> first_bad_index{keys.size()};
  if (jobs <= 1) {
    for (size_t k = 0; k < keys.size(); ++k) {
      check_key(k);
      if (outcomes[k].search == SearchVerdict::kBad && !options.all_keys) break;
    }
  } else {
    std::atomic<size_t> next_key{0};
    auto worker = [&] {
      for (size_t k = next_key++; k < keys.size(); k = next_key++) {
        if (!options.all_keys && k > first_bad_index.load()) continue;
        check_key(k);
        if (outcomes[k].search != SearchVerdict::kBad) continue;
        size_t seen = first_bad_index.load();
        while (k < seen && !first_bad_index.compare_exchange_weak(seen, k)) {
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }

  // Merge in key order: the same result for any number of jobs.
  std::optional<KeyOutcome::Bad> first_bad;
  for (size_t k = 0; k < keys.size(); ++k) {
    const Value& key = keys[k]->first;
    if (first_bad.has_value() && !options.all_keys) {
      ++result.keys_unchecked;  // the verdict is decided already
      continue;
    }
    KeyOutcome& o = outcomes[k];
    result.ops_checked += o.ops;
    result.states_explored += o.states;
    result.max_search_states =
        std::max(result.max_search_states, o.max_search_states);
    if (o.search == SearchVerdict::kOk) continue;
    if (o.search == SearchVerdict::kUnknown) {
      if (result.unknown_keys.empty()) {
        result.reason = absl::StrCat("key ", key.ToEdn(), ": ", o.reason);
      }
      result.unknown_keys.push_back(key);
      continue;
    }
    result.bad_keys.push_back(key);
    if (first_bad.has_value() && first_bad->cut <= o.bad.cut) continue;
    first_bad = std::move(o.bad);
    first_bad->key = key;
  }

  if (first_bad.has_value()) {
    result.verdict = Verdict::kNotLinearizable;
    result.reason.clear();
    result.window_key = first_bad->key;
    result.window_cut_time = first_bad->cut;
    result.window_minimal = first_bad->minimal;
    result.window_ops = std::move(first_bad->window);
    result.failing_ops = std::move(first_bad->failing);
  } else if (!result.unknown_keys.empty()) {
    result.verdict = Verdict::kUnknown;
  } else {
    result.verdict = Verdict::kLinearizable;
  }
  return result;
}

std::string WindowToEdn(const History& history, const CheckResult& result,
                        size_t max_ops, size_t* omitted) {
  size_t skip = 0;
  if (max_ops != 0 && result.window_ops.size() > max_ops) {
    skip = result.window_ops.size() - max_ops;
  }
  if (omitted != nullptr) *omitted = skip;
  History window;
  for (size_t i = skip; i < result.window_ops.size(); ++i) {
    Operation op = history[result.window_ops[i]];
    if (op.complete_time.has_value() &&
        *op.complete_time > result.window_cut_time) {
      op.complete_time.reset();  // still running at the cut
      op.outcome = Outcome::kInfo;
    }
    window.Add(std::move(op));
  }
  return ToEdn(window);
}

}  // namespace raftlog::lin
