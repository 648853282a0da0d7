// bazel run //matrix/process:conformance -- BINARY [--dir=DIR]
// Checks a node binary against matrix/process/PROTOCOL.md and prints every
// check, MISSING ones with what was seen. Exit status 0 when every check
// passed, 1 when some is missing, 2 on bad arguments.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "matrix/process/conformance.h"

int main(int argc, char** argv) {
  raftlog::process::ConformanceOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--dir=", 0) == 0) {
      options.base_dir = arg.substr(6);
    } else if (arg.rfind("--", 0) != 0 && options.binary.empty()) {
      options.binary = arg;
    } else {
      std::cerr << "usage: conformance BINARY [--dir=DIR]\n";
      return 2;
    }
  }
  if (options.binary.empty()) {
    std::cerr << "usage: conformance BINARY [--dir=DIR]\n";
    return 2;
  }
  // Under `bazel run`, a relative path is the caller's.
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (cwd != nullptr && options.binary[0] != '/') options.binary = std::string(cwd) + "/" + options.binary;
  const bool made_dir = options.base_dir.empty();
  if (made_dir) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(tmp ? tmp : "/tmp") + "/conformance.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return 2;
    options.base_dir = pattern;
  }
  std::cout << "conformance of " << options.binary << " (logs in " << options.base_dir << ")\n";
  auto checks = raftlog::process::RunConformance(options);
  std::cout << raftlog::process::FormatConformance(checks);
  for (const auto& c : checks) {
    if (!c.passed) return 1;  // the logs stay for a look
  }
  if (made_dir) std::filesystem::remove_all(options.base_dir);
  return 0;
}
