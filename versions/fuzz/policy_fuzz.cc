// libFuzzer target for the upgrade policy parser (versions/policy.h).
//
// Properties (a violation aborts):
//   - Parse returns; an error is kInvalidArgument and its message starts with
//     "<filename>:" (every problem names its line);
//   - a parsed policy validates against the registered tags or fails with
//     kInvalidArgument, and every declared pair is found by Find() with the
//     capabilities it declared.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "versions/policy.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "policy_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using raftlog::policy::Policy;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Policy> policy = Policy::Parse(text, "fuzz.txt");
  if (!policy.ok()) {
    if (policy.status().code() != absl::StatusCode::kInvalidArgument)
      Fail("error outside kInvalidArgument: " + policy.status().ToString());
    if (!absl::StartsWith(policy.status().message(), "fuzz.txt:"))
      Fail("error does not name the file and line: " + policy.status().ToString());
    return 0;
  }
  for (const raftlog::policy::PairPolicy& pair : policy->pairs()) {
    const raftlog::policy::PairPolicy* found = policy->Find(pair.from, pair.to);
    if (found == nullptr) Fail("a declared pair is not found: " + pair.from + "->" + pair.to);
    if (policy->For(pair.from, pair.to).bits() != pair.capabilities.bits())
      Fail("For() disagrees with the declaration of " + pair.from + "->" + pair.to);
  }
  const absl::Status valid = policy->Validate({"v1", "v2", "v3"});
  if (!valid.ok() && valid.code() != absl::StatusCode::kInvalidArgument)
    Fail("Validate error outside kInvalidArgument: " + valid.ToString());
  return 0;
}
