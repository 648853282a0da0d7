// The run of one plan: the driver's construction, its run phases, the
// simulation hooks, the cluster views every step shares, the step machine
// with its dispatch table, and the result. The step handlers live in the
// driver_*.cc files (driver_internal.h lists them).
#include "matrix/runner/driver.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "matrix/check/replica_agreement.h"
#include "matrix/runner/driver_internal.h"
#include "matrix/runner/op_bars.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/stale_reads.h"

namespace raftlog::runner {

const char* StepResultName(StepResult r) {
  switch (r) {
    case StepResult::kOk: return "ok";
    case StepResult::kNotSupported: return "not supported";
    case StepResult::kNotAchieved: return "not achieved";
    case StepResult::kRefused: return "refused";
    case StepResult::kStalled: return "stalled";
    case StepResult::kSkipped: return "skipped";
    case StepResult::kWrongOutcome: return "wrong outcome";
  }
  return "?";
}

size_t RunResult::Count(StepResult r) const {
  return std::count_if(steps.begin(), steps.end(),
                       [r](const StepRecord& s) { return s.result == r; });
}

std::string RowsToString(const std::vector<NodeRow>& rows) {
  std::string out = absl::StrFormat("%-4s %-8s %-8s %-3s %-5s %-10s %-6s %-7s %-7s %-7s %-8s %s\n",
                                    "node", "status", "release", "cv", "term", "role", "leader",
                                    "commit", "applied", "last", "snapshot", "config");
  for (const NodeRow& r : rows) {
    absl::StrAppend(&out, absl::StrFormat(
                              "n%-3d %-8s %-8s %-3d %-5d %-10s %-6s %-7d %-7d %-7d %-8d %s\n",
                              r.id, r.status, r.release, r.cluster_version, r.term, r.role,
                              r.leader ? absl::StrCat("n", r.leader) : "-", r.commit, r.applied,
                              r.last, r.snapshot, r.config));
  }
  return out;
}


namespace driver_internal {

Driver::Driver(const ScenarioPlan& p, const ExecOptions& o)
    : p_(p),
      o_(o),
      so_(SimOptionsFor(p, o)),
      sim_(so_, p.background, this),
      trace_(sim_.trace()),
      checkers_(sim_.checkers()),
      history_(sim_.history()),
      cluster_(sim_.cluster()),
      workload_(sim_.workload()) {
  checkers_.Add(std::make_unique<check::ReplicaAgreement>());
  auto membership = std::make_unique<check::MembershipDurability>();
  membership_ = membership.get();
  checkers_.Add(std::move(membership));
  auto sampler = std::make_unique<Sampler>();
  sampler_ = sampler.get();
  checkers_.Add(std::move(sampler));
  if (p.workload.stale_read_ppm > 0) {
    checkers_.Add(std::make_unique<sim::StaleReadChecker>(&workload_));
  }
  records_.resize(p.steps.size());
  SetUpAdversary();
}

RunResult Driver::Run() {
  std::vector<api::NodeId> initial;
  for (int i = 1; i <= p_.nodes; ++i) initial.push_back(i);
  workload_.set_nodes(initial);
  workload_.Begin(0);
  sim_.ScheduleFaults();
  uint64_t bound = p_.planned_end_us + 30'000'000;
  for (const Step& s : p_.steps) bound += s.duration_us;
  if (!p_.steps.empty()) {
    sim_.Schedule(p_.steps[0].at_us, [this] { StartStep(0); });
  } else {
    steps_done_ = true;
  }
  sim_.RunUntil(bound, [this] { return steps_done_ && cluster_.now() >= p_.planned_end_us; });
  if (!steps_done_ && !sim_.stopped()) {
    // A wait that never ends would be a driver bug: every wait has a deadline.
    if (current_ < records_.size()) Finish(StepResult::kStalled, "the run's time bound ran out");
  }
  if (!sim_.stopped()) sim_.Heal();
  const uint64_t heal_at = cluster_.now();
  if (!sim_.stopped()) sim_.RunUntil(heal_at + p_.liveness_us);
  if (!sim_.stopped()) {
    workload_.StopIssuing();
    sim_.RunUntil(cluster_.now() + p_.drain_us, [this] { return workload_.Idle(); });
  }
  bool read_back_done = false;
  if (!sim_.stopped()) {
    workload_.StartReadBack(cluster_.now());
    sim_.RunUntil(cluster_.now() + p_.drain_us, [this] { return workload_.ReadBackDone(); });
    read_back_done = workload_.ReadBackDone();
  }
  ScanAdminReplies();
  checkers_.Finish(cluster_.now());
  return Result(read_back_done, heal_at);
}

sim::SimOptions Driver::SimOptionsFor(const ScenarioPlan& p, const ExecOptions& o) {
  sim::SimOptions s;
  s.seed = p.seed;
  s.cluster.tags.assign(p.nodes, p.from);  // n1..nodes bootstrap together
  s.cluster.election_ticks = p.election_ticks;
  s.cluster.tick_interval_us = p.tick_interval_us;
  s.cluster.snapshot_threshold = p.snapshot_threshold;
  s.cluster.network.defaults = p.network;
  s.cluster.max_drift_ppm = 20'000;
  s.cluster.find_release = o.find_release;
  s.workload = p.workload;
  s.checks.liveness_bound_us = p.liveness_bound_us;
  s.checks_enabled = true;
  s.trace_keep = o.trace_keep;
  s.max_steps = o.max_steps;
  s.stop_at_step_bound = true;
  s.stop_at_violation = o.stop_at_violation;
  s.stop_after_us = o.stop_after_us;
  // The scenario's trace: steps and acknowledgements, no client lines; a
  // fault's end shows as the next event, its band on the timeline.
  s.trace_clients = false;
  s.trace_fault_ends = false;
  s.heal_restores_drift = false;
  s.cluster.max_inflight_requests = p.max_inflight_requests;
  return s;
}

// ---- hooks (sim::SimulationHooks) -----------------------------------------

void Driver::AfterEvent() {
  if (vote_.armed) VoteTrigger();
}

void Driver::OnAck(const check::Ack& ack) {
  trace_.AddNumbers(ack.time_us, "ack", ack.client_id, ack.sequence);
}

const char* Driver::SkipFault(sim::FaultKind kind) const {
  switch (kind) {
    case sim::FaultKind::kUpgrade: return "upgrades are scenario steps";
    case sim::FaultKind::kMembership: return "membership changes are scenario steps";
    default: return nullptr;
  }
}

void Driver::OnFaultBand(uint64_t duration_us, api::NodeId node, const std::string& label) {
  Band(duration_us, node, label);
}

// A node a fault or a step took down comes back on its last good release
// (or the step's); a refusal is the step's.
bool Driver::Restart(api::NodeId node, const std::string& want, int step) {
  if (Up(node) || Removed(node)) return true;
  std::string tag = !want.empty() ? want : good_tag_[node];
  absl::Status s = StartOrRollBack(node, tag);
  if (!s.ok() && step >= 0) {
    StepRecord& r = records_[step];
    r.result = StepResult::kRefused;
    r.detail = absl::StrCat("n", node, " refused to start as ", tag, ": ", s.ToString());
    rollout_stopped_ = true;
  }
  return true;
}

void Driver::BeforeHeal() {
  if (!records_.empty() && records_.back().after.empty()) records_.back().after = Rows();
  lag_.clear();
  for (api::NodeId id : cluster_.paused_ids()) ResumePaused(id);
}

// ---- cluster views and shared actions ---------------------------------------

std::vector<api::NodeId> Driver::Members() const {
  std::vector<api::NodeId> out;
  for (api::NodeId id : cluster_.ids()) {
    if (!Removed(id)) out.push_back(id);
  }
  return out;
}

uint64_t Driver::MaxCommit() const {
  uint64_t m = 0;
  for (api::NodeId id : cluster_.up_ids()) {
    if (const api::ProtocolState* s = cluster_.state(id)) m = std::max(m, s->commit_index);
  }
  return m;
}

uint32_t Driver::MaxClusterVersion() const {
  uint32_t cv = 0;
  for (api::NodeId id : Members()) {
    if (!Up(id)) continue;
    if (const api::ProtocolState* st = cluster_.state(id)) cv = std::max(cv, st->cluster_version);
  }
  return cv;
}

std::string Driver::Who(api::NodeId n) const {
  return n == 0 ? "none" : absl::StrCat("n", n, "@", cluster_.tag(n));
}

std::vector<NodeRow> Driver::Rows() const {
  std::vector<NodeRow> rows;
  for (api::NodeId id : cluster_.ids()) {
    NodeRow r;
    r.id = id;
    r.status = Removed(id) ? "removed" : sim::NodeStatusName(cluster_.status(id));
    r.release = cluster_.tag(id);
    if (const api::ProtocolState* s = cluster_.state(id)) {
      r.cluster_version = s->cluster_version;
      r.term = s->term;
      r.role = api::RoleName(s->role);
      r.leader = s->leader;
      r.commit = s->commit_index;
      r.applied = s->applied_index;
      r.last = s->last_index;
      r.snapshot = s->snapshot_index;
      r.config = api::ConfigString(s->config);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

CounterSample Driver::Sample() const {
  CounterSample c;
  c.time_us = cluster_.now();
  const std::map<std::string, uint64_t> counters = cluster_.ReleaseCounters();
  auto it = counters.find(api::kCounterLeaderChanges);
  c.leader_changes = it == counters.end() ? 0 : it->second;
  for (const auto& [key, n] : cluster_.decode_errors()) c.decode_errors += n;
  c.commit_index = MaxCommit();
  return c;
}

bool Driver::PlanHas(StepKind kind) const {
  return std::any_of(p_.steps.begin(), p_.steps.end(),
                     [kind](const Step& s) { return s.kind == kind; });
}

api::NodeId Driver::Resolve(api::NodeId n) const {
  if (n == 0) return cluster_.Leader();
  if (cluster_.status(n) == sim::NodeStatus::kAbsent || Removed(n)) return 0;
  return n;
}

void Driver::Band(uint64_t duration_us, api::NodeId node, std::string label) {
  if (bands_.size() >= Sampler::kMaxEvents) return;
  FaultBand band;
  band.from_us = cluster_.now();
  band.to_us = cluster_.now() + duration_us;
  band.node = node;
  band.label = std::move(label);
  bands_.push_back(std::move(band));
}

absl::Status Driver::StartOrRollBack(api::NodeId n, const std::string& tag) {
  absl::Status s = cluster_.Start(n, tag);
  if (s.ok()) {
    good_tag_[n] = tag;
    return s;
  }
  auto it = good_tag_.find(n);
  if (it != good_tag_.end() && it->second != tag) {
    absl::Status back = cluster_.Start(n, it->second);
    trace_.Add(cluster_.now(), "rollback",
               absl::StrCat("n", n, " back to ", it->second, ": ", back.ToString()));
  }
  return s;
}

void Driver::ScheduleRestart(api::NodeId n, uint64_t after_us, std::string tag, int step) {
  sim_.ScheduleRestart(cluster_.now() + after_us, n, std::move(tag), step);
}

void Driver::ScheduleHeal(int pid, uint64_t after_us) {
  sim_.ScheduleHealPartition(cluster_.now() + after_us, pid);
}

// Feeds every administrative reply not seen yet to the membership checker,
// also the answers to requests no step waits for (kAddVotersAtOnce).
void Driver::ScanAdminReplies() {
  const auto& replies = cluster_.admin_replies();
  for (; admin_scanned_ < replies.size(); ++admin_scanned_) {
    const sim::AdminReply& a = replies[admin_scanned_];
    membership_->OnAdminReply(a.time_us, a.request, a.reply);
  }
}

// ---- the step machine ------------------------------------------------------

// The dispatch table: which handlers run each step kind (the contract of a
// handler: driver_internal.h).
StepHandler Driver::HandlerFor(StepKind kind) {
  switch (kind) {
    // Releases (driver_rollout.cc).
    case StepKind::kStart: return {&Driver::BeginStart};
    case StepKind::kJoin: return {&Driver::BeginJoin};
    case StepKind::kUpgrade: return {&Driver::BeginUpgrade};
    case StepKind::kCrashUpgrade: return {&Driver::BeginCrashUpgrade};
    case StepKind::kDowngrade: return {&Driver::BeginDowngrade, &Driver::PollAdmin};
    case StepKind::kAwaitDowngraded: return {&Driver::BeginAwaitDowngraded, &Driver::PollDowngraded};
    case StepKind::kObserve:
    case StepKind::kGate: return {&Driver::BeginWindow, &Driver::PollWindow};
    case StepKind::kCheck: return {&Driver::BeginCheck, &Driver::PollCheck};
    // Administrative requests and release features (driver_membership.cc).
    case StepKind::kFinalize:
    case StepKind::kAddVoter:
    case StepKind::kAddLearner:
    case StepKind::kPromote:
    case StepKind::kRemove: return {&Driver::BeginAdminRequest, &Driver::PollAdmin};
    case StepKind::kAddVoterCut: return {&Driver::BeginAddVoterCut};
    case StepKind::kAddVotersAtOnce: return {&Driver::BeginAddVotersAtOnce};
    case StepKind::kCatchUp: return {&Driver::BeginCatchUp, &Driver::PollCatchUp};
    case StepKind::kChangeConfig: return {&Driver::BeginFeatureRequest, &Driver::PollChangeConfig};
    case StepKind::kPromoteCut: return {&Driver::BeginFeatureRequest, &Driver::PollPromoteCut};
    // Leadership (driver_leadership.cc).
    case StepKind::kElect: return {&Driver::BeginElect, &Driver::PollElect};
    case StepKind::kSplitVote: return {&Driver::BeginSplitVote, &Driver::PollSplitVote};
    case StepKind::kDepose: return {&Driver::BeginDepose};
    // Faults (driver_faults.cc, driver_adversary.cc).
    case StepKind::kCrash: return {&Driver::BeginCrash};
    case StepKind::kIsolate: return {&Driver::BeginIsolate};
    case StepKind::kHalves: return {&Driver::BeginHalves};
    case StepKind::kClockJump: return {&Driver::BeginClockJump};
    case StepKind::kLag: return {&Driver::BeginLag};
    case StepKind::kRejoin: return {&Driver::BeginRejoin};
    case StepKind::kCompact: return {&Driver::BeginCompact};
    case StepKind::kPause: return {&Driver::BeginPause};
    case StepKind::kOverload: return {&Driver::BeginOverload, &Driver::PollOverload};
    case StepKind::kAdversary: return {&Driver::BeginAdversary, &Driver::PollAdversary};
  }
  return {};
}

// Step i begins: the previous step's "after" table, this one's record and
// "before" table, a trace line, then its handler.
void Driver::StartStep(size_t i) {
  current_ = i;
  if (i > 0) records_[i - 1].after = Rows();
  StepRecord& r = records_[i];
  r.number = i + 1;
  r.step = p_.steps[i];
  r.start_us = cluster_.now();
  r.before = Rows();
  trace_.Add(cluster_.now(), "step", absl::StrCat(i + 1, ". ", StepString(p_.steps[i])));
  BeginStep();
}

// A rollout step after a refusal is skipped; every other step goes to its
// kind's begin handler.
void Driver::BeginStep() {
  const Step& s = Cur();
  if (s.rollout && rollout_stopped_) {
    return Finish(StepResult::kSkipped, "the rollout stopped at an earlier refusal");
  }
  const StepHandler handler = HandlerFor(s.kind);
  if (handler.begin == nullptr) {
    return Finish(StepResult::kSkipped, "the driver has no handler for this step kind");
  }
  (this->*handler.begin)();
}

// Ends the current step (keeping a refusal a restart recorded meanwhile)
// and schedules the next one at its earliest time, or ends the steps.
void Driver::Finish(StepResult result, std::string detail) {
  StepRecord& r = Rec();
  // A restart refused later (crash_upgrade) already marked the record.
  if (r.result == StepResult::kOk) {
    r.result = result;
    r.detail = std::move(detail);
  }
  r.end_us = cluster_.now();
  waiting_ = false;
  trace_.Add(cluster_.now(), "step_done",
             absl::StrCat(r.number, ". ", StepResultName(r.result), " ", r.detail));
  size_t next = current_ + 1;
  if (next < p_.steps.size()) {
    sim_.Schedule(std::max(p_.steps[next].at_us, cluster_.now()), [this, next] { StartStep(next); });
  } else {
    steps_done_ = true;
    current_ = records_.size();
  }
}

// The current step waits until its poll handler finishes it (by
// `deadline_us` at the latest).
void Driver::Wait(uint64_t deadline_us) {
  waiting_ = true;
  deadline_ = deadline_us;
  SchedulePoll();
}

void Driver::SchedulePoll() {
  sim_.Schedule(cluster_.now() + kPollUs, [this, i = current_] {
    if (i == current_ && waiting_) Poll();
  });
}

// One look at the cluster for the waiting step: its kind's poll handler,
// again kPollUs later while it has not finished.
void Driver::Poll() {
  ScanAdminReplies();
  const StepHandler handler = HandlerFor(Cur().kind);
  if (handler.poll == nullptr) {  // a step that never waits: nothing to wait for
    return Finish(StepResult::kStalled, "the driver has no poll handler for this step kind");
  }
  if (!(this->*handler.poll)()) SchedulePoll();
}

// ---- the result --------------------------------------------------------------

RunResult Driver::Result(bool read_back_done, uint64_t heal_at) {
  RunResult r;
  sim::RunOutcome& outcome = r;
  outcome = sim_.Outcome(read_back_done);
  r.verdicts = WithoutSamplerVerdict(r.verdicts);
  r.scenario = p_.scenario;
  r.from = p_.from;
  r.to = p_.to;
  r.heal_us = heal_at;
  r.rollbacks = rollbacks_;
  r.final_rows = Rows();
  CopyStepRecords(r);
  r.config_history = sampler_->config_history();
  r.version_history = sampler_->version_history();
  r.installs = sampler_->installs();
  r.timeline = sampler_->timeline();
  r.bands = std::move(bands_);
  if (o_.trace_keep > 0) {  // like the trace lines: only runs that build an artifact
    std::optional<uint64_t> violation_us;
    if (!r.violations.empty()) violation_us = r.violations.front().time_us;
    r.op_bars = OpBarsAround(history_, violation_us.value_or(cluster_.now()), kOpBarsBeforeUs,
                             kOpBarsAfterUs, kMaxOpBars, violation_us);
  }
  FaultTelemetry(r);
  if (o_.lin_check && !sim_.stopped()) {
    r.lin = sim::CheckHistory(history_, o_.lin_max_states);
  }
  r.history = std::move(history_);  // the run is over: nothing reads it after this
  return r;
}

// The checkers' verdict lines without the sampler's (it only collects
// telemetry).
std::string Driver::WithoutSamplerVerdict(absl::string_view verdicts) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(verdicts, '\n', absl::SkipEmpty())) {
    if (line.find(Sampler::kName) == absl::string_view::npos) absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// Every step's record, numbered as in the plan: the one waiting when the run
// stopped early is interrupted, the ones never begun are "not reached".
void Driver::CopyStepRecords(RunResult& r) {
  if (waiting_ && current_ < records_.size()) {
    records_[current_].result = StepResult::kSkipped;
    records_[current_].detail = "interrupted: the run stopped early (first violation or window end)";
    records_[current_].end_us = cluster_.now();
  }
  r.steps = std::move(records_);
  for (StepRecord& s : r.steps) {
    if (s.number == 0) {  // never began (the run stopped at a violation)
      s.result = StepResult::kSkipped;
      s.detail = "not reached";
    }
  }
  for (size_t i = 0; i < r.steps.size(); ++i) {
    r.steps[i].number = i + 1;
    r.steps[i].step = p_.steps[i];
  }
  r.rollout_stopped = rollout_stopped_;
}

void Driver::FaultTelemetry(RunResult& r) {
  if (PlanHas(StepKind::kPause)) fault_telemetry_["pause max_held"] = cluster_.max_held();
  r.fault_telemetry = fault_telemetry_;
}

}  // namespace driver_internal

RunResult Execute(const ScenarioPlan& plan, const ExecOptions& options) {
  driver_internal::Driver d(plan, options);
  return d.Run();
}

}  // namespace raftlog::runner
