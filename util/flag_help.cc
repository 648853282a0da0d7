#include "util/flag_help.h"

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace raftlog::util {
namespace {

// Abseil's own flags (--flagfile, --fromenv, ...) stay out of the list.
bool IsProjectFile(absl::string_view file) {
  return !absl::StartsWith(file, "absl/") && !absl::StrContains(file, "/absl/");
}

}  // namespace

void ShowProjectFlagsInHelp() {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = IsProjectFile;
  config.contains_helpshort_flags = IsProjectFile;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace raftlog::util
