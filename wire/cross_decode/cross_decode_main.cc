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

namespace {

constexpr char kUsage[] =
    "usage: cross_decode [--seed=N] [--per_type=K] [--samples] [--policy=PATH|none]\n"
    "  Every registered tag's messages decoded by every registered tag, as a grid\n"
    "  judged against the upgrade policy.\n"
    "  --seed=N           seed of the captured runs (default 1)\n"
    "  --per_type=K       samples kept per sender and message type, K >= 1 (default 8)\n"
    "  --samples          also list every kept sample (sender, seq, ids, size, shape)\n"
    "  --policy=PATH|none the upgrade policy (default: versions/policy.txt from the\n"
    "                     runfiles or the workspace); none: self pairs only\n"
    "  exit 0 every cell agrees with the policy, 1 otherwise, 2 usage\n";

}  // namespace

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
    } else if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      std::printf("%s", kUsage);
      return 0;
    } else {
      std::fprintf(stderr, "cross_decode: bad argument %s\n%s", argv[i], kUsage);
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
