// The lincheck command, as a function so it can be tested in-process.
//
//   lincheck FILE... [--model=register|kv] [--max_states=N]
//                    [--max_memory_mb=N] [--window=N] [--json] [--all-keys]
//                    [--jobs=N]
//
// For one file: prints the verdict on the first line ("linearizable", "not
// linearizable", "unknown"), then details: for a violation the failing key,
// the cut time and the minimal window as EDN lines; for unknown the reason.
// The check stops at the first non-linearizable key (in key order) and says
// how many keys it left unchecked; --all-keys checks them all and lists
// every bad key. With --json, one JSON object instead. For several files,
// one line per file (see RunLincheckFiles). Exit status: 0 linearizable,
// 1 not linearizable, 2 unknown or unusable input (unreadable file, parse
// error, bad flags); for several files the worst (see WorstExit).
#ifndef RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_
#define RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_

#include <cstdint>
#include <string>
#include <vector>

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
  // Keys checked in parallel (CheckOptions::jobs); same output for any N.
  int64_t jobs = 1;
};

constexpr int kExitLinearizable = 0;
constexpr int kExitNotLinearizable = 1;
constexpr int kExitUnknown = 2;

// Runs the check of args.file; the report goes to *out (stdout), errors to
// *err.
int RunLincheck(const LincheckArgs& args, std::string* out, std::string* err);

// The exit status of a run over several files: the worst one, with
// 2 (unknown, or a file unreadable / unparsable) > 1 (not linearizable) >
// 0. A file that could not be decided must not be hidden by another one's
// verdict, not even by a violation: the violation is certain, but the run
// did not check everything it was asked to, and only 2 says so. Every
// file's own verdict is on its line.
constexpr int WorstExit(int a, int b) { return a > b ? a : b; }

// lincheck FILE...: one file gives exactly RunLincheck's report. Several
// files are checked one after another (the flags apply to each), and each
// gets one line: "FILE: VERDICT (MODEL, N ops, K keys, S states[; gist])",
// where the gist names the failing key and cut time, or the unknown reason;
// "FILE: error: MESSAGE" for a file that cannot be read or checked. With
// --json, one object per line (RunLincheck's, plus "file"). Returns
// WorstExit over the files.
int RunLincheckFiles(const LincheckArgs& args,
                     const std::vector<std::string>& files, std::string* out,
                     std::string* err);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_LINCHECK_MAIN_H_
