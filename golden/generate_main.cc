// Writes the golden artifacts of one release:
//
//   bazel run //golden:generate -- --tag=v1 --out=golden/v1 [--seed=N] [--scenario=N] [--verbose]
//
// A relative --out is taken from the directory bazel run was started in.
// Normally run through scripts/regen_golden.sh, which also guards released
// (frozen) tags and reports which digests changed.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "golden/generate.h"
#include "util/user_path.h"
#include "versions/registry.h"

ABSL_FLAG(std::string, tag, "", "release whose goldens to write (a registered tag)");
ABSL_FLAG(std::string, out, "", "directory to write into (empty or a golden directory)");
ABSL_FLAG(uint64_t, seed, raftlog::golden::kDefaultSeed, "scenario seed");
ABSL_FLAG(uint32_t, scenario, raftlog::golden::kLatestScenario, "scenario number");
ABSL_FLAG(bool, verbose, false, "print the scenario's steps");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string tag = absl::GetFlag(FLAGS_tag);
  std::string out = absl::GetFlag(FLAGS_out);
  if (tag.empty() || out.empty()) {
    std::fprintf(stderr, "usage: generate --tag=TAG --out=DIR [--seed=N] [--scenario=N]\n");
    return 2;
  }
  const raftlog::api::ReleaseInfo* release = raftlog::FindRelease(tag);
  if (release == nullptr) {
    std::fprintf(stderr, "generate: unknown tag %s (registered: %s)\n", tag.c_str(),
                 raftlog::ReleaseTagList().c_str());
    return 2;
  }
  out = raftlog::util::ResolveUserPath(out);
  raftlog::golden::ScenarioOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.scenario = absl::GetFlag(FLAGS_scenario);
  std::vector<std::string> steps;
  absl::StatusOr<raftlog::golden::GoldenSet> set =
      raftlog::golden::BuildGoldens(*release, options, &steps);
  if (absl::GetFlag(FLAGS_verbose) || !set.ok()) {
    for (const std::string& s : steps) std::printf("step: %s\n", s.c_str());
  }
  if (!set.ok()) {
    std::fprintf(stderr, "generate: %s\n", set.status().ToString().c_str());
    return 1;
  }
  if (absl::Status s = raftlog::golden::WriteGoldenDir(*set, out); !s.ok()) {
    std::fprintf(stderr, "generate: %s\n", s.ToString().c_str());
    return 1;
  }
  size_t bytes = 0;
  for (const auto& [name, data] : set->files) bytes += data.size();
  std::printf("generate: %zu files, %zu bytes of release %s (scenario %u, seed %llu) in %s\n",
              set->files.size(), bytes, tag.c_str(), options.scenario,
              static_cast<unsigned long long>(options.seed), out.c_str());
  return 0;
}
