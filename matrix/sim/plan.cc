#include "matrix/sim/plan.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matrix/sim/random.h"

namespace raftlog::sim {

const char* FaultKindName(FaultKind k) {
  switch (k) {
    case FaultKind::kCrash: return "crash";
    case FaultKind::kStop: return "stop";
    case FaultKind::kUpgrade: return "upgrade";
    case FaultKind::kPartition: return "partition";
    case FaultKind::kClockJump: return "clock_jump";
    case FaultKind::kClockDrift: return "clock_drift";
    case FaultKind::kSlowDisk: return "slow_disk";
    case FaultKind::kStorm: return "storm";
    case FaultKind::kMembership: return "membership";
    case FaultKind::kCompact: return "compact";
  }
  return "?";
}

const char* ShapeName(Shape s) {
  switch (s) {
    case Shape::kIsolate: return "isolate";
    case Shape::kHalves: return "halves";
    case Shape::kOneWayOut: return "one_way_out";
    case Shape::kOneWayIn: return "one_way_in";
  }
  return "?";
}

namespace {

std::string Seconds(uint64_t us) { return absl::StrFormat("%.6fs", us / 1e6); }
std::string NodeName(api::NodeId n) { return n == 0 ? "leader" : absl::StrCat("n", n); }

}  // namespace

std::string FaultString(const Fault& f) {
  std::string s = absl::StrCat("@", Seconds(f.time_us), " ", FaultKindName(f.kind));
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kStop:
      absl::StrAppend(&s, " ", NodeName(f.node), f.tear ? " tear" : "", " for ",
                      Seconds(f.duration_us), f.tag.empty() ? "" : " restart as ", f.tag);
      break;
    case FaultKind::kUpgrade:
      absl::StrAppend(&s, " ", NodeName(f.node), " to ", f.tag);
      break;
    case FaultKind::kPartition:
      absl::StrAppend(&s, " ", ShapeName(f.shape));
      if (f.shape != Shape::kHalves) absl::StrAppend(&s, " ", NodeName(f.node));
      absl::StrAppend(&s, " for ", Seconds(f.duration_us));
      break;
    case FaultKind::kClockJump:
      absl::StrAppend(&s, " ", NodeName(f.node), " by ", f.amount, "us");
      break;
    case FaultKind::kClockDrift:
      absl::StrAppend(&s, " ", NodeName(f.node), " ", f.amount, "ppm for ", Seconds(f.duration_us));
      break;
    case FaultKind::kSlowDisk:
    case FaultKind::kMembership:
      absl::StrAppend(&s, " ", NodeName(f.node), " for ", Seconds(f.duration_us));
      break;
    case FaultKind::kStorm:
      absl::StrAppend(&s, " for ", Seconds(f.duration_us));
      break;
    case FaultKind::kCompact:
      absl::StrAppend(&s, " ", NodeName(f.node));
      break;
  }
  return s;
}

std::string Plan::ToString(bool ops_in_full) const {
  std::string s;
  size_t i = 0;
  for (const Fault& f : faults) absl::StrAppend(&s, absl::StrFormat("%3d. ", ++i), FaultString(f), "\n");
  if (ops_in_full) {
    for (const ClientOp& op : ops) absl::StrAppend(&s, absl::StrFormat("%3d. ", ++i), ClientOpString(op), "\n");
  } else {
    absl::StrAppend(&s, "     + ", ops.size(), " client operations\n");
  }
  return s;
}

Plan MakePlan(uint64_t seed, const FaultOptions& o, const WorkloadOptions& workload, size_t nodes,
              uint64_t duration_us, uint64_t workload_us) {
  Plan plan;
  plan.ops = GenerateOps(DeriveSeed(seed, "workload-script"), workload, workload_us);
  api::SeededRandom r(DeriveSeed(seed, "faults"));
  nodes = std::max<size_t>(1, nodes);
  const double minutes = duration_us > o.warmup_us ? (duration_us - o.warmup_us) / 60e6 : 0;
  auto count = [&](double per_min) {
    double mean = per_min * o.intensity * minutes;
    if (mean <= 0) return uint64_t{0};
    // floor(mean) plus one more with the fractional probability: integer-exact.
    uint64_t n = static_cast<uint64_t>(mean);
    if (Chance(r, ToPpm(mean - n))) ++n;
    return std::min<uint64_t>(n, 10'000);
  };
  auto when = [&] { return Between(r, o.warmup_us, std::max(o.warmup_us, duration_us - 1)); };
  auto target = [&]() -> api::NodeId {
    if (Chance(r, ToPpm(o.leader_target))) return 0;
    return 1 + r.Uniform(nodes);
  };
  auto some_node = [&]() -> api::NodeId { return 1 + r.Uniform(nodes); };
  auto length = [&] { return Between(r, o.fault_min_us, std::max(o.fault_min_us, o.fault_max_us)); };
  auto tag = [&]() -> std::string {
    if (o.upgrade_tags.empty()) return "";
    return o.upgrade_tags[r.Uniform(o.upgrade_tags.size())];
  };
  auto add = [&](Fault f) { plan.faults.push_back(std::move(f)); };

  for (uint64_t i = 0, n = count(o.crashes_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kCrash, target()};
    f.duration_us = Between(r, o.down_min_us, std::max(o.down_min_us, o.down_max_us));
    f.tear = Chance(r, ToPpm(o.tear_share));
    f.tag = tag();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.stops_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kStop, target()};
    f.duration_us = Between(r, o.down_min_us, std::max(o.down_min_us, o.down_max_us));
    f.tag = tag();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.upgrades_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kUpgrade, some_node()};
    f.tag = tag();
    if (!f.tag.empty()) add(f);
  }
  for (uint64_t i = 0, n = count(o.partitions_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kPartition, target()};
    f.shape = static_cast<Shape>(r.Uniform(4));
    f.duration_us = length();
    f.amount = static_cast<int64_t>(r.Next() >> 1);
    if (f.shape == Shape::kHalves) f.node = 0;
    add(f);
  }
  for (uint64_t i = 0, n = count(o.clock_jumps_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kClockJump, target()};
    // Mostly forward (up to 2 s), sometimes backward (a stall up to 1 s).
    f.amount = Chance(r, ToPpm(0.7)) ? static_cast<int64_t>(Between(r, 1'000, 2'000'000))
                                     : -static_cast<int64_t>(Between(r, 1'000, 1'000'000));
    add(f);
  }
  for (uint64_t i = 0, n = count(o.clock_drifts_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kClockDrift, target()};
    f.amount = static_cast<int64_t>(Between(r, 0, 400'000)) - 200'000;
    f.duration_us = length();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.slow_disks_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kSlowDisk, target()};
    f.duration_us = length();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.storms_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kStorm, 0};
    f.duration_us = length();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.membership_per_min); i < n; ++i) {
    Fault f{when(), FaultKind::kMembership, some_node()};
    f.duration_us = length();
    add(f);
  }
  for (uint64_t i = 0, n = count(o.compactions_per_min); i < n; ++i) {
    add(Fault{when(), FaultKind::kCompact, target()});
  }
  std::stable_sort(plan.faults.begin(), plan.faults.end(),
                   [](const Fault& a, const Fault& b) { return a.time_us < b.time_us; });
  return plan;
}

Plan SubPlan(const Plan& plan, const std::vector<size_t>& keep) {
  Plan out;
  for (size_t i : keep) {
    if (i < plan.faults.size()) {
      out.faults.push_back(plan.faults[i]);
    } else if (i - plan.faults.size() < plan.ops.size()) {
      out.ops.push_back(plan.ops[i - plan.faults.size()]);
    }
  }
  return out;
}

}  // namespace raftlog::sim
