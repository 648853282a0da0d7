// The release a per-tag fuzz target runs: named at compile time by
// RAFTCERT_FUZZ_TAG (BUILD's local_defines, one binary per registered tag)
// and found through the registry. Header-only: each target includes it once.
#ifndef RAFTLOG_VERSIONS_FUZZ_FUZZ_TAG_H_
#define RAFTLOG_VERSIONS_FUZZ_FUZZ_TAG_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "versions/api/node.h"
#include "versions/registry.h"

#ifndef RAFTCERT_FUZZ_TAG
#error "RAFTCERT_FUZZ_TAG must name the release under fuzz (BUILD sets it)"
#endif
#define RAFTCERT_FUZZ_STR2(x) #x
#define RAFTCERT_FUZZ_STR(x) RAFTCERT_FUZZ_STR2(x)

namespace raftlog::fuzz {

inline constexpr char kFuzzTag[] = RAFTCERT_FUZZ_STR(RAFTCERT_FUZZ_TAG);

// Aborts with "<target>(<tag>): what": the fuzzer reports it as a crash.
[[noreturn]] inline void FuzzFail(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s(%s): %s\n", target, kFuzzTag, what.c_str());
  std::abort();
}

// The release under fuzz (aborts when the tag is not registered).
inline const api::ReleaseInfo& FuzzRelease(const char* target) {
  static const api::ReleaseInfo* release = [target] {
    const api::ReleaseInfo* r = FindRelease(kFuzzTag);
    if (r == nullptr) FuzzFail(target, "tag not registered");
    return r;
  }();
  return *release;
}

}  // namespace raftlog::fuzz

#endif  // RAFTLOG_VERSIONS_FUZZ_FUZZ_TAG_H_
