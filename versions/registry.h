// The one place that knows every release linked into this binary (like zstd's
// legacy dispatcher). Adding a tag: add its adapter to registry.cc and BUILD.
#ifndef RAFTLOG_VERSIONS_REGISTRY_H_
#define RAFTLOG_VERSIONS_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"

namespace raftlog {

// Every registered release, oldest first.
const std::vector<api::ReleaseInfo>& AllReleases();

// The release with `tag`, or nullptr.
const api::ReleaseInfo* FindRelease(absl::string_view tag);

// "v1,v2,..." for error messages.
std::string ReleaseTagList();

}  // namespace raftlog

#endif  // RAFTLOG_VERSIONS_REGISTRY_H_
