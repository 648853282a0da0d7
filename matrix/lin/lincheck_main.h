// The lincheck command, as a function so it can be tested in-process.
//
//   lincheck FILE [--model=register|kv] [--max_states=N] [--max_memory_mb=N]
//                 [--window=N] [--json] [--all-keys]
//
// Prints the verdict on the first line ("linearizable", "not linearizable",
// "unknown"), then details: for a violation the failing key, the cut time and
// the minimal window as EDN lines; for unknown the reason. The check stops at
// the first non-linearizable key (in key order) and says how many keys it
// left unchecked; --all-keys checks them all and lists every bad key. With
// --json, one JSON object instead. Exit status: 0 linearizable, 1 not linearizable,
// 2 unknown or unusable input (unreadable file, parse error, bad flags).
#ifndef RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_
#define RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_

#include <cstdint>
#include <string>

namespace raftlog::lin {

struct LincheckArgs {
  std::string file;   // already resolved
  std::string model;  // "", "register" or "kv"
  uint64_t max_states = 10'000'000;
  uint64_t max_memory_mb = 1024;
  int64_t window = 50;  // ops of the window printed; 0 = all
  bool json = false;
  // Search every key instead of stopping at the first non-linearizable one.
  bool all_keys = false;
};

constexpr int kExitLinearizable = 0;
constexpr int kExitNotLinearizable = 1;
constexpr int kExitUnknown = 2;

// Runs the check; the report goes to *out (stdout), errors to *err.
int RunLincheck(const LincheckArgs& args, std::string* out, std::string* err);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_
