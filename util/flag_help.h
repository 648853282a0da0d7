// `--help` of the project's command-line tools lists every flag the project
// defines, wherever it is defined. absl's default lists only flags of a file
// named like the program, so a tool whose flags live in a library (the
// runner's are in matrix/runner/cli.cc) printed "No flags matched".
#ifndef RAFTLOG_UTIL_FLAG_HELP_H_
#define RAFTLOG_UTIL_FLAG_HELP_H_

namespace raftlog::util {

// Call before absl::ParseCommandLine.
void ShowProjectFlagsInHelp();

}  // namespace raftlog::util

#endif  // RAFTLOG_UTIL_FLAG_HELP_H_
