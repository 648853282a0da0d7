// Scenarios, compiled into numbered plans before the cluster starts.
//
// A cell of the matrix is (scenario, from-tag, to-tag); one run of a cell is
// that plus a seed. Compile() turns the four into a ScenarioPlan: the
// scenario-level steps (start n1@v1, upgrade n2 v1->v2, elect n3, compact n1,
// finalize, join n4@v2, add voter n4, check ...), a background of faults and
// the clients' scripts (both in matrix/sim's Plan representation), and the
// cluster and workload settings. Compiling draws only from the seed (node
// orders, fault times): no release is consulted, so a plan can be printed for
// tags that are not registered yet, and golden plan files stay stable.
//
// Steps run in order. Each has an earliest time; a step that waits (a check,
// an administrative request, an election) holds back the ones after it, so
// the timeline stretches when the cluster is slow and never reorders. The
// background faults fire at their own times (they never overlap: at most one
// is active at once, so a majority of an n >= 3 cluster is always reachable
// except by a scenario step's own doing).
#ifndef RAFTLOG_MATRIX_RUNNER_SCENARIO_H_
#define RAFTLOG_MATRIX_RUNNER_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/sim/network.h"
#include "matrix/sim/plan.h"
#include "matrix/sim/workload.h"
#include "versions/api/node.h"
#include "versions/policy.h"

namespace raftlog::runner {

enum class Mode { kFast, kFull };
const char* ModeName(Mode m);
absl::StatusOr<Mode> ModeFromName(absl::string_view name);

enum class StepKind {
  kStart,        // start `node` with `tag` (initial member: bootstraps with the others)
  kUpgrade,      // graceful stop, restart at once with `tag` on the node's data
  kCrashUpgrade, // crash (last write torn), restart with `tag` after `duration_us`
  kCrash,        // crash (torn when `tear`), restart with its current tag after `duration_us`
  kIsolate,      // cut `node` (0: the leader then) off from everyone for `duration_us`
  kHalves,       // split the members into minority | majority for `duration_us`
  kClockJump,    // `node`'s clock jumps forward by `duration_us`
  kLag,          // cut `node` off until the matching kRejoin (it falls behind)
  kRejoin,       // heal the kLag of `node`
  kCompact,      // `node` (0: the leader) takes a snapshot and truncates its log now
  kElect,        // make `node` the leader (isolate the leader, nudge `node`'s clock)
  kFinalize,     // ask the leader to raise the cluster version (kFinalize)
  kJoin,         // start a new `node` with `tag` on empty data, as a non-member
  kAddVoter,     // ask the leader to add `node` as a voter
  kAddLearner,   // ask the leader to add `node` as a learner (falls back to voter)
  kPromote,      // ask the leader to promote learner `node`
  kRemove,       // ask the leader to remove `node` (0: the leader), then stop it
  kCheck,        // the cluster commits again within `duration_us` (a mixed-state check)
  kSplitVote,    // `node` and `peer` campaign at once; the first other node to grant
                 // one of them its vote crashes right after and restarts in the
                 // same term (a vote that was not durable is given twice)
  kAddVoterCut,  // ask the leader to add `node`, cut the leader off `delay_us` later
                 // for `duration_us`: the change is appended but not committed, and
                 // a new leader takes over without it
  kCatchUp,      // `node` applies the leader's commit index within `duration_us`
                 // (optional: skipped when the leader's config lacks the node)
  kDowngrade,    // the explicit downgrade procedure's request: ask the leader to
                 // lower the cluster version to what `tag` speaks (its max protocol);
                 // skipped when the cluster version is there already
  kAwaitDowngraded,  // every member up reports a cluster version and a snapshot
                     // format that `tag` reads, within `duration_us` (the procedure's
                     // "wait until every node rewrote its data" step)
  kAddVotersAtOnce,  // ask the leader to add `node` and `peer` in the same instant
                     // without waiting (a release must refuse the second while the
                     // first is in flight, or keep both); later steps wait for them
  kObserve,      // measure the signals of the next `duration_us` (the gate's baseline)
  kGate,         // measure the next `duration_us` and compare with the baseline
                 // (matrix/runner/gate.h); degraded: roll every node back to `tag`
                 // at once and stop the rollout
  kAdversary,    // an adversary on the links injects into `node` (0: every member up, in
                 // turn) over `duration_us`: forged, stripped and older-protocol-claim
                 // messages as a member and as a non-member, and replays of captured
                 // AppendEntries (recent and old); at cluster version 3 the receiver must
                 // refuse and count every non-replay and change nothing (matrix/runner/adversary.h)
  kPause,        // `node` (0: the leader then) is paused for `duration_us`: no ticks, no
                 // input; what arrives meanwhile is handed to it late, in order, on resume
  kOverload,     // a baseline window of `delay_us`, then a storm of `duration_us` (the
                 // leader's disk slow, `peer`'s ticks late, the clients' retries pile up),
                 // then recovery; goodput and request queues judged (matrix/runner/overload.h)
  kChangeConfig, // joint consensus: ask the leader to make the voters exactly `voters`
                 // (Op::kChangeConfig; `voters` empty: the leader's voters then, minus
                 // `node` (0: the leader), plus `peer`), then wait until every live member reports that
                 // configuration, not joint, within `duration_us` (else stalled); with
                 // `crash_after`, crash the leader right after the request (ENTER_JOINT
                 // appended, LEAVE_JOINT not yet) for `delay_us`; with `isolate_after`,
                 // cut a majority of the old set (not the leader) off the rest for
                 // `delay_us` while joint
  kPromoteCut,   // ask the leader to promote learner `node` while it is cut off and
                 // behind (a kLag before): the leader must refuse until it caught up
                 // (promoting it is a wrong outcome); `delay_us` after the first request
                 // the cut heals, and the promotion must then complete
  kDepose,       // cut the leader off for `duration_us` with its clock at half rate
                 // meanwhile (a stalled host): it goes on believing it leads while
                 // the majority elects and commits, and must not answer a read
};
const char* StepKindName(StepKind k);

struct Step {
  StepKind kind = StepKind::kCheck;
  uint64_t at_us = 0;        // earliest start
  api::NodeId node = 0;
  api::NodeId peer = 0;      // kSplitVote: the second candidate
  uint64_t delay_us = 0;     // kAddVoterCut: from the request to the cut
  std::string tag;           // kStart, kUpgrade, kCrashUpgrade, kJoin: the release to run
  std::string from_tag;      // kUpgrade, kCrashUpgrade: the release it leaves (for reading)
  uint64_t duration_us = 0;  // see StepKind
  bool tear = false;         // kCrash
  // Part of a rolling change of releases: skipped once a step of the rollout
  // was refused (an operator stops a rollout at the first refusal).
  bool rollout = false;
  // A feature the releases may lack or gate (learners before finalize): a
  // definite "no" from the leader (kUnimplemented, kFailedPrecondition) makes
  // the step "not supported", not a refusal.
  bool optional = false;
  std::string note;          // what the step means: "old majority: n1@v2 n2@v1 n3@v1"
  // kChangeConfig: the requested voter set (sorted).
  std::vector<api::NodeId> voters;
  // A feature gated off here (the cluster version is below what it needs, or
  // a release lacks it): a definite "no" from the leader (kUnimplemented,
  // kFailedPrecondition) is the expected outcome ("not supported", shown, not
  // red); an acceptance is red whatever the policy (the gate leaked).
  bool expect_refusal = false;
  bool crash_after = false;    // kChangeConfig: crash the leader right after the request
  bool isolate_after = false;  // kChangeConfig: cut the old set's majority off while joint
};
// "@1.500s upgrade n2 v1->v2  [old majority: ...]"
std::string StepString(const Step& s);

struct Scenario {
  std::string name;
  std::string summary;
  // What the policy must declare for the cell's pair for the scenario to be
  // expected to pass (otherwise it is expected to be refused cleanly).
  policy::Capabilities requires;
};
// Every scenario, in report order.
const std::vector<Scenario>& AllScenarios();
const Scenario* FindScenario(absl::string_view name);

struct ScenarioPlan {
  std::string scenario;
  std::string from;
  std::string to;
  uint64_t seed = 0;
  Mode mode = Mode::kFast;
  int nodes = 3;                        // initial members n1..nodes
  uint64_t snapshot_threshold = 1000;
  int election_ticks = 10;
  uint64_t tick_interval_us = 10'000;
  sim::LinkFaults network;              // background link faults (drop, dup, reorder)
  sim::WorkloadOptions workload;
  std::vector<Step> steps;
  sim::Plan background;                 // faults (non-overlapping) + client scripts
  uint64_t planned_end_us = 0;          // last step's earliest time + its bound
  uint64_t liveness_us = 3'000'000;
  uint64_t liveness_bound_us = 8'000'000;
  uint64_t drain_us = 15'000'000;
  // Admission control (api::NodeOptions::max_inflight_requests); printed in
  // the plan only when a scenario sets it below this default.
  uint64_t max_inflight_requests = 1000;

  // The numbered plan: header, steps, background faults, client operation
  // count (or every operation with `ops_in_full`).
  std::string ToString(bool ops_in_full = false) const;
};

// The releases strictly between `from` and `to` by the tag convention vN
// (scripts/cut_release.sh enforces it): "v1","v3" -> {"v2"}. Empty when the
// tags are adjacent, equal, out of order or not of that form (a canary
// "v2+x" counts as its base v2).
std::vector<std::string> TagsBetween(absl::string_view from, absl::string_view to);

// InvalidArgument for an unknown scenario or an empty tag.
absl::StatusOr<ScenarioPlan> Compile(absl::string_view scenario, absl::string_view from,
                                     absl::string_view to, uint64_t seed, Mode mode);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_SCENARIO_H_
