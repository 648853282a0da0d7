// A run as a list of scheduled events derived from the seed: the fault
// schedule and the clients' operation scripts. Everything the run does beyond
// that list (network delays, drops, election jitter) comes from the seed's
// other streams. Each fault is self-contained (a crash carries its downtime, a
// partition its duration), so any sub-list is again a valid plan: the shrinker
// removes events and reruns.
#ifndef RAFTLOG_MATRIX_SIM_PLAN_H_
#define RAFTLOG_MATRIX_SIM_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "matrix/sim/workload.h"
#include "versions/api/node.h"

namespace raftlog::sim {

enum class FaultKind {
  kCrash,       // node loses unsynced data (tear: last append torn), restarts after duration
  kStop,        // graceful stop, restarts after duration
  kUpgrade,     // restart node on its data with `tag` right away (upgrade or downgrade)
  kPartition,   // shape, heals after duration
  kClockJump,   // node's clock jumps by amount microseconds (negative: stalls)
  kClockDrift,  // node's clock runs at amount ppm for duration
  kSlowDisk,    // every fsync of node slow for duration
  kStorm,       // every link drops / duplicates / reorders heavily for duration
  kMembership,  // remove voter node via the leader, add it back after duration
  kCompact,     // ask node to compact its log now
};
const char* FaultKindName(FaultKind k);

enum class Shape {
  kIsolate,       // node cut off from everyone
  kHalves,        // minority | majority, in a drawn order
  kOneWayOut,     // node cannot send to anyone (still receives)
  kOneWayIn,      // nobody can reach node (it still sends)
};
const char* ShapeName(Shape s);

struct Fault {
  uint64_t time_us = 0;
  FaultKind kind = FaultKind::kCrash;
  api::NodeId node = 0;      // 0: the leader at that moment (skipped when none)
  Shape shape = Shape::kIsolate;
  uint64_t duration_us = 0;
  int64_t amount = 0;        // clock jump (us), drift (ppm), halves: order seed
  bool tear = false;
  std::string tag;           // restart / upgrade release ("" = keep the node's tag)
};
std::string FaultString(const Fault& f);

// How much of each fault to draw, per simulated minute of the fault phase.
struct FaultOptions {
  double crashes_per_min = 0;
  double stops_per_min = 0;
  double upgrades_per_min = 0;
  double partitions_per_min = 0;
  double clock_jumps_per_min = 0;
  double clock_drifts_per_min = 0;
  double slow_disks_per_min = 0;
  double storms_per_min = 0;
  double membership_per_min = 0;
  double compactions_per_min = 0;
  double leader_target = 0.5;        // share of node-targeted faults aimed at the leader
  uint64_t down_min_us = 100'000;    // crash / stop downtime
  uint64_t down_max_us = 3'000'000;
  uint64_t fault_min_us = 200'000;   // partition / drift / slow disk / storm duration
  uint64_t fault_max_us = 4'000'000;
  double tear_share = 0.5;           // share of crashes that tear the last append
  std::vector<std::string> upgrade_tags;  // tags for restarts and upgrades; empty: keep
  uint64_t warmup_us = 500'000;      // no fault before this
  // Multiplies every rate (the --intensity flag).
  double intensity = 1.0;
};

struct Plan {
  std::vector<Fault> faults;   // by time
  std::vector<ClientOp> ops;   // per client, in order
  size_t size() const { return faults.size() + ops.size(); }
  // Numbered: faults first ("  1. @1.250000s crash n2 tear for 0.300000s"),
  // then a count of client operations (or each one, if `ops_in_full`).
  std::string ToString(bool ops_in_full = false) const;
};

// Draws the fault schedule for `nodes` initial nodes over [warmup,
// duration_us) and the clients' scripts for `workload_us` from `seed`.
Plan MakePlan(uint64_t seed, const FaultOptions& faults, const WorkloadOptions& workload,
              size_t nodes, uint64_t duration_us, uint64_t workload_us);

// The sub-plan holding the events whose positions (faults first, then ops, as
// in ToString) are in `keep` (sorted, unique).
Plan SubPlan(const Plan& plan, const std::vector<size_t>& keep);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_PLAN_H_
