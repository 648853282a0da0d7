#include "matrix/runner/driver.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <queue>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "matrix/check/checker_set.h"
#include "matrix/check/replica_agreement.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/random.h"
#include "matrix/runner/adversary.h"
#include "matrix/sim/stale_reads.h"
#include "matrix/runner/gate.h"
#include "matrix/runner/membership_durability.h"
#include "matrix/runner/op_bars.h"
#include "matrix/runner/overload.h"
#include "matrix/sim/trace.h"

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

namespace {

std::string Secs(uint64_t us) { return absl::StrFormat("%.3fs", us / 1e6); }

constexpr uint64_t kPollUs = 20'000;
// The client operations a red cell's timeline draws: around the first
// violation (or the end of the run), at most this many.
constexpr uint64_t kOpBarsBeforeUs = 3'000'000, kOpBarsAfterUs = 1'000'000;
constexpr size_t kMaxOpBars = 300;
constexpr uint64_t kAdminResendUs = 1'000'000;
constexpr uint64_t kAdminRetryUs = 100'000;

bool Retryable(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

class Driver : public sim::SimulationHooks {
 public:
  Driver(const ScenarioPlan& p, const ExecOptions& o)
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
    auto membership = std::make_unique<MembershipDurability>();
    membership_ = membership.get();
    checkers_.Add(std::move(membership));
    auto sampler = std::make_unique<Sampler>();
    sampler_ = sampler.get();
    checkers_.Add(std::move(sampler));
    if (p.workload.stale_read_ppm > 0) {
      checkers_.Add(std::make_unique<sim::StaleReadChecker>(&workload_));
    }
    records_.resize(p.steps.size());
    SetUpFaultSteps();
  }

  RunResult Run() {
    std::vector<api::NodeId> initial;
    for (int i = 1; i <= p_.nodes; ++i) initial.push_back(i);
    workload_.set_nodes(initial);
    workload_.Begin(0);
    sim_.ScheduleFaults();
    uint64_t bound = p_.planned_end_us + 30'000'000;
    for (const Step& s : p_.steps) bound += s.duration_us;
    if (!p_.steps.empty()) {
      sim_.Schedule(p_.steps[0].at_us, [this] { Begin(0); });
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

 private:
  static sim::SimOptions SimOptionsFor(const ScenarioPlan& p, const ExecOptions& o) {
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

  // ---- hooks (sim::SimulationHooks) ---------------------------------------

  void AfterEvent() override {
    if (vote_.armed) VoteTrigger();
  }
  void OnAck(const check::Ack& ack) override {
    trace_.AddNumbers(ack.time_us, "ack", ack.client_id, ack.sequence);
  }
  bool Excluded(api::NodeId id) const override { return Removed(id); }
  const char* SkipFault(sim::FaultKind kind) const override {
    switch (kind) {
      case sim::FaultKind::kUpgrade: return "upgrades are scenario steps";
      case sim::FaultKind::kMembership: return "membership changes are scenario steps";
      default: return nullptr;
    }
  }
  void OnFaultBand(uint64_t duration_us, api::NodeId node, const std::string& label) override {
    Band(duration_us, node, label);
  }
  // A node a fault or a step took down comes back on its last good release
  // (or the step's); a refusal is the step's.
  bool Restart(api::NodeId node, const std::string& want, int step) override {
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
  void BeforeHeal() override {
    if (!records_.empty() && records_.back().after.empty()) records_.back().after = Rows();
    lag_.clear();
    for (api::NodeId id : cluster_.paused_ids()) ResumePaused(id);
  }

  // ---- cluster views -----------------------------------------------------

  bool Up(api::NodeId n) const { return n != 0 && cluster_.status(n) == sim::NodeStatus::kUp; }
  bool Removed(api::NodeId n) const { return removed_.count(n) > 0; }
  std::vector<api::NodeId> Members() const {
    std::vector<api::NodeId> out;
    for (api::NodeId id : cluster_.ids()) {
      if (!Removed(id)) out.push_back(id);
    }
    return out;
  }
  uint64_t MaxCommit() const {
    uint64_t m = 0;
    for (api::NodeId id : cluster_.up_ids()) {
      if (const api::ProtocolState* s = cluster_.state(id)) m = std::max(m, s->commit_index);
    }
    return m;
  }
  std::string Who(api::NodeId n) const {
    return n == 0 ? "none" : absl::StrCat("n", n, "@", cluster_.tag(n));
  }
  std::vector<NodeRow> Rows() const {
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
  void Band(uint64_t duration_us, api::NodeId node, std::string label) {
    if (bands_.size() >= Sampler::kMaxEvents) return;
    bands_.push_back(FaultBand{cluster_.now(), cluster_.now() + duration_us, node, std::move(label)});
  }
  void RefreshClients() { workload_.set_nodes(Members()); }

  // Starts `n` with `tag`; on a refusal puts it back on its last good release.
  // Returns the refusal, OK otherwise.
  absl::Status StartOrRollBack(api::NodeId n, const std::string& tag) {
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

  // ---- actions -----------------------------------------------------------

  // Isolates `node` (kAddVoterCut) for `duration_us`.
  void Cut(api::NodeId node, uint64_t duration_us) {
    if (!Up(node)) return;
    sim::Partition part = sim::Partition::Isolate(node, Members());
    Band(duration_us, node, "cut off after a change");
    trace_.Add(cluster_.now(), "cut", part.name);
    ScheduleHeal(cluster_.network().StartPartition(std::move(part)), duration_us);
  }

  api::NodeId Resolve(api::NodeId n) const {
    if (n == 0) return cluster_.Leader();
    if (cluster_.status(n) == sim::NodeStatus::kAbsent || Removed(n)) return 0;
    return n;
  }

  void ScheduleRestart(api::NodeId n, uint64_t after_us, std::string tag, int step) {
    sim_.ScheduleRestart(cluster_.now() + after_us, n, std::move(tag), step);
  }
  void ScheduleHeal(int pid, uint64_t after_us) {
    sim_.ScheduleHealPartition(cluster_.now() + after_us, pid);
  }

  // ---- steps ---------------------------------------------------------------

  StepRecord& Rec() { return records_[current_]; }
  const Step& Cur() const { return p_.steps[current_]; }

  void Begin(size_t i) {
    current_ = i;
    if (i > 0) records_[i - 1].after = Rows();
    StepRecord& r = records_[i];
    r.number = i + 1;
    r.step = p_.steps[i];
    r.start_us = cluster_.now();
    r.before = Rows();
    trace_.Add(cluster_.now(), "step", absl::StrCat(i + 1, ". ", StepString(p_.steps[i])));
    Execute();
  }

  void Finish(StepResult result, std::string detail) {
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
      sim_.Schedule(std::max(p_.steps[next].at_us, cluster_.now()), [this, next] { Begin(next); });
    } else {
      steps_done_ = true;
      current_ = records_.size();
    }
  }

  void Wait(uint64_t deadline_us) {
    waiting_ = true;
    deadline_ = deadline_us;
    SchedulePoll();
  }
  void SchedulePoll() {
    sim_.Schedule(cluster_.now() + kPollUs, [this, i = current_] {
      if (i == current_ && waiting_) Poll();
    });
  }

  void Execute() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    if (s.rollout && rollout_stopped_) {
      return Finish(StepResult::kSkipped, "the rollout stopped at an earlier refusal");
    }
    switch (s.kind) {
      case StepKind::kStart: {
        absl::Status st = cluster_.Start(s.node, s.tag);
        if (st.ok()) good_tag_[s.node] = s.tag;
        return Finish(st.ok() ? StepResult::kOk : StepResult::kRefused,
                      st.ok() ? "" : st.ToString());
      }
      case StepKind::kJoin: {
        absl::Status st = cluster_.Start(s.node, s.tag);
        if (st.ok()) good_tag_[s.node] = s.tag;
        RefreshClients();
        return Finish(st.ok() ? StepResult::kOk : StepResult::kRefused,
                      st.ok() ? "" : st.ToString());
      }
      case StepKind::kUpgrade: {
        if (Removed(s.node) || cluster_.status(s.node) == sim::NodeStatus::kAbsent) {
          return Finish(StepResult::kSkipped, "the node is not a member");
        }
        const std::string was = cluster_.tag(s.node);
        const bool was_up = Up(s.node);
        if (was_up) cluster_.Stop(s.node);
        absl::Status st = StartOrRollBack(s.node, s.tag);
        if (!st.ok()) {
          rollout_stopped_ = true;
          return Finish(StepResult::kRefused,
                        absl::StrCat("n", s.node, " refused to start as ", s.tag, " on ", was,
                                     "'s data: ", st.ToString(), "; back on ",
                                     good_tag_[s.node], ", rollout stopped"));
        }
        return Finish(StepResult::kOk, was_up ? "" : "was down; started with the new release");
      }
      case StepKind::kCrashUpgrade: {
        if (!Up(s.node)) {
          absl::Status st = StartOrRollBack(s.node, s.tag);
          if (!st.ok()) rollout_stopped_ = true;
          return Finish(st.ok() ? StepResult::kOk : StepResult::kRefused,
                        st.ok() ? "was down; started with the new release" : st.ToString());
        }
        cluster_.CrashAtNextSync(s.node, /*tear=*/true);
        Band(s.duration_us, s.node, "crash (tear), upgrade");
        ScheduleRestart(s.node, s.duration_us, s.tag, static_cast<int>(current_));
        return Finish(StepResult::kOk, absl::StrCat("restarts as ", s.tag, " at ",
                                                    Secs(now + s.duration_us)));
      }
      case StepKind::kCrash: {
        api::NodeId n = Resolve(s.node);
        if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
        if (s.tear) cluster_.CrashAtNextSync(n, /*tear=*/true); else cluster_.Crash(n, false);
        Band(s.duration_us, n, s.tear ? "crash (tear)" : "crash");
        ScheduleRestart(n, s.duration_us, "", -1);
        return Finish(StepResult::kOk, absl::StrCat("crashed ", Who(n)));
      }
      case StepKind::kIsolate: {
        api::NodeId n = Resolve(s.node);
        if (n == 0) return Finish(StepResult::kSkipped, "no leader to isolate");
        sim::Partition part = sim::Partition::Isolate(n, Members());
        Band(s.duration_us, n, part.name);
        ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.duration_us);
        return Finish(StepResult::kOk, absl::StrCat("isolated ", Who(n)));
      }
      case StepKind::kHalves: {
        std::vector<api::NodeId> all = Members();
        api::SeededRandom r(sim::DeriveSeed(p_.seed, "halves", current_));
        for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[r.Uniform(i)]);
        sim::Partition part = sim::Partition::Split(all, all.size() / 2);
        std::string name = part.name;
        Band(s.duration_us, 0, name);
        ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.duration_us);
        return Finish(StepResult::kOk, name);
      }
      case StepKind::kClockJump: {
        api::NodeId n = Resolve(s.node);
        if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
        cluster_.clock(n)->Jump(static_cast<int64_t>(s.duration_us));
        Band(0, n, absl::StrCat("clock +", Secs(s.duration_us)));
        return Finish(StepResult::kOk, absl::StrCat("jumped ", Who(n)));
      }
      case StepKind::kLag: {
        sim::Partition part = sim::Partition::Isolate(s.node, Members());
        lag_[s.node] = cluster_.network().StartPartition(std::move(part));
        lag_since_[s.node] = now;
        return Finish(StepResult::kOk, "");
      }
      case StepKind::kRejoin: {
        auto it = lag_.find(s.node);
        if (it == lag_.end()) return Finish(StepResult::kSkipped, "not lagging");
        cluster_.network().Heal(it->second);
        if (bands_.size() < Sampler::kMaxEvents) {
          bands_.push_back(FaultBand{lag_since_[s.node], now, s.node, "lagging (cut off)"});
        }
        lag_.erase(it);
        return Finish(StepResult::kOk, "");
      }
      case StepKind::kCompact: {
        api::NodeId n = Resolve(s.node);
        if (!Up(n)) return Finish(StepResult::kSkipped, "node not up (or no leader)");
        api::Request r;
        r.op = api::Op::kCompact;
        cluster_.SubmitAdmin(r, n);
        const api::ProtocolState* st = cluster_.state(n);
        return Finish(StepResult::kOk,
                      absl::StrCat("on ", Who(n), st ? absl::StrCat(", snapshot at ",
                                                                    st->snapshot_index)
                                                     : ""));
      }
      case StepKind::kElect:
        elect_ = ElectState();
        return Wait(now + s.duration_us);
      case StepKind::kFinalize:
      case StepKind::kAddVoter:
      case StepKind::kAddLearner:
      case StepKind::kPromote:
      case StepKind::kRemove: {
        admin_ = AdminState();
        admin_.request.op = s.kind == StepKind::kFinalize     ? api::Op::kFinalize
                            : s.kind == StepKind::kAddVoter   ? api::Op::kAddVoter
                            : s.kind == StepKind::kAddLearner ? api::Op::kAddLearner
                            : s.kind == StepKind::kPromote    ? api::Op::kPromoteLearner
                                                              : api::Op::kRemoveVoter;
        admin_.request.target = s.node;
        admin_.seen = cluster_.admin_replies().size();
        return Wait(now + s.duration_us);
      }
      case StepKind::kCheck:
        baseline_ = MaxCommit();
        StartProbe();
        return Wait(now + s.duration_us);
      case StepKind::kSplitVote: {
        if (!Up(s.node) || !Up(s.peer)) {
          return Finish(StepResult::kSkipped, "a candidate is not up");
        }
        vote_ = VoteState();
        vote_.armed = true;
        vote_.a = s.node;
        vote_.b = s.peer;
        for (api::NodeId id : cluster_.up_ids()) {
          if (const api::ProtocolState* st = cluster_.state(id)) vote_.term = std::max(vote_.term, st->term);
        }
        const int64_t jump = static_cast<int64_t>(2 * p_.election_ticks * p_.tick_interval_us);
        cluster_.clock(s.node)->Jump(jump);
        cluster_.clock(s.peer)->Jump(jump);
        return Wait(now + s.duration_us);
      }
      case StepKind::kAddVoterCut: {
        api::NodeId l = cluster_.Leader();
        if (l == 0) return Finish(StepResult::kSkipped, "no leader");
        api::Request r;
        r.op = api::Op::kAddVoter;
        r.target = s.node;
        cluster_.SubmitAdmin(r, l);
        sim_.Schedule(now + s.delay_us, [this, l, d = s.duration_us] { Cut(l, d); });
        return Finish(StepResult::kOk, absl::StrCat("asked ", Who(l), "; it is cut off at ",
                                                    Secs(now + s.delay_us)));
      }
      case StepKind::kDowngrade: {
        const api::ReleaseInfo* older = o_.find_release(s.tag);
        if (older == nullptr) {
          return Finish(StepResult::kRefused, absl::StrCat("release ", s.tag, " is not registered"));
        }
        downgrade_index_ = 0;
        const uint32_t cv = MaxClusterVersion();
        if (cv <= older->max_protocol) {
          return Finish(StepResult::kOk, absl::StrCat("cluster version ", cv, " is what ", s.tag,
                                                      " speaks already: nothing to lower"));
        }
        admin_ = AdminState();
        admin_.request.op = api::Op::kDowngrade;
        admin_.request.version = older->max_protocol;
        admin_.seen = cluster_.admin_replies().size();
        return Wait(now + s.duration_us);
      }
      case StepKind::kAwaitDowngraded:
        return Wait(now + s.duration_us);
      case StepKind::kObserve:
      case StepKind::kGate:
        window_start_ = Sample();
        return Wait(now + s.duration_us);
      case StepKind::kAddVotersAtOnce: {
        api::NodeId l = cluster_.Leader();
        if (l == 0) return Finish(StepResult::kSkipped, "no leader");
        for (api::NodeId target : {s.node, s.peer}) {
          api::Request r;
          r.op = api::Op::kAddVoter;
          r.target = target;
          cluster_.SubmitAdmin(r, l);
        }
        return Finish(StepResult::kOk, absl::StrCat("asked ", Who(l), " to add n", s.node,
                                                    " and n", s.peer, " in one instant"));
      }
      case StepKind::kAdversary: return BeginAdversary();
      case StepKind::kPause: return BeginPause();
      case StepKind::kOverload: return BeginOverload();
      case StepKind::kCatchUp: {
        api::NodeId l = cluster_.Leader();
        const api::ProtocolState* ls = l ? cluster_.state(l) : nullptr;
        if (s.optional && ls != nullptr) {
          const api::Config& c = ls->config;
          auto has = [&](const std::vector<api::NodeId>& v) {
            return std::find(v.begin(), v.end(), s.node) != v.end();
          };
          if (!has(c.voters) && !has(c.learners)) {
            return Finish(StepResult::kSkipped, absl::StrCat("n", s.node, " is not a member of ",
                                                             api::ConfigString(c)));
          }
        }
        baseline_ = ls ? ls->commit_index : MaxCommit();
        installs_before_ = cluster_.ReleaseCounters()[api::kCounterSnapshotsInstalled];
        NoteSnapshotNeed(s.node);
        return Wait(now + s.duration_us);
      }
      case StepKind::kChangeConfig:
      case StepKind::kPromoteCut:
        return BeginFeatureRequest();
      case StepKind::kDepose:
        return Depose();
    }
  }

  // Feeds every administrative reply not seen yet to the membership checker,
  // also the answers to requests no step waits for (kAddVotersAtOnce).
  void ScanAdminReplies() {
    const auto& replies = cluster_.admin_replies();
    for (; admin_scanned_ < replies.size(); ++admin_scanned_) {
      const sim::AdminReply& a = replies[admin_scanned_];
      membership_->OnAdminReply(a.time_us, a.request, a.reply);
    }
  }

  void Poll() {
    ScanAdminReplies();
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    bool done = false;
    switch (s.kind) {
      case StepKind::kElect: done = PollElect(); break;
      case StepKind::kSplitVote:
        if (vote_.fired) {
          Finish(StepResult::kOk, vote_.detail);
          done = true;
        } else if (now >= deadline_) {
          vote_.armed = false;
          Finish(StepResult::kNotAchieved, "no other node voted for a candidate in time");
          done = true;
        }
        break;
      case StepKind::kCheck: {
        uint64_t c = MaxCommit();
        if (c > baseline_) {
          const ProbeStatus probe = CrossReleaseProbe();
          if (probe == ProbeStatus::kWorking) break;
          if (probe == ProbeStatus::kFinished) {
            done = true;
            break;
          }
        }
        if (c > baseline_) {
          api::NodeId l = cluster_.Leader();
          const api::ProtocolState* ls = l ? cluster_.state(l) : nullptr;
          Finish(StepResult::kOk,
                 absl::StrCat("commit ", baseline_, " -> ", c, " in ", Secs(now - Rec().start_us),
                              "; leader ", Who(l), ls ? absl::StrCat(" term ", ls->term) : "",
                              probe_.detail));
          done = true;
        } else if (now >= deadline_) {
          Finish(StepResult::kStalled, absl::StrCat("nothing committed in ", Secs(now - Rec().start_us),
                                                    " (commit stays at ", c, ")"));
          done = true;
        }
        break;
      }
      case StepKind::kCatchUp: {
        const api::ProtocolState* st = Up(s.node) ? cluster_.state(s.node) : nullptr;
        if (st != nullptr && st->applied_index >= baseline_) {
          uint64_t installs = cluster_.ReleaseCounters()[api::kCounterSnapshotsInstalled] -
                              installs_before_;
          if (SnapshotNeedUnmet(*st, installs)) {  // finished as a wrong outcome
            done = true;
            break;
          }
          Finish(StepResult::kOk,
                 absl::StrCat(Who(s.node), " applied ", st->applied_index, " >= ", baseline_, " in ",
                              Secs(now - Rec().start_us), "; snapshots installed meanwhile: ",
                              installs));
          done = true;
        } else if (now >= deadline_) {
          Finish(StepResult::kStalled,
                 absl::StrCat(Who(s.node), " applied ", st ? st->applied_index : 0, " < ",
                              baseline_, " after ", Secs(now - Rec().start_us)));
          done = true;
        }
        break;
      }
      case StepKind::kAwaitDowngraded: done = PollDowngraded(); break;
      case StepKind::kAdversary: done = PollAdversary(); break;
      case StepKind::kOverload: done = PollOverload(); break;
      case StepKind::kChangeConfig: done = PollChangeConfig(); break;
      case StepKind::kPromoteCut: done = PollPromoteCut(); break;
      case StepKind::kObserve:
      case StepKind::kGate:
        if (now >= deadline_) {
          FinishWindow();
          done = true;
        }
        break;
      default: done = PollAdmin(); break;
    }
    if (!done) SchedulePoll();
  }

  CounterSample Sample() const {
    CounterSample c;
    c.time_us = cluster_.now();
    const std::map<std::string, uint64_t> counters = cluster_.ReleaseCounters();
    auto it = counters.find(api::kCounterLeaderChanges);
    c.leader_changes = it == counters.end() ? 0 : it->second;
    for (const auto& [key, n] : cluster_.decode_errors()) c.decode_errors += n;
    c.commit_index = MaxCommit();
    return c;
  }

  // The end of an observation window. The gate rolls back at once (every
  // node not on `tag` restarts on it, the rollout stops) when the window's
  // signals degraded against the baseline; what follows the rollback is
  // checked like every other step.
  void FinishWindow() {
    const Step& s = Cur();
    const WindowSignals w = Measure(history_, window_start_, Sample());
    if (s.kind == StepKind::kObserve) {
      gate_baseline_ = w;
      have_baseline_ = true;
      return Finish(StepResult::kOk, "baseline: " + w.ToString());
    }
    if (!have_baseline_) return Finish(StepResult::kSkipped, "no baseline window was measured");
    const GateDecision d = Judge(gate_baseline_, w);
    if (!d.rollback) {
      return Finish(StepResult::kOk, absl::StrCat("healthy: ", w.ToString(), " (baseline ",
                                                  gate_baseline_.ToString(), ")"));
    }
    rollout_stopped_ = true;
    std::vector<std::string> moved;
    for (api::NodeId id : Members()) {
      if (cluster_.status(id) == sim::NodeStatus::kAbsent || cluster_.tag(id) == s.tag) continue;
      const std::string was = cluster_.tag(id);
      if (Up(id)) cluster_.Stop(id);
      absl::Status st = StartOrRollBack(id, s.tag);
      std::string m = absl::StrCat("n", id, " ", was, "->", s.tag);
      if (!st.ok()) absl::StrAppend(&m, " (refused: ", st.ToString(), ")");
      moved.push_back(std::move(m));
    }
    const std::string why = absl::StrCat("rollback triggered by: ", d.Summary());
    rollbacks_.push_back(absl::StrCat("@", Secs(cluster_.now()), " ", absl::StrJoin(moved, ", "),
                                      "; ", why));
    trace_.Add(cluster_.now(), "rollback", rollbacks_.back());
    Finish(StepResult::kRefused, absl::StrCat(why, "; rolled back ", absl::StrJoin(moved, ", "),
                                              "; window: ", w.ToString()));
  }

  uint32_t MaxClusterVersion() const {
    uint32_t cv = 0;
    for (api::NodeId id : Members()) {
      if (!Up(id)) continue;
      if (const api::ProtocolState* st = cluster_.state(id)) cv = std::max(cv, st->cluster_version);
    }
    return cv;
  }

  // Done when every member is up and its data is what the older release
  // reads: cluster version at most its max protocol, the snapshot in a format
  // it reads and covering the downgrade entry (so no log entry of the newer
  // cluster version is left for it to replay). A member that never gets
  // there is a stalled procedure: the operator must not roll back yet.
  bool PollDowngraded() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    const api::ReleaseInfo* older = o_.find_release(s.tag);
    if (older == nullptr) {
      Finish(StepResult::kRefused, absl::StrCat("release ", s.tag, " is not registered"));
      return true;
    }
    std::vector<std::string> pending;
    for (api::NodeId id : Members()) {
      const api::ProtocolState* st = Up(id) ? cluster_.state(id) : nullptr;
      if (st == nullptr) {
        pending.push_back(absl::StrCat(Who(id), " down"));
        continue;
      }
      const auto& formats = older->snapshot_formats_read;
      const bool format_ok =
          st->snapshot_format == 0 ||
          std::find(formats.begin(), formats.end(), st->snapshot_format) != formats.end();
      const bool covered = downgrade_index_ == 0 || st->snapshot_index >= downgrade_index_;
      if (st->cluster_version > older->max_protocol || !format_ok || !covered) {
        pending.push_back(absl::StrCat(Who(id), " cv ", st->cluster_version, " format ",
                                       st->snapshot_format, " snapshot ", st->snapshot_index));
      }
    }
    if (pending.empty()) {
      Finish(StepResult::kOk, absl::StrCat("every member readable by ", s.tag, " after ",
                                           Secs(now - Rec().start_us)));
      return true;
    }
    if (now >= deadline_) {
      Finish(StepResult::kStalled, absl::StrCat("after ", Secs(now - Rec().start_us),
                                                " not yet readable by ", s.tag, ": ",
                                                absl::StrJoin(pending, ", ")));
      return true;
    }
    return false;
  }

  struct VoteState {
    bool armed = false;
    bool fired = false;
    api::NodeId a = 0, b = 0;
    uint64_t term = 0;  // highest term before the campaign
    std::string detail;
  };

  // After every event while a split vote is armed: the first node other than
  // the candidates that voted for one of them in a newer term crashes at once
  // and restarts in the same instant (so still in that term).
  void VoteTrigger() {
    for (api::NodeId id : cluster_.up_ids()) {
      if (id == vote_.a || id == vote_.b) continue;
      const api::ProtocolState* st = cluster_.state(id);
      if (st == nullptr || st->term <= vote_.term || (st->vote != vote_.a && st->vote != vote_.b)) {
        continue;
      }
      const uint64_t term = st->term;
      const api::NodeId voted = st->vote;
      vote_.armed = false;
      vote_.fired = true;
      cluster_.Crash(id, /*tear=*/true);
      Band(0, id, "crash right after voting");
      absl::Status s = StartOrRollBack(id, good_tag_[id]);
      vote_.detail = absl::StrCat(Who(id), " voted for n", voted, " in term ", term,
                                  ", crashed and restarted at once: ", s.ok() ? "up" : s.ToString());
      return;
    }
  }

  struct ElectState {
    int rounds = 0;
    int pid = -1;
    uint64_t round_end = 0;
    uint64_t next_round = 0;
  };

  // Makes the step's node the leader: isolates the current leader and jumps
  // the node's clock so that it times out first; a few rounds at most.
  bool PollElect() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    auto heal = [this] {
      if (elect_.pid >= 0) cluster_.network().Heal(elect_.pid);
      elect_.pid = -1;
    };
    api::NodeId l = cluster_.Leader();
    if (l == s.node) {
      heal();
      const api::ProtocolState* st = cluster_.state(l);
      Finish(StepResult::kOk, absl::StrCat(Who(l), " leads (term ", st ? st->term : 0, ") after ",
                                           elect_.rounds, " round(s)"));
      return true;
    }
    if (now >= deadline_ || Removed(s.node)) {
      heal();
      Finish(StepResult::kNotAchieved,
             absl::StrCat("leader is ", Who(l), " after ", elect_.rounds, " round(s)"));
      return true;
    }
    if (elect_.pid >= 0 && now >= elect_.round_end) {
      heal();
      elect_.next_round = now + 300'000;
    }
    if (elect_.pid < 0 && now >= elect_.next_round && Up(s.node)) {
      ++elect_.rounds;
      // Odd rounds only make the node time out first (a disruptive election:
      // enough without pre-vote); even rounds also cut the leader off (needs
      // a majority without it).
      if (l != 0 && elect_.rounds % 2 == 0) {
        elect_.pid = cluster_.network().StartPartition(sim::Partition::Isolate(l, Members()));
        Band(1'000'000, l, "isolated (elect)");
      }
      cluster_.clock(s.node)->Jump(
          static_cast<int64_t>(2 * p_.election_ticks * p_.tick_interval_us));
      elect_.round_end = now + (elect_.pid >= 0 ? 1'000'000 : 500'000);
      elect_.next_round = elect_.round_end;
    }
    if (elect_.pid < 0 && elect_.rounds > 0 && now >= elect_.round_end) {
      elect_.next_round = std::max(elect_.next_round, now + 200'000);
    }
    return false;
  }

  struct AdminState {
    api::Request request;
    size_t seen = 0;         // admin replies already looked at
    bool in_flight = false;
    uint64_t sent_us = 0;
    uint64_t next_try_us = 0;
    int attempts = 0;
    std::string last;        // last answer that was not a success
    std::string refusal;     // last refusal by a leader (kFailedPrecondition ...)
  };

  bool PollAdmin() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    const auto& replies = cluster_.admin_replies();
    for (; admin_.seen < replies.size(); ++admin_.seen) {
      const sim::AdminReply& a = replies[admin_.seen];
      if (a.request.op != admin_.request.op || a.request.target != admin_.request.target) continue;
      const absl::Status& st = a.reply.status;
      const std::string by = Who(a.node);
      if (st.ok()) {
        std::string detail = absl::StrCat("done by ", by, " at index ", a.reply.index,
                                          " after ", admin_.attempts, " attempt(s)");
        if (s.kind == StepKind::kRemove) {
          api::NodeId gone = admin_.request.target;
          cluster_.Stop(gone);
          removed_.insert(gone);
          RefreshClients();
          absl::StrAppend(&detail, "; n", gone, " stopped");
        }
        if (s.kind == StepKind::kDowngrade) downgrade_index_ = a.reply.index;
        Finish(StepResult::kOk, detail);
        return true;
      }
      if (st.code() == absl::StatusCode::kUnimplemented && s.kind == StepKind::kDowngrade) {
        // The procedure is the only way back: a release without it refuses.
        Finish(StepResult::kRefused, absl::StrCat("refused by ", by, ": ", st.ToString()));
        return true;
      }
      if (st.code() == absl::StatusCode::kUnimplemented) {
        Finish(StepResult::kNotSupported,
               absl::StrCat("not supported by ", p_.from, "/", p_.to, " (", by, ": ",
                            st.message(), ")"));
        return true;
      }
      const api::ProtocolState* ps = cluster_.state(a.node);
      const bool from_leader = ps != nullptr && ps->role == api::Role::kLeader;
      if (s.optional && from_leader && st.code() == absl::StatusCode::kFailedPrecondition) {
        Finish(StepResult::kNotSupported,
               absl::StrCat("not available here (", by, ": ", st.message(), ")"));
        return true;
      }
      if (st.code() == absl::StatusCode::kInvalidArgument) {
        Finish(StepResult::kRefused, absl::StrCat("refused by ", by, ": ", st.ToString()));
        return true;
      }
      // Everything else is retried until the deadline, as an operator would:
      // not the leader, busy, a change not committed yet, or a precondition
      // that may still come true (a member that has not reported its
      // versions yet after a restart).
      admin_.in_flight = false;
      admin_.next_try_us = now + kAdminRetryUs;
      admin_.last = absl::StrCat(by, ": ", st.ToString());
      if (from_leader && !Retryable(st)) admin_.refusal = admin_.last;
    }
    if (now >= deadline_) {
      if (!admin_.refusal.empty()) {
        Finish(StepResult::kRefused, absl::StrCat("still refused after ", admin_.attempts,
                                                  " attempt(s); last refusal by ", admin_.refusal));
      } else {
        Finish(StepResult::kStalled, absl::StrCat("no answer after ", admin_.attempts,
                                                  " attempt(s)", admin_.last.empty() ? "" : "; last: ",
                                                  admin_.last));
      }
      return true;
    }
    if (admin_.in_flight && now - admin_.sent_us >= kAdminResendUs) admin_.in_flight = false;
    if (!admin_.in_flight && now >= admin_.next_try_us) {
      api::NodeId l = cluster_.Leader();
      if (s.kind == StepKind::kRemove && s.node == 0 && admin_.request.target == 0 && l != 0) {
        admin_.request.target = l;  // "remove the leader": whoever leads when it is sent
        Rec().detail = absl::StrCat("target n", l);
      }
      const bool ready = l != 0 && (admin_.request.target != 0 || s.kind == StepKind::kFinalize ||
                                    s.kind == StepKind::kDowngrade);
      if (ready) {
        if (admin_.request.op == api::Op::kRemoveVoter) {
          membership_->OnRemovalAsked(admin_.request.target);
        }
        cluster_.SubmitAdmin(admin_.request, l);
        admin_.in_flight = true;
        admin_.sent_us = now;
        ++admin_.attempts;
      } else {
        admin_.next_try_us = now + kAdminRetryUs;
      }
    }
    return false;
  }



  // ---- kCheck after an upgrade: a write seen across releases ---------------

  // A kCheck right after an upgrade step (or a crash-upgrade) in a cluster
  // with both releases up writes a fresh key through the leader, waits until
  // a node of the release left and one of the release arrived have applied
  // it, and reads it back through the leader (below cluster version 3 only
  // the leader answers a Get): the written value must be what it reads.
  struct ProbeState {
    bool applies = false;
    int phase = 0;               // 0: put, 1: both applied, 2: get, 3: done
    std::string key, value;
    api::NodeId old_node = 0, new_node = 0;
    uint64_t index = 0;
    size_t seen = 0;
    uint64_t sent_us = 0;
    bool in_flight = false;
    std::string detail;
  };
  enum class ProbeStatus { kPassed, kWorking, kFinished };

  void StartProbe() {
    probe_ = ProbeState();
    if (current_ == 0) return;
    const Step& prev = p_.steps[current_ - 1];
    if ((prev.kind != StepKind::kUpgrade && prev.kind != StepKind::kCrashUpgrade) ||
        records_[current_ - 1].result != StepResult::kOk || prev.from_tag == prev.tag) {
      return;
    }
    const api::NodeId l = cluster_.Leader();
    const api::ProtocolState* ls = l ? cluster_.state(l) : nullptr;
    if (ls == nullptr) return;
    for (api::NodeId id : Members()) {
      // Members of the configuration only (a joined node may never have been added).
      const api::Config& c = ls->config;
      if (!Up(id) || (std::find(c.voters.begin(), c.voters.end(), id) == c.voters.end() &&
                      std::find(c.learners.begin(), c.learners.end(), id) == c.learners.end())) {
        continue;
      }
      if (cluster_.tag(id) == prev.from_tag && probe_.old_node == 0) probe_.old_node = id;
      if (cluster_.tag(id) == prev.tag && probe_.new_node == 0) probe_.new_node = id;
    }
    if (probe_.old_node == 0 || probe_.new_node == 0) return;
    probe_.applies = true;
    probe_.key = absl::StrCat("probe", current_ + 1);
    probe_.value = absl::StrCat("step", current_ + 1, "@", cluster_.now());
    probe_.seen = cluster_.admin_replies().size();
  }

  // Sends the probe's put or get to the leader (again after a second).
  void SendProbe(api::Op op) {
    const uint64_t now = cluster_.now();
    if (probe_.in_flight && now - probe_.sent_us < kAdminResendUs) return;
    const api::NodeId l = cluster_.Leader();
    if (l == 0) return;
    api::Request r;
    r.op = op;
    r.key = probe_.key;
    if (op == api::Op::kPut) r.value = probe_.value;
    cluster_.SubmitAdmin(r, l);
    probe_.in_flight = true;
    probe_.sent_us = now;
  }

  ProbeStatus CrossReleaseProbe() {
    if (!probe_.applies || probe_.phase == 3) return ProbeStatus::kPassed;
    const uint64_t now = cluster_.now();
    const auto& replies = cluster_.admin_replies();
    for (; probe_.seen < replies.size(); ++probe_.seen) {
      const sim::AdminReply& a = replies[probe_.seen];
      if (a.request.key != probe_.key) continue;
      if (!a.reply.status.ok()) {
        probe_.in_flight = false;  // not the leader, busy: ask again
        continue;
      }
      if (a.request.op == api::Op::kPut && probe_.phase == 0) {
        probe_.index = a.reply.index;
        probe_.phase = 1;
        probe_.in_flight = false;
      } else if (a.request.op == api::Op::kGet && probe_.phase == 2) {
        if (!a.reply.found || a.reply.value != probe_.value) {
          Finish(StepResult::kWrongOutcome,
                 absl::StrCat("wrote ", probe_.key, "='", probe_.value, "' at index ", probe_.index,
                              "; once ", Who(probe_.old_node), " and ", Who(probe_.new_node),
                              " applied it, ", Who(a.node), " read ",
                              a.reply.found ? absl::StrCat("'", a.reply.value, "'") : "absent"));
          return ProbeStatus::kFinished;
        }
        probe_.phase = 3;
        probe_.detail = absl::StrCat("; ", probe_.key, " written at ", probe_.index,
                                     ", applied by ", Who(probe_.old_node), " and ",
                                     Who(probe_.new_node), ", read back by ", Who(a.node));
        return ProbeStatus::kPassed;
      }
    }
    if (probe_.phase == 1) {
      const api::ProtocolState* o = Up(probe_.old_node) ? cluster_.state(probe_.old_node) : nullptr;
      const api::ProtocolState* n = Up(probe_.new_node) ? cluster_.state(probe_.new_node) : nullptr;
      if (o == nullptr || n == nullptr) {  // one went down meanwhile: nothing to compare
        probe_.phase = 3;
        probe_.detail = "; cross-release read skipped (a node went down)";
        return ProbeStatus::kPassed;
      }
      if (o->applied_index >= probe_.index && n->applied_index >= probe_.index) probe_.phase = 2;
    }
    if (now >= deadline_) {
      Finish(StepResult::kStalled,
             absl::StrCat("cross-release read of ", probe_.key, " not done in ",
                          Secs(now - Rec().start_us), " (phase ", probe_.phase, ": ",
                          probe_.phase == 0 ? "write unanswered" : probe_.phase == 1
                              ? "not applied by both releases" : "read unanswered", ")"));
      return ProbeStatus::kFinished;
    }
    if (probe_.phase == 0) SendProbe(api::Op::kPut);
    if (probe_.phase == 2) SendProbe(api::Op::kGet);
    return ProbeStatus::kWorking;
  }

  // ---- release features: joint consensus, learner promotion, catch-up by snapshot ----

  struct FeatureState {
    api::Request request;
    size_t seen = 0;                   // admin replies already looked at
    bool resolved = false;             // kChangeConfig: the target set is fixed
    std::vector<api::NodeId> old_voters;
    bool in_flight = false;
    uint64_t sent_us = 0, first_sent_us = 0, next_try_us = 0;
    int attempts = 0;
    int behind_refusals = 0;           // kPromoteCut: kUnavailable while the learner is behind
    bool accepted = false;
    std::string accepted_detail;
    bool disturbed = false;            // the crash or partition of a kChangeConfig happened
    std::string promoted_behind;       // kPromoteCut: the leader promoted a learner behind
    std::string last;
  };

  void BeginFeatureRequest() {
    const Step& s = Cur();
    feature_ = FeatureState();
    feature_.seen = cluster_.admin_replies().size();
    feature_.request.op =
        s.kind == StepKind::kChangeConfig ? api::Op::kChangeConfig : api::Op::kPromoteLearner;
    feature_.request.target = s.kind == StepKind::kPromoteCut ? s.node : 0;
    Wait(cluster_.now() + s.duration_us);
  }

  // The voters the step asks for, computed once from the leader's voters
  // when the step names a node to drop (0: the leader) and one to add.
  void ResolveVoters(api::NodeId leader) {
    const Step& s = Cur();
    const api::ProtocolState* ls = cluster_.state(leader);
    feature_.old_voters = ls ? ls->config.voters : std::vector<api::NodeId>{};
    std::vector<api::NodeId> v = s.voters;
    if (v.empty()) {
      const api::NodeId drop = s.node == 0 ? leader : s.node;
      for (api::NodeId id : feature_.old_voters) {
        if (id != drop) v.push_back(id);
      }
      if (s.peer != 0 && std::find(v.begin(), v.end(), s.peer) == v.end()) v.push_back(s.peer);
      std::sort(v.begin(), v.end());
    }
    feature_.request.new_voters = v;
    feature_.resolved = true;
  }

  // Sends the step's request to the leader (resends an unanswered one);
  // false while there is no leader.
  bool SendFeatureRequest() {
    const uint64_t now = cluster_.now();
    if (feature_.in_flight && now - feature_.sent_us >= kAdminResendUs) feature_.in_flight = false;
    if (feature_.in_flight || now < feature_.next_try_us) return false;
    const api::NodeId l = cluster_.Leader();
    if (l == 0) {
      feature_.next_try_us = now + kAdminRetryUs;
      return false;
    }
    if (Cur().kind == StepKind::kChangeConfig && !feature_.resolved) ResolveVoters(l);
    for (api::NodeId id : feature_.old_voters) {
      const auto& nv = feature_.request.new_voters;
      if (std::find(nv.begin(), nv.end(), id) == nv.end()) membership_->OnRemovalAsked(id);
    }
    const api::ProtocolState* ls = cluster_.state(l);
    const api::ProtocolState* ts =
        feature_.request.target && Up(feature_.request.target) ? cluster_.state(feature_.request.target)
                                                               : nullptr;
    // Behind: the learner lacks committed entries when the leader gets the request.
    const bool behind = ls != nullptr && ts != nullptr && ts->last_index < ls->commit_index;
    const std::string behind_by =
        behind ? absl::StrCat("last ", ts->last_index, " < commit ", ls->commit_index) : "";
    cluster_.SubmitAdmin(feature_.request, l);
    if (behind && Cur().kind == StepKind::kPromoteCut) {
      // Configuration changes take effect on append: visible at once.
      const api::ProtocolState* after = cluster_.state(l);
      const auto& v = after ? after->config.voters : std::vector<api::NodeId>{};
      if (std::find(v.begin(), v.end(), feature_.request.target) != v.end()) {
        feature_.promoted_behind = absl::StrCat(Who(l), " promoted n", feature_.request.target,
                                                " while it was cut off and behind (", behind_by, ")");
      }
    }
    feature_.in_flight = true;
    feature_.sent_us = now;
    if (feature_.attempts++ == 0) feature_.first_sent_us = now;
    if (Cur().kind == StepKind::kChangeConfig) DisturbJointChange(l);
    return true;
  }

  // Right after the first request that entered the log (the leader's
  // configuration is joint: ENTER_JOINT is effective on append), crash the
  // leader or cut the old set's majority off, as the step asks.
  void DisturbJointChange(api::NodeId leader) {
    const Step& s = Cur();
    if (feature_.disturbed || s.expect_refusal || (!s.crash_after && !s.isolate_after)) return;
    const api::ProtocolState* ls = cluster_.state(leader);
    if (ls == nullptr || ls->config.voters_outgoing.empty()) return;  // not joint: refused
    feature_.disturbed = true;
    if (s.crash_after) {
      cluster_.Crash(leader, /*tear=*/false);
      Band(s.delay_us, leader, "crash while joint");
      ScheduleRestart(leader, s.delay_us, "", -1);
      Rec().detail = absl::StrCat(Who(leader), " crashed while joint");
      return;
    }
    // A majority of the old set without the leader, the voters leaving
    // first, cut off before ENTER_JOINT reaches them: they still hold C_old
    // and may elect and commit among themselves, so the leader (with the
    // new set's majority) must commit nothing until the cut heals. A release
    // that commits on the new set's majority alone diverges here.
    const std::vector<api::NodeId>& old_set = ls->config.voters_outgoing;
    const std::vector<api::NodeId>& new_set = ls->config.voters;
    auto in = [](const std::vector<api::NodeId>& v, api::NodeId id) {
      return std::find(v.begin(), v.end(), id) != v.end();
    };
    std::vector<api::NodeId> order;
    for (int pass = 0; pass < 2; ++pass) {
      for (api::NodeId id : old_set) {
        if (id != leader && in(new_set, id) == (pass == 1)) order.push_back(id);
      }
    }
    const size_t majority = old_set.size() / 2 + 1;
    order.resize(std::min(order.size(), majority));
    const size_t cut = order.size();
    for (api::NodeId id : Members()) {
      if (!in(order, id)) order.push_back(id);
    }
    sim::Partition part = sim::Partition::Split(order, cut);
    Band(s.delay_us, 0, absl::StrCat("old majority cut off while joint: ", part.name));
    trace_.Add(cluster_.now(), "cut", part.name);
    Rec().detail = absl::StrCat("cut ", part.name, " while joint");
    ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.delay_us);
  }

  // The leader's definite answer to the step's request, if one arrived:
  // kOk (accepted), kNotSupported (a clean "no": not implemented, or gated
  // by the cluster version), kRefused (malformed), or nullopt (retry later).
  std::optional<StepResult> FeatureReply(std::string* detail) {
    const auto& replies = cluster_.admin_replies();
    std::optional<StepResult> out;
    for (; feature_.seen < replies.size() && !out; ++feature_.seen) {
      const sim::AdminReply& a = replies[feature_.seen];
      if (a.request.op != feature_.request.op || a.request.target != feature_.request.target) {
        continue;
      }
      const absl::Status& st = a.reply.status;
      const std::string by = Who(a.node);
      const api::ProtocolState* ps = cluster_.state(a.node);
      const bool from_leader = ps != nullptr && ps->role == api::Role::kLeader;
      if (st.ok()) {
        *detail = absl::StrCat("accepted by ", by, " at index ", a.reply.index, " after ",
                               feature_.attempts, " attempt(s)");
        out = StepResult::kOk;
      } else if (st.code() == absl::StatusCode::kUnimplemented ||
                 (from_leader && st.code() == absl::StatusCode::kFailedPrecondition)) {
        *detail = absl::StrCat(by, ": ", st.ToString());
        out = StepResult::kNotSupported;
      } else if (st.code() == absl::StatusCode::kInvalidArgument) {
        *detail = absl::StrCat("refused by ", by, ": ", st.ToString());
        out = StepResult::kRefused;
      } else {
        if (st.code() == absl::StatusCode::kUnavailable) ++feature_.behind_refusals;
        feature_.in_flight = false;
        feature_.next_try_us = cluster_.now() + kAdminRetryUs;
        feature_.last = absl::StrCat(by, ": ", st.ToString());
      }
    }
    return out;
  }

  // A definite answer that is not an acceptance: expected where the step
  // says so or is optional (a clean refusal, not red), else a refusal.
  void FinishNotAccepted(StepResult r, const std::string& detail) {
    const Step& s = Cur();
    if (r == StepResult::kNotSupported && (s.expect_refusal || s.optional)) {
      return Finish(StepResult::kNotSupported,
                    absl::StrCat(s.expect_refusal ? "refused as expected (gated): "
                                                  : "not available here: ",
                                 detail));
    }
    Finish(StepResult::kRefused, absl::StrCat("refused: ", detail));
  }

  bool PollChangeConfig() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    if (!feature_.accepted) {
      std::string detail;
      std::optional<StepResult> r = FeatureReply(&detail);
      if (r == StepResult::kOk && s.expect_refusal) {
        Finish(StepResult::kWrongOutcome,
               absl::StrCat("a change gated off here was ", detail, " (the gate leaked)"));
        return true;
      }
      if (r == StepResult::kOk) {
        feature_.accepted = true;
        feature_.accepted_detail = detail;
      } else if (r.has_value()) {
        FinishNotAccepted(*r, detail);
        return true;
      }
    }
    if (feature_.accepted) {
      std::vector<std::string> pending = ConfigPending(feature_.request.new_voters);
      if (pending.empty()) {
        std::string dropped = StopDroppedVoters(feature_.request.new_voters);
        Finish(StepResult::kOk,
               absl::StrCat(feature_.accepted_detail, "; every live member reports voters {",
                            absl::StrJoin(feature_.request.new_voters, ","), "} after ",
                            Secs(now - Rec().start_us), dropped));
        return true;
      }
      if (now >= deadline_) {
        Finish(StepResult::kStalled,
               absl::StrCat(feature_.accepted_detail, "; after ", Secs(now - Rec().start_us),
                            " not every member reports voters {",
                            absl::StrJoin(feature_.request.new_voters, ","),
                            "}: ", absl::StrJoin(pending, ", ")));
        return true;
      }
      return false;
    }
    if (now >= deadline_) {
      Finish(StepResult::kStalled,
             absl::StrCat("no definite answer after ", feature_.attempts, " attempt(s)",
                          feature_.last.empty() ? "" : "; last: ", feature_.last));
      return true;
    }
    SendFeatureRequest();
    return false;
  }

  // Live members (up, in the requested voters or a learner of the leader's
  // configuration) that do not report exactly `voters` without an outgoing set.
  std::vector<std::string> ConfigPending(const std::vector<api::NodeId>& voters) {
    std::vector<api::NodeId> members = voters;
    const api::NodeId l = cluster_.Leader();
    if (const api::ProtocolState* ls = l ? cluster_.state(l) : nullptr) {
      members.insert(members.end(), ls->config.learners.begin(), ls->config.learners.end());
    }
    std::vector<std::string> pending;
    for (api::NodeId id : members) {
      const api::ProtocolState* st = Up(id) && !Removed(id) ? cluster_.state(id) : nullptr;
      if (st == nullptr) continue;  // down: not live
      if (st->config.voters != voters || !st->config.voters_outgoing.empty()) {
        pending.push_back(absl::StrCat(Who(id), " ", api::ConfigString(st->config)));
      }
    }
    if (l == 0) pending.push_back("no leader");
    return pending;
  }

  // The old voters a completed change dropped leave: stopped and removed,
  // as kRemove does.
  std::string StopDroppedVoters(const std::vector<api::NodeId>& voters) {
    std::vector<std::string> gone;
    for (api::NodeId id : feature_.old_voters) {
      if (std::find(voters.begin(), voters.end(), id) != voters.end() || Removed(id)) continue;
      if (cluster_.status(id) != sim::NodeStatus::kAbsent) cluster_.Stop(id);
      removed_.insert(id);
      gone.push_back(absl::StrCat("n", id));
    }
    if (gone.empty()) return "";
    RefreshClients();
    return absl::StrCat("; ", absl::StrJoin(gone, ","), " dropped and stopped");
  }

  // Heals the kLag of `n`, if any (as kRejoin does).
  void HealLag(api::NodeId n) {
    auto it = lag_.find(n);
    if (it == lag_.end()) return;
    cluster_.network().Heal(it->second);
    if (bands_.size() < Sampler::kMaxEvents) {
      bands_.push_back(FaultBand{lag_since_[n], cluster_.now(), n, "lagging (cut off)"});
    }
    lag_.erase(it);
  }

  // A learner cut off (kLag) and behind must not be promoted (v2's rule,
  // kept by v3: a voter that holds less than the commit index); the step
  // heals the cut `delay_us` after the first request, and the promotion must
  // then succeed.
  bool PollPromoteCut() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    const bool cut = lag_.count(s.node) > 0;
    if (!feature_.promoted_behind.empty()) {
      HealLag(s.node);
      Finish(StepResult::kWrongOutcome, feature_.promoted_behind);
      return true;
    }
    std::string detail;
    std::optional<StepResult> r = FeatureReply(&detail);
    if (r == StepResult::kOk && !cut) {
      Finish(StepResult::kOk, absl::StrCat(detail, "; refused ", feature_.behind_refusals,
                                           " time(s) while behind"));
      return true;
    }
    if (r.has_value() && r != StepResult::kOk) {
      HealLag(s.node);
      FinishNotAccepted(*r, detail);
      return true;
    }
    // (An acceptance while cut off but caught up is legitimate: it waits for the heal.)
    if (r == StepResult::kOk) feature_.accepted = true;
    if (cut && feature_.attempts > 0 && now >= feature_.first_sent_us + s.delay_us) {
      HealLag(s.node);
      trace_.Add(now, "rejoin", absl::StrCat("n", s.node, " healed during its promotion"));
    }
    if (feature_.accepted && !cut) {
      Finish(StepResult::kOk, "accepted while cut off and caught up");
      return true;
    }
    if (now >= deadline_) {
      HealLag(s.node);
      Finish(StepResult::kStalled,
             absl::StrCat("not promoted after ", feature_.attempts, " attempt(s)",
                          feature_.last.empty() ? "" : "; last: ", feature_.last));
      return true;
    }
    if (!feature_.accepted) SendFeatureRequest();
    return false;
  }

  // kDepose: the leader cut off with a slow clock, so that its timers
  // (check-quorum, elections) fire late and it keeps believing it leads
  // after the majority side elected a new leader and committed.
  void Depose() {
    const Step& s = Cur();
    const api::NodeId n = Resolve(s.node);
    if (!Up(n)) return Finish(StepResult::kSkipped, "no leader to depose");
    sim::Partition part = sim::Partition::Isolate(n, Members());
    Band(s.duration_us, n, absl::StrCat("deposed (slow clock): ", part.name));
    ScheduleHeal(cluster_.network().StartPartition(std::move(part)), s.duration_us);
    const int64_t drift = cluster_.clock(n)->drift_ppm();
    cluster_.clock(n)->SetDrift(-500'000);
    // The others' clocks jump past an election timeout: the majority side
    // elects at once, while the deposed leader's own timers run late.
    for (api::NodeId id : Members()) {
      if (id != n && Up(id)) {
        cluster_.clock(id)->Jump(static_cast<int64_t>(2 * p_.election_ticks * p_.tick_interval_us));
      }
    }
    sim_.Schedule(cluster_.now() + s.duration_us, [this, n, drift] {
      if (sim::SimClock* c = cluster_.clock(n)) c->SetDrift(drift);
    });
    const api::ProtocolState* st = cluster_.state(n);
    DeposeWatch watch;
    watch.step = current_;
    watch.node = n;
    watch.term = st ? st->term : 0;
    watch.until_us = cluster_.now() + s.duration_us;
    sim_.Schedule(cluster_.now() + kPollUs, [this, watch] { WatchDeposed(watch); });
    Finish(StepResult::kOk, absl::StrCat("deposed ", Who(n), ", its clock at half rate"));
  }

  // While deposed: once another node leads a newer term and has committed
  // in it while the deposed node still believes it leads, a linearizable
  // Get goes to the deposed node. Answering it successfully is a wrong
  // outcome (it cannot know it still leads: thesis 6.4); refusing it or not
  // answering is right.
  struct DeposeWatch {
    size_t step = 0;
    api::NodeId node = 0;
    uint64_t term = 0;       // the deposed leader's term
    uint64_t until_us = 0;   // the heal
    bool asked = false;
    size_t seen = 0;         // admin replies before the read
    std::string why;         // who led meanwhile
  };
  void WatchDeposed(DeposeWatch w) {
    const uint64_t now = cluster_.now();
    const api::ProtocolState* st = Up(w.node) ? cluster_.state(w.node) : nullptr;
    if (!w.asked && st != nullptr && st->role == api::Role::kLeader && st->term == w.term) {
      for (api::NodeId id : cluster_.up_ids()) {
        const api::ProtocolState* o = cluster_.state(id);
        if (id == w.node || o == nullptr || o->role != api::Role::kLeader || o->term <= w.term) continue;
        const std::optional<api::EntryId> e = cluster_.node(id)->EntryAt(o->commit_index);
        if (!e.has_value() || e->term != o->term) continue;  // not committed in its term yet
        w.why = absl::StrCat(Who(id), " leads term ", o->term, " and committed ", o->commit_index);
        w.seen = cluster_.admin_replies().size();
        api::Request r;
        r.op = api::Op::kGet;
        r.key = sim::KeyName(0);
        cluster_.SubmitAdmin(r, w.node);
        w.asked = true;
        break;
      }
    }
    if (w.asked) {
      const auto& replies = cluster_.admin_replies();
      for (; w.seen < replies.size(); ++w.seen) {
        const sim::AdminReply& a = replies[w.seen];
        if (a.node != w.node || a.request.op != api::Op::kGet || !a.reply.status.ok()) continue;
        StepRecord& rec = records_[w.step];
        rec.result = StepResult::kWrongOutcome;
        rec.detail = absl::StrCat("deposed ", Who(w.node), " (term ", w.term,
                                  ") answered a linearizable read while ", w.why);
        return;
      }
    }
    if (now >= w.until_us) {
      if (w.asked) {
        absl::StrAppend(&records_[w.step].detail, "; a read sent to it while ", w.why,
                        " got no successful answer");
      }
      return;
    }
    sim_.Schedule(now + kPollUs, [this, w] { WatchDeposed(w); });
  }

  // kCatchUp: a node whose next entry every other member up has compacted
  // away can only catch up by a snapshot install.
  void NoteSnapshotNeed(api::NodeId n) {
    needs_snapshot_ = false;
    const api::ProtocolState* st = Up(n) ? cluster_.state(n) : nullptr;
    if (st == nullptr) return;
    snapshot_before_ = st->snapshot_index;
    bool any_other = false;
    for (api::NodeId id : Members()) {
      if (id == n || !Up(id)) continue;
      const api::ProtocolState* o = cluster_.state(id);
      if (o == nullptr) continue;
      any_other = true;
      if (o->first_index <= st->last_index + 1) return;  // this one can send the entries
    }
    needs_snapshot_ = any_other;
  }
  // True (and the step finished as a wrong outcome) when the node caught up
  // over a compacted gap although neither its snapshot moved nor any install
  // was counted.
  bool SnapshotNeedUnmet(const api::ProtocolState& st, uint64_t installs) {
    if (!needs_snapshot_ || st.snapshot_index > snapshot_before_ || installs > 0) return false;
    Finish(StepResult::kWrongOutcome,
           absl::StrCat(Who(st.id), " applied ", st.applied_index, " over a compacted gap, yet its "
                        "snapshot stayed at ", snapshot_before_, " and no install was counted"));
    return true;
  }

  RunResult Result(bool read_back_done, uint64_t heal_at) {
    RunResult r;
    r.scenario = p_.scenario;
    r.from = p_.from;
    r.to = p_.to;
    r.seed = p_.seed;
    r.digest = trace_.digest();
    r.trace_events = trace_.events();
    r.sim_time_us = cluster_.now();
    r.heal_us = heal_at;
    r.loop_steps = sim_.steps();
    r.cluster = cluster_.stats();
    r.network = cluster_.network().stats();
    r.release_counters = cluster_.ReleaseCounters();
    r.release_counters_by_tag = cluster_.ReleaseCountersByTag();
    r.decode_errors = cluster_.decode_errors();
    r.refusals = cluster_.refusals();
    r.cohorts = workload_.cohorts();
    r.ops_completed = workload_.completed();
    r.acked_writes = workload_.acked_writes();
    r.faults_fired = sim_.faults_fired();
    r.faults_skipped = sim_.faults_skipped();
    r.rollbacks = rollbacks_;
    r.safety_violations = checkers_.safety_violations();
    r.liveness_violations = checkers_.liveness_violations();
    r.violations = checkers_.Violations();
    for (absl::string_view line : absl::StrSplit(checkers_.Verdicts(), '\n', absl::SkipEmpty())) {
      if (line.find(Sampler::kName) == absl::string_view::npos) absl::StrAppend(&r.verdicts, line, "\n");
    }
    r.read_back_done = read_back_done;
    r.trace_tail = trace_.Tail(o_.trace_keep);
    r.final_rows = Rows();
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
    r.hit_step_bound = sim_.hit_step_bound();
    FaultTelemetry(r);
    if (o_.lin_check && !sim_.stopped()) {
      r.lin = sim::CheckHistory(history_, o_.lin_max_states);
    }
    return r;
  }

  const ScenarioPlan& p_;
  const ExecOptions& o_;
  const sim::SimOptions so_;
  sim::Simulation sim_;  // the run loop, background faults and heal
  sim::Trace& trace_;
  check::CheckerSet& checkers_;
  lin::History& history_;
  sim::Cluster& cluster_;
  sim::Workload& workload_;
  Sampler* sampler_ = nullptr;
  uint64_t downgrade_index_ = 0;  // index of the accepted downgrade request (0: none)
  MembershipDurability* membership_ = nullptr;  // owned by checkers_
  size_t admin_scanned_ = 0;
  CounterSample window_start_;    // kObserve, kGate: the counters at the window's start
  WindowSignals gate_baseline_;
  bool have_baseline_ = false;
  std::vector<std::string> rollbacks_;  // "@t n2 v2->v1; rollback triggered by: ..."
  std::map<api::NodeId, std::string> good_tag_;
  std::set<api::NodeId> removed_;
  std::map<api::NodeId, int> lag_;
  std::map<api::NodeId, uint64_t> lag_since_;
  std::vector<FaultBand> bands_;
  // The step machine.
  std::vector<StepRecord> records_;
  size_t current_ = 0;
  bool steps_done_ = false;
  bool waiting_ = false;
  uint64_t deadline_ = 0;
  uint64_t baseline_ = 0;
  uint64_t installs_before_ = 0;
  bool rollout_stopped_ = false;
  ElectState elect_;
  AdminState admin_;
  VoteState vote_;

  // ---- adversary, pause and overload steps (kept together) ----------------

  static constexpr size_t kCaptureKeep = 512;     // latest messages kept
  static constexpr size_t kEarlierAppendsKeep = 64;
  static constexpr size_t kCandidates = 16;       // latest messages to a target to pick from
  static constexpr int kAdversaryRounds = 3;      // rounds of altered messages per step
  // Recent AppendEntries replayed to every target this often, the latest
  // few with entries each time: duplicates and reorderings of the moment
  // (a follower whose commit index has not passed them yet).
  static constexpr uint64_t kReplayEveryUs = 100'000;
  static constexpr size_t kReplaysPerRound = 3;

  struct Captured {
    uint64_t time_us = 0;
    api::NodeId from = 0, to = 0;
    std::string type, bytes;
  };

  bool PlanHas(StepKind kind) const {
    return std::any_of(p_.steps.begin(), p_.steps.end(),
                       [kind](const Step& s) { return s.kind == kind; });
  }

  // Only plans with an adversary capture traffic and get its checker.
  void SetUpFaultSteps() {
    if (!PlanHas(StepKind::kAdversary)) return;
    auto adversary = std::make_unique<AdversaryChecker>();
    adversary_ = adversary.get();
    checkers_.Add(std::move(adversary));
    cluster_.set_send_observer([this](uint64_t t, api::NodeId from, const api::Outbound& m) {
      captured_.push_back(Captured{t, from, m.to, m.type, m.bytes});
      if (captured_.size() > kCaptureKeep) captured_.pop_front();
    });
  }

  void Tally(const std::string& key, uint64_t n = 1) {
    fault_telemetry_[key] += n;
    step_tally_[key] += n;
  }
  std::string StepTally() const {
    std::vector<std::string> parts;
    for (const auto& [k, n] : step_tally_) parts.push_back(absl::StrCat(k, "=", n));
    return parts.empty() ? "nothing injected" : absl::StrJoin(parts, ", ");
  }

  void BeginAdversary() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    step_tally_.clear();
    // AppendEntries captured before this step: replayed (reordered-old) after
    // the receivers got newer ones. Earlier steps' ones stay, oldest first out.
    for (const Captured& c : captured_) {
      if (c.type == "AppendEntries" && IsAppendWithEntries(c.bytes)) earlier_appends_.push_back(c);
    }
    if (earlier_appends_.size() > kEarlierAppendsKeep) {
      earlier_appends_.erase(earlier_appends_.begin(),
                             earlier_appends_.end() - kEarlierAppendsKeep);
    }
    const size_t step = current_;
    for (int k = 0; k < kAdversaryRounds; ++k) {
      sim_.Schedule(now + (k + 1) * s.duration_us / (kAdversaryRounds + 1), [this, step, k] {
        if (current_ == step && waiting_) AdversaryRound(k);
      });
    }
    for (uint64_t t = kReplayEveryUs; t < s.duration_us; t += kReplayEveryUs) {
      sim_.Schedule(now + t, [this, step] {
        if (current_ == step && waiting_) ReplayRound();
      });
    }
    Wait(now + s.duration_us);
  }

  bool PollAdversary() {
    if (cluster_.now() < deadline_) return false;
    Finish(StepResult::kOk, StepTally());
    return true;
  }

  std::vector<api::NodeId> AdversaryTargets() const {
    const Step& s = Cur();
    std::vector<api::NodeId> targets;
    for (api::NodeId id : Members()) {
      if (Up(id) && !cluster_.paused(id) && (s.node == 0 || id == s.node)) targets.push_back(id);
    }
    return targets;
  }

  void AdversaryRound(int round) {
    const std::vector<api::NodeId> targets = AdversaryTargets();
    if (targets.empty()) return Tally("adversary no target up");
    api::SeededRandom r(sim::DeriveSeed(p_.seed, "adversary", (current_ << 8) | round));
    const api::NodeId t = targets[r.Uniform(targets.size())];
    InjectAltered(t, r);
    InjectOldReplay(t, r);
  }

  // The latest AppendEntries with entries to each target again, oldest last.
  void ReplayRound() {
    for (api::NodeId t : AdversaryTargets()) {
      std::vector<Captured> recent;
      for (auto it = captured_.rbegin(); it != captured_.rend() && recent.size() < kReplaysPerRound;
           ++it) {
        if (it->to == t && it->type == "AppendEntries" && IsAppendWithEntries(it->bytes)) {
          recent.push_back(*it);
        }
      }
      for (const Captured& c : recent) InjectOne(t, c.from, Injection::kReplay, c.bytes, c.type);
    }
  }

  // A captured message to `t` (not a snapshot), altered every way, as its
  // sender and as a non-member.
  void InjectAltered(api::NodeId t, api::SeededRandom& r) {
    std::vector<const Captured*> pick;
    for (auto it = captured_.rbegin(); it != captured_.rend() && pick.size() < kCandidates; ++it) {
      if (it->to == t && it->from != t && it->type.find("Snapshot") == std::string::npos) {
        pick.push_back(&*it);
      }
    }
    if (pick.empty()) return Tally("adversary no message to alter");
    const Captured c = *pick[r.Uniform(pick.size())];
    for (Injection kind : {Injection::kForged, Injection::kStripped, Injection::kOlderClaim}) {
      for (api::NodeId sender : {c.from, kNonMemberId}) {
        const api::ProtocolState* st = Up(t) ? cluster_.state(t) : nullptr;
        if (st == nullptr || cluster_.paused(t)) return;
        absl::StatusOr<std::string> bytes = Alter(c.bytes, kind, sender, st->term + 1);
        if (!bytes.ok()) {
          Tally("adversary unalterable");
          continue;
        }
        InjectOne(t, sender, kind, *bytes, c.type);
      }
    }
  }

  // An AppendEntries captured before the step, long after it was sent.
  void InjectOldReplay(api::NodeId t, api::SeededRandom& r) {
    std::vector<const Captured*> old;
    for (const Captured& c : earlier_appends_) {
      if (c.to == t) old.push_back(&c);
    }
    if (old.empty()) return;
    const Captured c = *old[r.Uniform(old.size())];
    InjectOne(t, c.from, Injection::kReplayOld, c.bytes, c.type);
  }

  static uint64_t AuthFailures(const api::Node& node) {
    const std::map<std::string, uint64_t> c = node.Counters();
    auto it = c.find(api::kCounterAuthFailures);
    return it == c.end() ? 0 : it->second;
  }

  // Hands `bytes` to `t` as from `sender`; an altered message at a receiver
  // on cluster version 3 must be refused, counted and change nothing.
  void InjectOne(api::NodeId t, api::NodeId sender, Injection kind, const std::string& bytes,
                 const std::string& type) {
    api::Node* node = cluster_.node(t);
    if (node == nullptr || cluster_.paused(t)) return;
    const Observed before = Observe(*node);
    const uint64_t auth_before = AuthFailures(*node);
    absl::Status st =
        cluster_.Inject(t, sender, bytes, absl::StrCat(InjectionName(kind), " ", type));
    node = cluster_.node(t);
    if (node == nullptr) return;
    const Observed after = Observe(*node);
    const bool judged = Altered(kind) && before.state.cluster_version >= 3;
    const std::string who = sender == kNonMemberId ? "non_member" : "member";
    Tally(absl::StrCat("adversary ", Altered(kind) ? (judged ? "cv3 " : "below_cv3 ") : "",
                       InjectionName(kind), " ", who, " ", st.ok() ? "accepted" : "refused"));
    if (!judged) return;
    std::vector<std::string> broken;
    if (st.ok()) broken.push_back("Deliver returned OK");
    if (AuthFailures(*node) <= auth_before) broken.push_back("auth_failures did not rise");
    const std::string diff = Difference(before, after);
    if (!diff.empty()) broken.push_back("state changed: " + diff);
    if (broken.empty()) return;
    adversary_->Accepted(
        cluster_.now(),
        absl::StrCat(InjectionName(kind), " ", type, " as ", who, " n", sender, " into ", Who(t),
                     " at cluster version ", before.state.cluster_version, ": ",
                     absl::StrJoin(broken, "; ")));
  }

  void BeginPause() {
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

  void ResumePaused(api::NodeId n) {
    if (!cluster_.paused(n)) return;  // it crashed or stopped meanwhile
    const size_t handed = cluster_.Resume(n);
    fault_telemetry_["pause inputs handed late"] += handed;
    trace_.Add(cluster_.now(), "resumed", absl::StrCat(Who(n), " handed ", handed, " held input(s)"));
  }

  struct OverloadState {
    int phase = 0;  // 0 baseline, 1 storm, 2 recovery
    CounterSample start;
    uint64_t phase_end = 0;
    uint64_t storm_end = 0;
    OverloadFigures f;
    api::NodeId slow = 0, noisy = 0;
    sim::DiskFaults disk_before;
    int64_t drift_before = 0;
    uint64_t overloaded_before = 0;
    sim::CohortStats clients_before;
  };

  sim::CohortStats ClientTotals() const {
    sim::CohortStats t;
    for (const auto& [cohort, c] : workload_.cohorts()) {
      t.timeouts += c.timeouts;
      t.retries += c.retries;
      t.not_leader += c.not_leader;
      t.overloaded += c.overloaded;
    }
    return t;
  }
  uint64_t OverloadedReplies() const {
    const std::map<std::string, uint64_t> c = cluster_.ReleaseCounters();
    auto it = c.find(api::kCounterOverloaded);
    return it == c.end() ? 0 : it->second;
  }

  void BeginOverload() {
    const Step& s = Cur();
    const uint64_t now = cluster_.now();
    overload_ = OverloadState();
    overload_.start = Sample();
    overload_.phase_end = now + s.delay_us;
    overload_.f.max_inflight_requests = p_.max_inflight_requests;
    Wait(now + s.delay_us + s.duration_us + kRecoveryBoundUs + 2 * kRecoveryWindowUs);
  }

  void StartStorm() {
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

  void EndStorm() {
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

  // Baseline, storm, then recovery windows until one recovers or the bound.
  bool PollOverload() {
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
    return true;
  }

  void FaultTelemetry(RunResult& r) {
    if (PlanHas(StepKind::kPause)) fault_telemetry_["pause max_held"] = cluster_.max_held();
    r.fault_telemetry = fault_telemetry_;
  }

  AdversaryChecker* adversary_ = nullptr;  // owned by checkers_; null without kAdversary
  std::deque<Captured> captured_;
  std::vector<Captured> earlier_appends_;
  std::map<std::string, uint64_t> fault_telemetry_;  // RunResult::fault_telemetry
  std::map<std::string, uint64_t> step_tally_;       // the current step's share of it
  OverloadState overload_;
  FeatureState feature_;          // kChangeConfig, kPromoteCut
  ProbeState probe_;              // kCheck: the cross-release write and read
  bool needs_snapshot_ = false;   // kCatchUp: only a snapshot can close the node's gap
  uint64_t snapshot_before_ = 0;  // kCatchUp: the node's snapshot index at the start
};

}  // namespace

RunResult Execute(const ScenarioPlan& plan, const ExecOptions& options) {
  Driver d(plan, options);
  return d.Run();
}

}  // namespace raftlog::runner
