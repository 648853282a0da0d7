#include "wire/cross_decode/policy.h"

namespace raftlog::wire::cross_decode {

const char* ExpectName(Expect e) { return e == Expect::kOk ? "ok" : "refused"; }

std::string PolicySource() { return "built-in table in wire/cross_decode/policy.cc"; }

// One entry per ordered pair of registered tags. When a tag is cut, add its
// pairs with every older tag, both directions, and its self pair; e.g. for v2:
//   {"v1", "v2", true, Expect::kOk, {}, "rolling upgrade: new reads old"},
//   {"v2", "v1", true, Expect::kOk, {{"PreVote", Expect::kRefused}, ...},
//    "rolling upgrade: old reads new until finalize; v2-only types refused"},
//   {"v2", "v2", true, Expect::kOk, {}, "a release talks to itself"},
const std::vector<PairPolicy>& PairPolicies() {
  static const auto* table = new std::vector<PairPolicy>{
      {"v1", "v1", true, Expect::kOk, {}, "a release talks to itself"},
  };
  return *table;
}

// v1 sends every type its MessageType declares.
const std::vector<TagPolicy>& TagPolicies() {
  static const auto* table = new std::vector<TagPolicy>{
      {"v1", {}},
  };
  return *table;
}

const PairPolicy* FindPairPolicy(absl::string_view sender, absl::string_view receiver) {
  for (const PairPolicy& p : PairPolicies()) {
    if (p.sender == sender && p.receiver == receiver) return &p;
  }
  return nullptr;
}

std::map<std::string, std::string> NeverSends(absl::string_view tag) {
  for (const TagPolicy& t : TagPolicies()) {
    if (t.tag == tag) return t.never_sends;
  }
  return {};
}

}  // namespace raftlog::wire::cross_decode
