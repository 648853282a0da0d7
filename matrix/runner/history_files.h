// --write-history: every seed's client history as a file another tool can
// check (matrix/lin/HISTORY.md describes the format): Jepsen's EDN, one
// operation map per line, jepsen.independent [key value] tuples, :time in
// nanoseconds (the simulated microseconds times 1000) and an :index per
// event, after a few ';' comment lines naming the cell, the seed, the
// matrix's own linearizability verdict and the command that reruns it.
// `bazel run //matrix:lincheck -- FILE` reads it back and agrees with that
// verdict (//matrix/runner:history_files_test).
#ifndef RAFTLOG_MATRIX_RUNNER_HISTORY_FILES_H_
#define RAFTLOG_MATRIX_RUNNER_HISTORY_FILES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "matrix/runner/driver.h"
#include "matrix/runner/matrix.h"
#include "matrix/runner/verdict.h"

namespace raftlog::runner {

// "rolling_upgrade__v1_v2__seed3__fast.edn": scenario, pair, seed and mode,
// so a person finds a cell's seeds side by side in a listing.
std::string HistoryFileName(const CellKey& cell, uint64_t seed, Mode mode);

// The file's text: the comment header, then the history.
std::string HistoryFileText(const CellKey& cell, uint64_t seed, Mode mode, const RunResult& run,
                            const SeedVerdict& verdict);

// Creates `dir` (and its parents) if missing.
absl::Status MakeHistoryDir(const std::string& dir);

// Writes HistoryFileText to dir/HistoryFileName.
absl::Status WriteHistoryFile(const std::string& dir, const CellKey& cell, uint64_t seed,
                              Mode mode, const RunResult& run, const SeedVerdict& verdict);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_HISTORY_FILES_H_
