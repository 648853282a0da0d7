// bazel run //matrix:compare -- BASE/report.json HEAD/report.json [--out=DIR]
//     [--threshold=0.25]
//
// Compares two matrix runs (compare.h), prints the comparison and writes
// compare.md and compare.json into DIR (default: HEAD's directory).
// Exit status: 0 nothing got worse, 1 a cell moved away from the policy or
// a violation appeared, 2 usage or unreadable input (a missing file, text
// that is not JSON, a report of another format version, a report that does
// not conform to report.schema.json).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "matrix/runner/compare.h"
#include "matrix/runner/report_schema.h"
#include "util/user_path.h"
#include "util/flag_help.h"

ABSL_FLAG(std::string, out, "", "where compare.md and compare.json go (default: HEAD's directory)");
ABSL_FLAG(double, threshold, 0.25,
          "relative change (of the base value) beyond which a telemetry metric counts as moved");

namespace {

constexpr int kExitSame = 0, kExitWorse = 1, kExitUsage = 2;

int Usage(const std::string& message) {
  std::cerr << "compare: " << message << "\n";
  return kExitUsage;
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "compare BASE/report.json HEAD/report.json [--out=DIR] [--threshold=0.25]: what changed "
      "between two matrix runs; exit 0 nothing got worse, 1 something did, 2 bad input");
  raftlog::util::ShowProjectFlagsInHelp();
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 3) return Usage("expected two report.json paths: BASE HEAD");
  const std::string base_path = raftlog::util::ResolveUserPath(args[1]);
  const std::string head_path = raftlog::util::ResolveUserPath(args[2]);
  const double threshold = absl::GetFlag(FLAGS_threshold);
  if (!(threshold >= 0)) return Usage("--threshold must be >= 0");
  auto base = raftlog::runner::ReadReport(base_path);
  if (!base.ok()) return Usage(std::string(base.status().message()));
  auto head = raftlog::runner::ReadReport(head_path);
  if (!head.ok()) return Usage(std::string(head.status().message()));
  raftlog::runner::CompareOptions options;
  options.relative_threshold = threshold;
  const raftlog::runner::Comparison c =
      raftlog::runner::CompareReports(*base, *head, base_path, head_path, options);
  std::cout << raftlog::runner::ComparisonText(c);
  const std::string out = absl::GetFlag(FLAGS_out).empty()
                              ? DirOf(head_path)
                              : raftlog::util::ResolveUserPath(absl::GetFlag(FLAGS_out));
  if (absl::Status s = raftlog::runner::WriteComparison(c, out); !s.ok()) {
    return Usage(std::string(s.message()));
  }
  std::cout << "comparison: " << out << "/compare.md, compare.json\n";
  return c.worse() ? kExitWorse : kExitSame;
}
