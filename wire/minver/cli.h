// The command line of //wire/minver:minver:
//
//   minver --tag=vN --message=FILE [--type=NAME] [--downgrade_to=vM]
//   minver --tag=vN --log=FILE [--downgrade_to=vM]
//   minver --snapshot=FILE [--downgrade_to=vM]
//
// --message: FILE holds one serialized message of tag vN's wire package,
//   `Message` unless --type names another (relative to the package: Entry).
// --log: FILE holds length-prefixed serialized Entry messages of vN (log.h).
// --snapshot: FILE is a snapshot file of any format (snapshot.h).
// --downgrade_to=vM: also check that release vM reads the data (downgrade.h).
//
// Prints the minimum release, the element that forces it and where it was
// found (requirement.h's Describe), then, with --downgrade_to, the verdict.
//
// Exit codes: 0 the minimum is printed (and the downgrade, if asked, is
// certified); 1 the downgrade is refused, or no minimum can be established
// from this schema (an unannotated element, data newer than the schema, an
// undeclared payload); 2 usage error, unknown tag, unreadable file, or bytes
// that are not what the flag says (not a snapshot, a torn length prefix, a
// message that does not parse). Relative paths resolve against
// `working_directory` when it is not empty (main passes
// $BUILD_WORKING_DIRECTORY, which `bazel run` sets).
#ifndef RAFTLOG_WIRE_MINVER_CLI_H_
#define RAFTLOG_WIRE_MINVER_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace raftlog::wire::minver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitBadInput = 2;

// `args` excludes the program name.
int RunCli(const std::vector<std::string>& args, const std::string& working_directory,
           std::ostream& out, std::ostream& err);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_CLI_H_
