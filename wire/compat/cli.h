// The command line of the checker (bazel run //wire:compat -- ...):
//
//   compat OLD.binpb NEW.binpb [--format=text|json] [--except RULE[,RULE...]]...
//   compat --list_rules
//
// OLD and NEW are serialized FileDescriptorSets. --except takes a comma list,
// may repeat, and also swallows following arguments shaped like rule IDs
// (--except FIELD_SAME_NAME SINCE_ANNOTATION_MISSING). An unknown rule ID is
// a usage error, so a typo cannot silently allow a break.
//
// Exit codes: 0 compatible (warnings allowed), 1 at least one error finding,
// 2 unreadable input or usage error. The report goes to `out`, diagnostics to
// `err`. Relative paths resolve against `working_directory` when it is not
// empty (main passes $BUILD_WORKING_DIRECTORY, which `bazel run` sets).
#ifndef RAFTLOG_WIRE_COMPAT_CLI_H_
#define RAFTLOG_WIRE_COMPAT_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace raftlog::wire::compat {

inline constexpr int kExitCompatible = 0;
inline constexpr int kExitIncompatible = 1;
inline constexpr int kExitBadInput = 2;

// `args` excludes the program name.
int RunCli(const std::vector<std::string>& args, const std::string& working_directory,
           std::ostream& out, std::ostream& err);

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_CLI_H_
