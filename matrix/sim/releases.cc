#include "matrix/sim/releases.h"

#include "absl/strings/str_cat.h"
#include "matrix/sim/fake_node.h"
#include "versions/v1/adapter/adapter.h"

namespace raftlog::sim {
namespace {

// TODO(registry): switch to //versions:registry (raftlog::FindRelease) once
// its target exists; until then the one real release is linked directly.
const api::ReleaseInfo& V1() {
  static const api::ReleaseInfo* info = new api::ReleaseInfo(v1::adapter::Release());
  return *info;
}

}  // namespace

const api::ReleaseInfo* FindSimRelease(absl::string_view tag) {
  if (tag == V1().tag) return &V1();
  return fake::FindFakeRelease(tag);
}

std::string SimReleaseTags() { return absl::StrCat(V1().tag, ",fake,fake_broken,fake_refuse"); }

}  // namespace raftlog::sim
