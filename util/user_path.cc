#include "util/user_path.h"

#include <cstdlib>

namespace raftlog::util {

std::string ResolveAgainst(const std::string& path, const std::string& base) {
  if (path.empty() || path[0] == '/' || base.empty()) return path;
  return base.back() == '/' ? base + path : base + "/" + path;
}

std::string WorkingDirectory() {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  return wd == nullptr ? "" : wd;
}

std::string ResolveUserPath(const std::string& path) {
  return ResolveAgainst(path, WorkingDirectory());
}

}  // namespace raftlog::util
