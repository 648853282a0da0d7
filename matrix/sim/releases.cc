#include "matrix/sim/releases.h"

#include "absl/strings/str_cat.h"
#include "matrix/sim/fake_node.h"
#include "versions/registry.h"

namespace raftlog::sim {

const api::ReleaseInfo* FindSimRelease(absl::string_view tag) {
  if (const api::ReleaseInfo* r = FindRelease(tag)) return r;
  return fake::FindFakeRelease(tag);
}

std::string SimReleaseTags() {
  return absl::StrCat(ReleaseTagList(), ",fake,fake_broken,fake_refuse,fake_noisy");
}

}  // namespace raftlog::sim
