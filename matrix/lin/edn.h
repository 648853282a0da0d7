// Reading Jepsen-style EDN histories (the format and its forms:
// matrix/lin/HISTORY.md), e.g.
//   {:process 3, :type :invoke, :f :cas, :key "k", :value [1 2]}
//   {:process 3, :type :ok, :f :cas, :key "k", :value [1 2]}
//
// The text is a sequence of operation maps (EDN, https://github.com/edn-format/edn):
// one per line as Jepsen writes history.edn, or maps spanning lines, or the
// whole history as one vector (or list) of maps. Commas are whitespace, keys
// come in any order, unknown keys are ignored (their values may be any EDN),
// tagged maps (#jepsen.history.Op{...}) are looked through, ";" comments
// and blank lines are skipped. Known keys:
//   :process  integer client id. A keyword (:nemesis) marks a non-client
//             event, which is skipped whole.
//   :type     :invoke, :ok, :fail or :info.
//   :f        :read :write :cas (register), :get :put :append :delete (kv).
//   :key      string or integer; absent or nil = the one unnamed key.
//   :value    invoke of write/put/append: the argument (string, integer,
//             nil); cas: [expected new]; ok of read/get: the value read.
//             Everything else ignores :value.
//   :time     integer in any unit (Jepsen: nanoseconds); only the order
//             matters. When EVERY event has one, times come from it (and
//             must not decrease); otherwise an event's time is its line
//             (one event per line) or its position in the file.
// jepsen.independent histories: when no event has :key and some :value can
// only be a tuple [k v] (a write's [k v], a read's [k nil] or [k v], a cas
// [k [expected new]], or #jepsen.independent/tuple [k v]), every :value is
// read as a tuple: k is the key, v the value. A plain cas [expected new] is
// not such evidence.
// Invocations are matched to completions by :process: a process has at most
// one outstanding invocation. :info completions and invocations never
// completed become indeterminate operations (Outcome::kInfo); :fail keeps
// Outcome::kFail (the checker drops them).
//
// Every problem is an InvalidArgument status "line L: column C: <problem>";
// the reader never crashes on any input (nesting depth is bounded).
#ifndef RAFTLOG_MATRIX_LIN_EDN_H_
#define RAFTLOG_MATRIX_LIN_EDN_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {

absl::StatusOr<History> ParseEdnHistory(absl::string_view text);

// Bounds on what a history file decides (InvalidArgument "line N: ..." past
// them, naming the bound). Defaults: a line of at most 1 MiB, at most
// 4,000,000 event lines (2,000,000 operations: far beyond what the checker's
// state budget can search, and a few hundred MiB of History at most).
inline constexpr size_t kMaxEdnLineBytes = size_t{1} << 20;
inline constexpr size_t kMaxEdnEvents = 4'000'000;
struct EdnLimits {
  size_t max_line_bytes = kMaxEdnLineBytes;
  size_t max_events = kMaxEdnEvents;
};
absl::StatusOr<History> ParseEdnHistory(absl::string_view text, const EdnLimits& limits);

// Reads and parses a file. NotFound / PermissionDenied-like errors name the
// path; parse errors are prefixed with it.
absl::StatusOr<History> ReadEdnHistoryFile(const std::string& path);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_EDN_H_
