// The digest that makes "frozen" mean frozen.
//
// A released tag's tree is everything under versions/<tag>/ except its
// adapter (harness code, which changes with the ABI) plus wire/<tag>/. Its
// digest is SHA-256 over the sorted list of (relative path, content), so a
// renamed, added, removed or edited file changes it. versions/FROZEN records
// the digest of every released tag; freeze_test fails when a tree no longer
// matches, and scripts/freeze.sh TAG is the explicit, reviewed re-freeze.
#ifndef RAFTLOG_VERSIONS_FREEZE_TREE_DIGEST_H_
#define RAFTLOG_VERSIONS_FREEZE_TREE_DIGEST_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::freeze {

// Files of `tag`'s frozen tree under `root` (a workspace or runfiles root),
// keyed by path relative to root. kNotFound when versions/<tag> is missing.
absl::StatusOr<std::map<std::string, std::string>> ReadReleaseTree(absl::string_view root,
                                                                   absl::string_view tag);

// Lowercase hex SHA-256 over the files, in path order.
std::string TreeDigest(const std::map<std::string, std::string>& files);

// Parses versions/FROZEN: lines "tag sha256hex", '#' comments. Sorted by tag.
absl::StatusOr<std::map<std::string, std::string>> ParseFrozen(absl::string_view text);

}  // namespace raftlog::freeze

#endif  // RAFTLOG_VERSIONS_FREEZE_TREE_DIGEST_H_
