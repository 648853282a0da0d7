// Paths a user passes to a tool started by `bazel run`. Bazel runs the tool
// inside its runfiles tree and exports the directory the user ran Bazel from
// as $BUILD_WORKING_DIRECTORY; a relative path means a path relative to that.
#ifndef RAFTLOG_UTIL_USER_PATH_H_
#define RAFTLOG_UTIL_USER_PATH_H_

#include <string>

namespace raftlog::util {

// `path` when it is absolute, empty, or `base` is empty; else base/path.
std::string ResolveAgainst(const std::string& path, const std::string& base);

// $BUILD_WORKING_DIRECTORY, or "" when not run by `bazel run`.
std::string WorkingDirectory();

// ResolveAgainst(path, WorkingDirectory()).
std::string ResolveUserPath(const std::string& path);

}  // namespace raftlog::util

#endif  // RAFTLOG_UTIL_USER_PATH_H_
