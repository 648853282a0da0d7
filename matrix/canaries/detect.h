// Whether the suite catches a canary: runs matrix cells against a canary
// release until one turns red with an expected diagnosis class, checks that
// the canary's base stays green on the same cell and seeds, and shrinks the
// failing run. Shared by the detection tests (//matrix/canaries:all, each
// canary's own cells) and `bazel run //matrix:canary_runner -- --canaries` (the
// default matrix). The canaries themselves (patches, builds, registry) live
// in versions/canaries, which knows nothing of the matrix.
#ifndef RAFTLOG_MATRIX_CANARIES_DETECT_H_
#define RAFTLOG_MATRIX_CANARIES_DETECT_H_

#include <functional>
#include <string>
#include <vector>

#include "matrix/runner/driver.h"
#include "matrix/runner/report.h"
#include "matrix/runner/scenario.h"
#include "matrix/runner/verdict.h"
#include "versions/canaries/registry.h"
#include "versions/policy.h"

namespace raftlog::canaries {

// The diagnosis class of one run: "" when it is green (matches a supported
// policy), else the first safety checker (election_safety, log_matching,
// state_machine_safety, leader_completeness, durability, config_safety,
// replica_agreement ...), or linearizability, livelock, read_back, wire
// (messages rejected), data_loss_on_restart (a node refused its own data with
// kDataLoss), refusal, liveness; lin_unknown when nothing is red but the
// linearizability search ran out of budget (not a detection, not green).
std::string Classify(const runner::RunResult& r, const runner::SeedVerdict& v);

// `cls` is one of the '|'-separated classes of `expected`.
bool Accepted(const std::string& cls, const std::string& expected);

// A release by tag: the canaries first, then the good tags.
const api::ReleaseInfo* FindAnyRelease(absl::string_view tag);

struct DetectCell {
  std::string scenario, from;
};

struct DetectOptions {
  const policy::Policy* policy = nullptr;  // REQUIRED
  runner::Mode mode = runner::Mode::kFast;  // the plans' mode, as the matrix's --mode
  int first_seed = 1;                      // seeds first_seed..seeds (--seed=S: S..S)
  int seeds = 16;                          // per cell at most
  int shrink_runs = 80;                    // 0: no shrinking
  int jobs = 1;                            // cells of one seed side by side
  bool control = true;                     // run the base on the catching cell's seeds
  std::function<void(const std::string&)> progress;
};

// The default matrix cells of a canary: every scenario from every tag of
// `tags` (oldest first) up to and including the canary's base.
std::vector<DetectCell> DefaultCells(const Canary& c, const std::vector<std::string>& tags);
// The cells the canary's registration names ("scenario:from,...").
std::vector<DetectCell> RegisteredCells(const Canary& c);

// Runs `cells` seed-major (seed 1 of every cell, then seed 2 ...) and stops
// at the first seed where some cell is red with an accepted class; the
// earliest such cell (in `cells` order) is the row's. Cells the policy does
// not support for (from, base) are skipped (a canary is judged where its base
// must pass).
runner::CanaryRow Detect(const Canary& c, const std::vector<DetectCell>& cells,
                         const DetectOptions& o);

// The wire schema checker (wire/compat) on the canary's schema against each
// of `older` (tags whose schema is linked into this binary): "" when every
// pair is compatible, else "v1: RULE msg field; v2: ...".
std::string SchemaCheck(const Canary& c, const std::vector<std::string>& older);

}  // namespace raftlog::canaries

#endif  // RAFTLOG_MATRIX_CANARIES_DETECT_H_
