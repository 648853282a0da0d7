// bazel run //tools/layers:check [-- --rules=FILE BUILD...]: prints every
// dependency that breaks the layer rules (tools/layers/rules.txt). Exit 0
// when there is none (listed exceptions aside), 1 otherwise, 2 on bad input.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "tools/layers/layers.h"

int main(int argc, char** argv) {
  std::string rules_path;
  std::vector<std::string> builds;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (absl::StartsWith(a, "--rules=")) {
      rules_path = a.substr(8);
    } else {
      builds.push_back(a);
    }
  }
  if (rules_path.empty() || builds.empty()) {
    std::cerr << "usage: check --rules=FILE BUILD...\n";
    return 2;
  }
  absl::StatusOr<std::vector<raftlog::layers::BuildFile>> files =
      raftlog::layers::ReadBuildFiles(builds);
  absl::StatusOr<std::string> rules_text = raftlog::layers::ReadTextFile(rules_path);
  if (!files.ok() || !rules_text.ok()) {
    std::cerr << (files.ok() ? rules_text.status() : files.status()) << "\n";
    return 2;
  }
  absl::StatusOr<raftlog::layers::RuleTable> rules =
      raftlog::layers::RuleTable::Parse(*rules_text, rules_path);
  if (!rules.ok()) {
    std::cerr << rules.status() << "\n";
    return 2;
  }
  raftlog::layers::Report report =
      raftlog::layers::Check(*files, raftlog::layers::ReadBzlFile, *rules);
  std::cout << raftlog::layers::FormatReport(report);
  return report.ok() ? 0 : 1;
}
