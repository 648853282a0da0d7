// Step handlers for faults a scenario places itself (background faults are
// matrix/sim's): crashes, partitions, clock jumps, a node lagging until it
// rejoins, compaction, a paused node, and the overload storm with its
// judgement. The handler contract: driver_internal.h.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/runner/driver_internal.h"
#include "matrix/sim/random.h"

namespace raftlog::runner::driver_internal {

// kCrash: the node (0: the leader) crashes, at its next sync when `tear`
// (the write torn), and restarts on its release `duration_us` later.
void Driver::BeginCrash() {
  const Step& s = Cur();
  api::NodeId n = Resolve(s.node);
  if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
  if (s.tear) cluster_.CrashAtNextSync(n, /*tear=*/true); else cluster_.Crash(n, false);
  Band(s.duration_us, n, s.tear ? "crash (tear)" : "crash");
  ScheduleRestart(n, s.duration_us, "", -1);
  Finish(StepResult::kOk, absl::StrCat("crashed ", Who(n)));
}

// kIsolate: the node (0: the leader) is cut off from every member for
// `duration_us`.
void Driver::BeginIsolate() {
  const Step& s = Cur();
  api::NodeId n = Resolve(s.node);
  if (n == 0) return Finish(StepResult::kSkipped, "no leader to isolate");
  sim::Partition part = sim::Partition::Isolate(n, Members());
  Band(s.duration_us, n, part.name);
  ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.duration_us);
  Finish(StepResult::kOk, absl::StrCat("isolated ", Who(n)));
}

// kHalves: the members, in a seeded order, split into a minority and a
// majority for `duration_us`.
void Driver::BeginHalves() {
  const Step& s = Cur();
  std::vector<api::NodeId> all = Members();
  api::SeededRandom r(sim::DeriveSeed(p_.seed, "halves", current_));
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[r.Uniform(i)]);
  sim::Partition part = sim::Partition::Split(all, all.size() / 2);
  std::string name = part.name;
  Band(s.duration_us, 0, name);
  ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.duration_us);
  Finish(StepResult::kOk, name);
}

// kClockJump: the node's (0: the leader's) clock jumps `duration_us` ahead.
void Driver::BeginClockJump() {
  const Step& s = Cur();
  api::NodeId n = Resolve(s.node);
  if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
  cluster_.clock(n)->Jump(static_cast<int64_t>(s.duration_us));
  Band(0, n, absl::StrCat("clock +", Secs(s.duration_us)));
  Finish(StepResult::kOk, absl::StrCat("jumped ", Who(n)));
}

// kLag: the node is cut off until its kRejoin (or a kPromoteCut heals it);
// its band is drawn when it heals.
void Driver::BeginLag() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  sim::Partition part = sim::Partition::Isolate(s.node, Members());
  lag_[s.node] = cluster_.network().StartPartition(std::move(part));
  lag_since_[s.node] = now;
  Finish(StepResult::kOk, "");
}

// kRejoin: heals the node's kLag.
void Driver::BeginRejoin() {
  const Step& s = Cur();
  if (lag_.count(s.node) == 0) return Finish(StepResult::kSkipped, "not lagging");
  HealLag(s.node);
  Finish(StepResult::kOk, "");
}

void Driver::HealLag(api::NodeId n) {
  auto it = lag_.find(n);
  if (it == lag_.end()) return;
  cluster_.network().Heal(it->second);
  if (bands_.size() < Sampler::kMaxEvents) {
    FaultBand band;
    band.from_us = lag_since_[n];
    band.to_us = cluster_.now();
    band.node = n;
    band.label = "lagging (cut off)";
    bands_.push_back(std::move(band));
  }
  lag_.erase(it);
}

// kCompact: the node (0: the leader) takes a snapshot and truncates its log.
void Driver::BeginCompact() {
  const Step& s = Cur();
  api::NodeId n = Resolve(s.node);
  if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
  api::Request r;
  r.op = api::Op::kCompact;
  cluster_.SubmitAdmin(r, n);
  const api::ProtocolState* st = cluster_.state(n);
  Finish(StepResult::kOk,
         absl::StrCat("on ", Who(n), st ? absl::StrCat(", snapshot at ", st->snapshot_index) : ""));
}

// ---- kPause ---------------------------------------------------------------------

// kPause: the node (0: the leader) gets no ticks and no input for
// `duration_us`; what arrives meanwhile is handed to it on resume.
void Driver::BeginPause() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  const api::NodeId n = Resolve(s.node);
  if (!Up(n) || cluster_.paused(n)) {
    return Finish(StepResult::kSkipped, "node not up (or no leader)");
  }
  const bool leader = cluster_.Leader() == n;
  cluster_.Pause(n);
  Band(s.duration_us, n, "paused");
  Tally(leader ? "pause leader" : "pause follower");
  sim_.Schedule(now + s.duration_us, [this, n] { ResumePaused(n); });
  return Finish(StepResult::kOk, absl::StrCat("paused ", Who(n), leader ? " (the leader)" : "",
                                              " until ", Secs(now + s.duration_us)));
}

void Driver::ResumePaused(api::NodeId n) {
  if (!cluster_.paused(n)) return;  // it crashed or stopped meanwhile
  const size_t handed = cluster_.Resume(n);
  fault_telemetry_["pause inputs handed late"] += handed;
  trace_.Add(cluster_.now(), "resumed", absl::StrCat(Who(n), " handed ", handed, " held input(s)"));
}

// ---- kOverload ------------------------------------------------------------------

// kOverload: a baseline window of `delay_us`, a storm of `duration_us` (the
// leader's disk slow, `peer`'s ticks late), then recovery windows; judged
// by matrix/runner/overload.h.
void Driver::BeginOverload() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  overload_ = OverloadState();
  overload_.start = Sample();
  overload_.phase_end = now + s.delay_us;
  overload_.f.max_inflight_requests = p_.max_inflight_requests;
  Wait(now + s.delay_us + s.duration_us + kRecoveryBoundUs + 2 * kRecoveryWindowUs);
}

// Baseline, storm, then recovery windows until one recovers or the bound.
bool Driver::PollOverload() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  OverloadState& o = overload_;
  if (now < o.phase_end) return false;
  const WindowSignals w = Measure(history_, o.start, Sample());
  o.start = Sample();
  if (o.phase == 0) {
    o.f.baseline = w;
    StartStorm();
    o.phase = 1;
    o.phase_end = now + s.duration_us;
    return false;
  }
  if (o.phase == 1) {
    o.f.storm = w;
    EndStorm();
    o.phase = 2;
    o.storm_end = now;
    o.phase_end = now + kRecoveryWindowUs;
    return false;
  }
  o.f.recovery.push_back(w);
  const bool recovered = Goodput(w) >= kMinRecoveredGoodputShare * Goodput(o.f.baseline);
  if (!recovered && now - o.storm_end < kRecoveryBoundUs) {
    o.phase_end = now + kRecoveryWindowUs;
    return false;
  }
  FinishOverload();
  return true;
}

// The storm is over and the cluster recovered (or the bound passed): the
// verdict, its figures added to the run's telemetry.
void Driver::FinishOverload() {
  const OverloadState& o = overload_;
  const OverloadVerdict v = JudgeOverload(o.f);
  fault_telemetry_["overload storm overloaded_replies"] += o.f.overloaded_replies;
  fault_telemetry_["overload storm client_timeouts"] += o.f.client_timeouts;
  fault_telemetry_["overload storm client_retries"] += o.f.client_retries;
  fault_telemetry_["overload storm not_leader"] += o.f.not_leader;
  // Successful operations per window, summed over seeds: the cell's storm
  // and recovery shares of its baseline (windows of equal length).
  fault_telemetry_["overload baseline ok_ops"] += o.f.baseline.ok;
  fault_telemetry_["overload storm ok_ops"] += o.f.storm.ok;
  fault_telemetry_["overload recovery_windows"] += o.f.recovery.size();
  fault_telemetry_[v.ok ? "overload judged ok" : "overload judged degraded"] +=
      o.f.admission_control ? 1 : 0;
  fault_telemetry_["overload without admission control"] += o.f.admission_control ? 0 : 1;
  fault_telemetry_["overload queue_peak"] =
      std::max(fault_telemetry_["overload queue_peak"], o.f.open_requests_peak);
  Finish(v.ok ? StepResult::kOk : StepResult::kStalled,
         v.ok ? v.detail : absl::StrCat(absl::StrJoin(v.failures, "; "), " (", v.detail, ")"));
}

void Driver::StartStorm() {
  const Step& s = Cur();
  OverloadState& o = overload_;
  std::vector<api::NodeId> up;
  for (api::NodeId id : Members()) {
    if (Up(id)) up.push_back(id);
  }
  o.slow = cluster_.Leader() != 0 ? cluster_.Leader() : (up.empty() ? 0 : up.front());
  o.noisy = s.peer;
  if (o.noisy == o.slow) {
    for (api::NodeId id : up) {
      if (id != o.slow) {
        o.noisy = id;
        break;
      }
    }
  }
  o.f.admission_control = !up.empty();
  for (api::NodeId id : up) {
    const std::map<std::string, uint64_t> c = cluster_.node(id)->Counters();
    if (c.count(api::kCounterOverloaded) == 0) o.f.admission_control = false;
  }
  if (sim::SimDisk* d = o.slow ? cluster_.disk(o.slow) : nullptr) {
    o.disk_before = d->faults();
    sim::DiskFaults slow = o.disk_before;
    slow.sync_min_us = slow.sync_max_us = kStormSyncUs;
    d->set_faults(slow);
    Band(s.duration_us, o.slow, "slow disk (storm)");
  }
  if (sim::SimClock* c = o.noisy ? cluster_.clock(o.noisy) : nullptr) {
    o.drift_before = c->drift_ppm();
    c->SetDrift(kNoisyNeighbourDriftPpm);
    Band(s.duration_us, o.noisy, "ticks late (noisy neighbour)");
  }
  cluster_.ResetOpenRequestPeaks();
  o.overloaded_before = OverloadedReplies();
  o.clients_before = ClientTotals();
}

void Driver::EndStorm() {
  OverloadState& o = overload_;
  if (sim::SimDisk* d = o.slow ? cluster_.disk(o.slow) : nullptr) d->set_faults(o.disk_before);
  if (sim::SimClock* c = o.noisy ? cluster_.clock(o.noisy) : nullptr) c->SetDrift(o.drift_before);
  for (api::NodeId id : cluster_.ids()) {
    o.f.open_requests_peak = std::max(o.f.open_requests_peak, cluster_.open_requests_peak(id));
  }
  o.f.overloaded_replies = OverloadedReplies() - o.overloaded_before;
  const sim::CohortStats now = ClientTotals();
  o.f.client_timeouts = now.timeouts - o.clients_before.timeouts;
  o.f.client_retries = now.retries - o.clients_before.retries;
  o.f.not_leader = now.not_leader - o.clients_before.not_leader;
}

sim::CohortStats Driver::ClientTotals() const {
  sim::CohortStats t;
  for (const auto& [cohort, c] : workload_.cohorts()) {
    t.timeouts += c.timeouts;
    t.retries += c.retries;
    t.not_leader += c.not_leader;
    t.overloaded += c.overloaded;
  }
  return t;
}

uint64_t Driver::OverloadedReplies() const {
  const std::map<std::string, uint64_t> c = cluster_.ReleaseCounters();
  auto it = c.find(api::kCounterOverloaded);
  return it == c.end() ? 0 : it->second;
}

}  // namespace raftlog::runner::driver_internal
