#include "matrix/runner/history_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "matrix/lin/history.h"

namespace raftlog::runner {

std::string HistoryFileName(const CellKey& cell, uint64_t seed, Mode mode) {
  return absl::StrCat(cell.scenario, "__", cell.from, "_", cell.to, "__seed", seed, "__",
                      ModeName(mode), ".edn");
}

std::string HistoryFileText(const CellKey& cell, uint64_t seed, Mode mode, const RunResult& run,
                            const SeedVerdict& verdict) {
  const std::string lin =
      !run.lin.checked ? "not checked"
      : run.lin.unknown ? "unknown (search budget exhausted)"
      : run.lin.linearizable ? "linearizable"
                             : "not linearizable";
  std::vector<absl::string_view> detail = absl::StrSplit(run.lin.detail, '\n');
  std::string out = absl::StrCat(
      "; raftcert matrix history: ", cell.Name(), ", seed ", seed, ", ", ModeName(mode), " mode\n",
      "; seed outcome: ", SeedOutcomeName(verdict.outcome), "; linearizability (kv model): ", lin,
      "\n");
  if (!detail.empty() && !detail[0].empty()) absl::StrAppend(&out, ";   ", detail[0], "\n");
  absl::StrAppend(&out, "; reproduce: ", ReproduceCommand(cell, seed, mode), "\n",
                  "; check: bazel run //matrix:lincheck -- THIS_FILE (format: matrix/lin/HISTORY.md)\n",
                  "; jepsen.independent tuples [key value]; :time in ns (simulated us x 1000)\n");
  lin::EdnWriteOptions o;
  o.independent_tuples = true;
  o.time_scale = 1000;
  o.index = true;
  absl::StrAppend(&out, lin::ToEdn(run.history, o));
  return out;
}

absl::Status MakeHistoryDir(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string prefix = dir.substr(0, i);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("cannot create ", prefix, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteHistoryFile(const std::string& dir, const CellKey& cell, uint64_t seed,
                              Mode mode, const RunResult& run, const SeedVerdict& verdict) {
  const std::string path = absl::StrCat(dir, "/", HistoryFileName(cell, seed, mode));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << HistoryFileText(cell, seed, mode, run, verdict);
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace raftlog::runner
