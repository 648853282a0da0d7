#include "versions/registry.h"

#include "absl/strings/str_join.h"
#include "versions/v2/adapter/adapter.h"
#include "versions/v3/adapter/adapter.h"
// cut_release: registry includes
#include "versions/v1/adapter/adapter.h"

namespace raftlog {

const std::vector<api::ReleaseInfo>& AllReleases() {
  static const auto* releases = new std::vector<api::ReleaseInfo>{
      raftlog::v1::adapter::Release(),
      raftlog::v2::adapter::Release(),
      raftlog::v3::adapter::Release(),
      // cut_release: registry entries
  };
  return *releases;
}

const api::ReleaseInfo* FindRelease(absl::string_view tag) {
  for (const api::ReleaseInfo& r : AllReleases()) {
    if (r.tag == tag) return &r;
  }
  return nullptr;
}

std::string ReleaseTagList() {
  return absl::StrJoin(AllReleases(), ",",
                       [](std::string* out, const api::ReleaseInfo& r) { out->append(r.tag); });
}

}  // namespace raftlog
