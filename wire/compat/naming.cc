#include "wire/compat/naming.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace raftlog::wire::compat {

bool IsTagComponent(absl::string_view component) {
  if (component.size() < 2 || component[0] != 'v') return false;
  size_t i = 1;
  while (i < component.size() && absl::ascii_isdigit(component[i])) ++i;
  if (i == 1) return false;  // "v" without digits
  if (i == component.size()) return true;
  if (component[i] != '_' || i + 1 == component.size()) return false;
  for (++i; i < component.size(); ++i) {
    const char c = component[i];
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

std::string NormalizeFilePath(absl::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  // The last part is the file name: never a tag, even if it looks like one.
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (IsTagComponent(parts[i])) parts[i] = std::string(kTagPlaceholder);
  }
  return absl::StrJoin(parts, "/");
}

std::string NormalizePackage(absl::string_view package) {
  const size_t dot = package.rfind('.');
  const absl::string_view last =
      dot == absl::string_view::npos ? package : package.substr(dot + 1);
  if (!IsTagComponent(last)) return std::string(package);
  if (dot == absl::string_view::npos) return std::string(kTagPlaceholder);
  return absl::StrCat(package.substr(0, dot + 1), kTagPlaceholder);
}

std::string RelativeName(absl::string_view full_name, absl::string_view package) {
  if (package.empty()) return std::string(full_name);
  if (full_name.size() > package.size() + 1 &&
      full_name.substr(0, package.size()) == package &&
      full_name[package.size()] == '.') {
    return std::string(full_name.substr(package.size() + 1));
  }
  return std::string(full_name);
}

std::string TypeKey(absl::string_view full_name, absl::string_view package) {
  const std::string relative = RelativeName(full_name, package);
  if (package.empty()) return relative;
  return absl::StrCat(NormalizePackage(package), ".", relative);
}

}  // namespace raftlog::wire::compat
