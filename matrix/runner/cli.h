// The runner's command line (//matrix/runner:runner, alias //matrix:runner):
//
//   bazel run //matrix:runner -- [--tags=v1,v2] [--pairs=v1:v2] [--scenarios=a,b]
//       [--seeds=N] [--seed=S] [--dry-run] [--mode=fast|full] [--out=DIR] [--jobs=J]
//       [--compare=BASE/report.json] [--write-history=DIR]
//
// --write-history: every seed's client history, one file per cell and seed
// (history_files.h), for //matrix:lincheck or another checker.
//
// --compare: after the run, what changed since the base run (compare.h),
// printed and written as compare.md and compare.json beside the reports; a
// base that cannot be read (missing, not JSON, another report format
// version, not conforming to report.schema.json) is a usage error (2)
// before anything runs. The exit status stays the run's own.
//
// Exit status (verdict.h): 0 when every cell matches the policy (PASS or
// REFUSED-as-expected), 1 when some cell is FAIL or UNEXPECTED-GREEN, 2 on a
// usage or configuration error (unknown tag, bad policy ...), 3 when no cell
// is FAIL or UNEXPECTED-GREEN but some is UNKNOWN (a seed's linearizability
// search ran out of budget: --lin_max_states). A Bazel cell test fails on
// any non-zero status, UNKNOWN included.
//
// Also the pieces the Bazel targets use: --test (a cell as a test: seeds
// sharded by TEST_TOTAL_SHARDS / TEST_SHARD_INDEX, reports under
// TEST_UNDECLARED_OUTPUTS_DIR), --verify_cells (the Starlark cell list covers
// every registered tag and scenario), --regressions=FILE (named cases).
#ifndef RAFTLOG_MATRIX_RUNNER_CLI_H_
#define RAFTLOG_MATRIX_RUNNER_CLI_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/runner/scenario.h"
#include "versions/api/node.h"
#include "versions/policy.h"

namespace raftlog::runner {

// A named regression case: "name scenario from:to seed [fast|full]".
struct RegressionCase {
  std::string name;
  std::string scenario;
  std::string from;
  std::string to;
  uint64_t seed = 0;
  Mode mode = Mode::kFast;
  int line = 0;
};
absl::StatusOr<std::vector<RegressionCase>> ParseRegressions(absl::string_view text,
                                                             absl::string_view filename);

// Checks that `cells` ("scenario/from/to") is exactly every scenario x every
// pair of `tags` (registry order). The error lists what is missing and extra.
absl::Status VerifyCells(const std::vector<std::string>& cells,
                         const std::vector<std::string>& tags);

// Rewrites "--dry-run" style flag names to "--dry_run" (values untouched).
std::vector<std::string> NormalizeFlagNames(const std::vector<std::string>& args);

// --canaries, as parsed by the runner: what the canary detector is asked to run.
struct CanaryRequest {
  const policy::Policy* policy = nullptr;
  std::vector<std::string> registered;  // the registry's tags, oldest first
  std::string out_dir;                  // reports
  Mode mode = Mode::kFast;              // --mode
  int seeds = 0;                        // --seeds (0: the default)
  uint64_t seed = 0;                    // --seed (0: none)
  std::vector<std::string> scenarios;   // --scenarios (empty: all)
  std::vector<std::string> pairs;       // --pairs, "from:canary"
  std::string only;                     // --only
  int shrink_runs = -1;                 // --shrink_runs (-1: the default)
  int jobs = 1;
  bool progress = true;
};

// What a runner binary links in besides the shipped releases (the registry).
// The plain runner (//matrix/runner:runner) has nothing more; //matrix:runner
// adds the canary releases (matrix/canaries), so a canary tag "v3+name" is a
// tag like any other (--tags, --pairs) and --canaries runs the detector. Kept
// as hooks so matrix/runner never depends on the canaries.
struct CliExtensions {
  // A release the registry does not ship, by tag; nullptr when unknown.
  std::function<const api::ReleaseInfo*(absl::string_view tag)> find_release;
  // The registered tag whose policy declarations and place in the tag order
  // an extra tag takes ("v3+name" -> "v3"); called only for extra tags.
  std::function<std::string(absl::string_view tag)> base_tag;
  // --canaries: the detection table; returns the exit status.
  std::function<int(const CanaryRequest&)> run_canaries;
};

int RunCli(int argc, char** argv, const CliExtensions& extensions = {});

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_CLI_H_
