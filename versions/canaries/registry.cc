#include "versions/canaries/registry.h"

#include <algorithm>
#include <map>
#include <cstdlib>
#include <memory>
#include <string>

namespace raftlog::canaries {
namespace {

std::vector<Canary>& Mutable() {
  static auto* all = new std::vector<Canary>();
  return *all;
}

}  // namespace

bool Register(Canary c) {
  Mutable().push_back(std::move(c));
  return true;
}

std::vector<Canary> Canaries() {
  std::vector<Canary> out = Mutable();
  std::sort(out.begin(), out.end(),
            [](const Canary& a, const Canary& b) { return a.tag < b.tag; });
  return out;
}

const api::ReleaseInfo* FindCanaryRelease(absl::string_view tag) {
  // Built on first use, after every static registration has run.
  static const auto* infos = [] {
    auto* m = new std::map<std::string, api::ReleaseInfo>();
    for (const Canary& c : Canaries()) {
      api::ReleaseInfo info = c.release();
      if (info.tag != c.tag) {
        // The generated renaming of kReleaseTag failed: a broken canary build.
        std::abort();
      }
      m->emplace(c.tag, std::move(info));
    }
    return m;
  }();
  auto it = infos->find(std::string(tag));
  return it == infos->end() ? nullptr : &it->second;
}

}  // namespace raftlog::canaries
