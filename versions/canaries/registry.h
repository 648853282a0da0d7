// Canary releases linked into this binary. Each canary_release() target
// (canary.bzl) registers itself here from a static initializer, so depending
// on the target is enough; Canaries() returns them sorted by tag, so the order
// never depends on static-initialization order.
//
// Canaries are deliberately NOT in //versions:registry: the global registry is
// what ships, and the policy, the goldens and the matrix cover exactly that.
#ifndef RAFTLOG_VERSIONS_CANARIES_REGISTRY_H_
#define RAFTLOG_VERSIONS_CANARIES_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"

namespace raftlog::canaries {

struct Canary {
  std::string name;        // "ack"
  std::string base;        // "v2"
  std::string tag;         // "v2+ack": ReleaseInfo::tag of release()
  std::string diagnosis;   // accepted diagnosis classes, '|'-separated
  std::string cells;       // "scenario:from,...": cells scenario from -> tag
  std::string expected_undetected;  // non-empty: known not caught, and why
  api::ReleaseInfo (*release)() = nullptr;
};

// Registers `c` (called from generated static initializers). Returns true.
bool Register(Canary c);

// Every registered canary, sorted by tag.
std::vector<Canary> Canaries();

// The canary release with `tag` (its ReleaseInfo, built once), or nullptr.
const api::ReleaseInfo* FindCanaryRelease(absl::string_view tag);

}  // namespace raftlog::canaries

#endif  // RAFTLOG_VERSIONS_CANARIES_REGISTRY_H_
