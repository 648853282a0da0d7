// Reading Jepsen-style EDN histories: one event per line, e.g.
//   {:process 3, :type :invoke, :f :cas, :key "k", :value [1 2]}
//   {:process 3, :type :ok, :f :cas, :key "k", :value [1 2]}
//
// Grammar accepted on each line (EDN, https://github.com/edn-format/edn):
// one map, commas are whitespace, keys in any order, unknown keys ignored
// (their values may be any EDN: vectors, maps, sets, tagged elements...).
// Blank lines and ";" comments are skipped. Known keys:
//   :process  integer client id. A keyword (:nemesis) marks a non-client line,
//             which is skipped whole.
//   :type     :invoke, :ok, :fail or :info.
//   :f        :read :write :cas (register), :get :put :append :delete (kv).
//   :key      string or integer; absent or nil = the one unnamed key.
//   :value    invoke of write/put/append: the argument (string, integer,
//             nil); cas: [expected new]; ok of read/get: the value read.
//             Everything else ignores :value.
//   :time     integer. When EVERY event line has one, times come from it
//             (and must not decrease); otherwise the line number is the time.
// Invocations are matched to completions by :process: a process has at most
// one outstanding invocation. :info completions and invocations never
// completed become indeterminate operations (Outcome::kInfo); :fail keeps
// Outcome::kFail (the checker drops them).
//
// Every problem is an InvalidArgument status "line N: <problem>"; the reader
// never crashes on any input (nesting depth is bounded).
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
