// Prints the cross-version decode grid of every registered tag:
//   bazel run //wire:cross_decode -- [--seed=N] [--per_type=K] [--samples]
//                                     [--policy=PATH|none]
// --samples also lists every kept sample (sender, seq, ids, size, shape).
// The policy is versions/policy.txt (found in the runfiles or, under
// `bazel run`, in the workspace); --policy=none requires only self pairs.
// Exit 0 when every cell agrees with the policy, 1 otherwise, 2 on usage.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "versions/registry.h"
#include "wire/cross_decode/corpus.h"

int main(int argc, char** argv) {
  raftlog::wire::cross_decode::CrossDecodeOptions options;
  bool samples = false;
  std::string policy;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    uint64_t value = 0;
    if (arg == "--samples") {
      samples = true;
    } else if (absl::StartsWith(arg, "--policy=")) {
      policy = std::string(arg.substr(9));
    } else if (absl::StartsWith(arg, "--seed=") && absl::SimpleAtoi(arg.substr(7), &value)) {
      options.seed = value;
    } else if (absl::StartsWith(arg, "--per_type=") && absl::SimpleAtoi(arg.substr(11), &value) &&
               value > 0) {
      options.per_type = static_cast<size_t>(value);
    } else {
      std::fprintf(stderr,
                   "usage: cross_decode [--seed=N] [--per_type=K] [--samples] [--policy=PATH|none] "
                   " (got %s)\n",
                   argv[i]);
      return 2;
    }
  }
  if (policy.empty()) {
    policy = raftlog::wire::cross_decode::FindPolicyFile();
    if (policy.empty()) {
      std::fprintf(stderr,
                   "cross_decode: %s not found (run under `bazel run`, or pass --policy=PATH, "
                   "or --policy=none for self pairs only)\n",
                   raftlog::wire::cross_decode::kPolicyPath);
      return 2;
    }
  }
  options.policy_path = policy == "none" ? "" : policy;
  const raftlog::wire::cross_decode::Report report =
      raftlog::wire::cross_decode::RunCrossDecode(raftlog::AllReleases(), options);
  const std::string text = raftlog::wire::cross_decode::FormatGrid(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (samples) {
    std::printf("\nSamples:\n");
    for (const auto& capture : report.captures) {
      for (const auto& s : capture.samples) {
        std::printf("  %s #%llu %llu->%llu %-24s %6zu bytes  %s\n", s.sender_tag.c_str(),
                    static_cast<unsigned long long>(s.seq), static_cast<unsigned long long>(s.from),
                    static_cast<unsigned long long>(s.to), s.type.c_str(), s.bytes.size(),
                    s.shape.c_str());
      }
    }
  }
  return report.violations.empty() ? 0 : 1;
}
