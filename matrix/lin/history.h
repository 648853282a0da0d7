// Client histories: what the simulator records and the linearizability checker
// reads. One Operation per client request, with its invocation and (optional)
// completion, in simulated time.
//
// Contract for a recorder (the simulator):
//  - call Invoke() when a client sends a request, keep the returned index;
//  - call Complete() once when the client learns the outcome:
//      kOk   the operation took effect (reads carry their result);
//      kFail the operation certainly did NOT take effect (e.g. rejected by a
//            non-leader before being proposed, Overloaded). It is dropped by
//            the checker, so only use it when that is certain;
//      kInfo indeterminate: timed out, connection lost. It may or may not have
//            taken effect, at any time after its invocation.
//    An operation never completed is indeterminate too (same as kInfo).
//  - a process (client id) has at most one outstanding operation at a time,
//    as in Jepsen; a retry after a timeout is a NEW operation (same process
//    is fine once the previous one was completed with kInfo).
//
// Times are simulated integers. Real-time order used by the checker: A
// precedes B iff A completed strictly before B was invoked (equal times are
// concurrent).
//
// ToEdn() writes the Jepsen-style text the CLI reads (see edn.h), one event
// per line, in time order:
//   {:process 3, :type :invoke, :f :cas, :key "k", :value [1 2], :time 17}
//   {:process 3, :type :ok, :f :cas, :key "k", :value [1 2], :time 20}
#ifndef RAFTLOG_MATRIX_LIN_HISTORY_H_
#define RAFTLOG_MATRIX_LIN_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::lin {

// One enum for every model: register (read, write, cas) and kv (get, put,
// append, delete). Names are the EDN :f keywords.
enum class OpKind { kRead, kWrite, kCas, kGet, kPut, kAppend, kDelete };

enum class Outcome { kOk, kFail, kInfo };

// "read", "write", "cas", "get", "put", "append", "delete".
absl::string_view OpKindName(OpKind kind);
std::optional<OpKind> OpKindFromName(absl::string_view name);
// "ok", "fail", "info".
absl::string_view OutcomeName(Outcome outcome);

// An EDN scalar: nil, a 64-bit integer or a string. Default: nil.
class Value {
 public:
  enum class Type { kNil, kInt, kString };

  Value() = default;
  static Value Nil() { return Value(); }
  static Value Int(int64_t v);
  static Value Str(std::string s);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_string() const { return type_ == Type::kString; }
  // REQUIRES: is_int().
  int64_t int_value() const { return int_; }
  // REQUIRES: is_string().
  const std::string& str() const { return str_; }

  // EDN text: nil, 42, "a \"quoted\" string".
  std::string ToEdn() const;

  // Exact equality: nil, 1 and "1" are three different values. (The kv model
  // additionally treats nil and "" as the same empty value; that is a model
  // rule, not Value's.)
  friend bool operator==(const Value& a, const Value& b) {
    return a.type_ == b.type_ && a.int_ == b.int_ && a.str_ == b.str_;
  }
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
  // A total order (nil < ints < strings), for deterministic maps.
  friend bool operator<(const Value& a, const Value& b);

 private:
  Type type_ = Type::kNil;
  int64_t int_ = 0;
  std::string str_;
};

// Writes `s` as an EDN string literal with escapes (\" \\ \n \t \r, other
// control bytes as \uXXXX).
std::string EdnQuote(absl::string_view s);

struct Operation {
  int64_t process = 0;  // client id; one outstanding operation per process
  OpKind kind = OpKind::kRead;
  Value key;            // nil: the single unnamed register / key
  Value value;          // write/put/append: the argument; cas: the NEW value
  Value expected;       // cas: the expected value
  Value result;         // ok read/get: the value read; nil = not found
  int64_t invoke_time = 0;
  // Time the completion was observed; none when the client never learned the
  // outcome (still running at the end of the run, client crashed).
  std::optional<int64_t> complete_time;
  Outcome outcome = Outcome::kInfo;

  // The found/nil flag of a read: false when the read saw no value.
  bool found() const { return !result.is_nil(); }
  // True when the operation reads (read/get): its result is checked.
  bool is_read() const { return kind == OpKind::kRead || kind == OpKind::kGet; }
};

// An append-only list of operations in invocation order (as recorded).
class History {
 public:
  // Starts an operation; returns its index for Complete(). Outcome is kInfo
  // and there is no completion until Complete() is called.
  size_t Invoke(int64_t process, OpKind kind, Value key, Value value,
                int64_t time, Value expected = Value());
  // Completes operation `index` (REQUIRES: not completed yet). `result` is
  // the value read for ok reads, ignored otherwise.
  void Complete(size_t index, Outcome outcome, int64_t time,
                Value result = Value());

  // Adds a fully built operation (parser, tests).
  void Add(Operation op) { ops_.push_back(std::move(op)); }

  const std::vector<Operation>& ops() const { return ops_; }
  std::vector<Operation>& mutable_ops() { return ops_; }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  const Operation& operator[](size_t i) const { return ops_[i]; }

 private:
  std::vector<Operation> ops_;
};

// How the writer spells a history (matrix/lin/HISTORY.md). The default is
// the project's own form (:key on every event, times as recorded).
struct EdnWriteOptions {
  // jepsen.independent form: no :key; the key goes into the value as a tuple
  // [key value] (a read invocation [key nil], a cas [key [expected new]]),
  // as Jepsen's independent checkers and lincheck read it.
  bool independent_tuples = false;
  // :time is the recorded time times this (1000: microseconds written as
  // the nanoseconds Jepsen uses). Only the order matters to a checker.
  int64_t time_scale = 1;
  // :index N on every event (0-based, in file order), as Jepsen numbers
  // its history.
  bool index = false;
};

// The EDN line of one event of `op` (no trailing newline). `completion`
// selects the completion line (REQUIRES then: op.complete_time set).
std::string EventToEdn(const Operation& op, bool completion);
std::string EventToEdn(const Operation& op, bool completion, const EdnWriteOptions& options,
                       int64_t index = 0);

// All events, one line each ("\n"-terminated), sorted by time; at equal times
// completions come before invocations (so a process that completes one
// operation and invokes the next at the same instant stays well formed), then
// by operation index. Operations without completion get only an invoke line.
std::string ToEdn(const History& history);
std::string ToEdn(const History& history, const EdnWriteOptions& options);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_HISTORY_H_
