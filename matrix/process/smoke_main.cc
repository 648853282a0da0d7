// The process-mode smoke test (matrix/process/smoke.h) as a test binary and a
// command:
//   bazel test //matrix:process_smoke
//   bazel run //matrix/process:smoke -- (the same, with the figures printed)
// Flags: --v1=BIN --v2=BIN --v3=BIN (the node binaries; Bazel passes them),
// --dir=DIR (default: $TEST_TMPDIR or a new directory under /tmp),
// --seed=N, --script=upgrade|partition (smoke.h). Exit status 0 when every check held, 1 otherwise, 2 on bad flags.
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "matrix/process/smoke.h"

namespace {

// The last `n` lines of the file at `path` ("" when unreadable).
std::string LastLines(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > n) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  raftlog::process::SmokeOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (name == "--v1" || name == "--v2" || name == "--v3") {
      options.binaries[name.substr(2)] = value;
    } else if (name == "--dir") {
      options.base_dir = value;
    } else if (name == "--script" && (value == "upgrade" || value == "partition")) {
      options.script = value == "partition" ? raftlog::process::SmokeScript::kPartition
                                            : raftlog::process::SmokeScript::kRollingUpgrade;
    } else if (name == "--seed" && absl::SimpleAtoi(value, &options.seed)) {
    } else {
      std::cerr << "unknown or bad flag " << arg << "\n";
      return 2;
    }
  }
  if (options.binaries.size() != 3) {
    std::cerr << "need --v1, --v2 and --v3 node binaries\n";
    return 2;
  }
  const bool made_dir = options.base_dir.empty();
  if (made_dir) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(tmp ? tmp : "/tmp") + "/process_smoke.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "cannot create a directory under " << pattern << "\n";
      return 2;
    }
    options.base_dir = pattern;
  }
  std::cout << "process smoke: data directories and node logs in " << options.base_dir << "\n";
  raftlog::process::SmokeReport report = raftlog::process::RunSmoke(options);
  std::cout << raftlog::process::FormatReport(report);
  if (!report.failures.empty()) {
    for (const std::string& log : report.node_logs) {
      std::cout << "---- last lines of " << log << "\n" << LastLines(log, 30);
    }
    std::cout << "process smoke: FAIL\n";
    return 1;
  }
  // A directory this run made is kept only when something failed.
  if (made_dir) std::filesystem::remove_all(options.base_dir);
  std::cout << "process smoke: PASS\n";
  return 0;
}
