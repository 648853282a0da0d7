#include "matrix/sim/simulation.h"

#include <algorithm>
#include <queue>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matrix/sim/random.h"

namespace raftlog::sim {
namespace {

std::string Seconds(uint64_t us) { return absl::StrFormat("%.3fs", us / 1e6); }

}  // namespace

Simulation::Simulation(const SimOptions& o, const Plan& plan, SimulationHooks* hooks)
    : o_(o),
      plan_(plan),
      hooks_(hooks),
      trace_(o.trace_keep),
      checkers_(o.checks),
      cluster_(o.seed, o.cluster, &trace_, o.checks_enabled ? &checkers_ : nullptr),
      workload_(DeriveSeed(o.seed, "workload"), o.workload, plan.ops, &history_) {
  cluster_.set_reply_fn([this](uint64_t t, api::NodeId from, const api::Reply& r,
                               std::optional<api::EntryId> entry) {
    workload_.OnReply(t, from, r, entry);
  });
  cluster_.set_admin_fn([this](const AdminReply& ar) { OnAdminReply(ar); });
  workload_.set_ack_fn([this](const check::Ack& ack) {
    if (o_.checks_enabled) checkers_.OnAck(ack);
    if (hooks_ != nullptr) hooks_->OnAck(ack);
  });
  if (o.trace_clients) workload_.set_trace(&trace_);
  storm_ = o.cluster.network.defaults;
  storm_.drop = std::max<Ppm>(storm_.drop, ToPpm(0.2));
  storm_.duplicate = std::max<Ppm>(storm_.duplicate, ToPpm(0.1));
  storm_.reorder = std::max<Ppm>(storm_.reorder, ToPpm(0.3));
}

void Simulation::OnAdminReply(const AdminReply& ar) {
  // Membership faults re-add the voters they removed, unless membership is
  // the caller's business (its own admin requests are its own).
  if (hooks_ != nullptr && hooks_->SkipFault(FaultKind::kMembership) != nullptr) return;
  // A re-add refused (another change in flight, not the leader any more):
  // try again a little later, boundedly.
  if (ar.request.op != api::Op::kAddVoter || ar.reply.status.ok()) return;
  if (++readd_failures_[ar.request.target] > 20) return;
  removed_.insert(ar.request.target);
  Push(NewAction(cluster_.now() + 250'000, ActionKind::kAddBack, ar.request.target));
}

SimResult Simulation::Run() {
  cluster_.StartAll();
  for (api::NodeId id : cluster_.ids()) {
    if (cluster_.status(id) == NodeStatus::kUp) good_tag_[id] = cluster_.tag(id);
    initial_drift_[id] = cluster_.clock(id)->drift_ppm();
  }
  workload_.set_nodes(cluster_.ids());
  workload_.Begin(0);
  ScheduleFaults();
  const uint64_t heal_at = o_.duration_us;
  RunUntil(heal_at);
  if (!stopped_) Heal();
  const uint64_t live_end = heal_at + o_.liveness_us;
  if (!stopped_) RunUntil(live_end);
  if (!stopped_) {
    workload_.StopIssuing();
    RunUntil(cluster_.now() + o_.drain_us, [this] { return workload_.Idle(); });
  }
  bool read_back_done = false;
  if (!stopped_ && o_.read_back) {
    workload_.StartReadBack(cluster_.now());
    RunUntil(cluster_.now() + o_.drain_us, [this] { return workload_.ReadBackDone(); });
    read_back_done = workload_.ReadBackDone();
  }
  if (o_.checks_enabled) checkers_.Finish(cluster_.now());
  SimResult r = Result(read_back_done);
  if (o_.lin_check) r.lin = o_.lin_check(r.history);
  return r;
}

void Simulation::ScheduleFaults() {
  for (size_t i = 0; i < plan_.faults.size(); ++i) {
    Action a = NewAction(plan_.faults[i].time_us, ActionKind::kFault);
    a.index = i;
    Push(std::move(a));
  }
}

Simulation::Action Simulation::NewAction(uint64_t time_us, ActionKind kind, api::NodeId node) {
  Action a;
  a.time_us = time_us;
  a.kind = kind;
  a.node = node;
  return a;
}

void Simulation::Push(Action a) {
  a.seq = next_seq_++;
  actions_.push(std::move(a));
}

void Simulation::Schedule(uint64_t time_us, std::function<void()> fn) {
  Action a = NewAction(time_us, ActionKind::kCall);
  a.fn = std::move(fn);
  Push(std::move(a));
}

void Simulation::ScheduleRestart(uint64_t time_us, api::NodeId node, std::string tag, int step) {
  Action a = NewAction(time_us, ActionKind::kRestart, node);
  a.tag = std::move(tag);
  a.step = step;
  Push(std::move(a));
}

void Simulation::ScheduleHealPartition(uint64_t time_us, int id) {
  Action a = NewAction(time_us, ActionKind::kHealPartition);
  a.amount = id;
  Push(std::move(a));
}

bool Simulation::StepOnce(uint64_t end) {
  if (stopped_) return false;
  if (steps_ >= o_.max_steps) {
    hit_step_bound_ = true;
    if (o_.stop_at_step_bound) stopped_ = true;
    return false;
  }
  uint64_t ta = NextAction(), tc = cluster_.NextTime(), tw = workload_.NextTime();
  uint64_t t = std::min({ta, tc, tw});
  if (t > end) return false;
  cluster_.AdvanceTo(std::max(t, cluster_.now()));
  ++steps_;
  // Fixed order on ties: scheduled actions, then the cluster, then clients.
  if (ta <= cluster_.now()) {
    // The top is moved out before pop(): pop() only compares time and seq.
    Action a = std::move(const_cast<Action&>(actions_.top()));
    actions_.pop();
    Do(a);
  } else if (tc <= cluster_.now()) {
    cluster_.StepOne();
  } else {
    auto sub = workload_.Step(cluster_.now());
    if (sub && !cluster_.Submit(sub->node, sub->request)) {
      trace_.AddNumbers(cluster_.now(), "lost_request", sub->node, sub->request.client_id);
    }
  }
  if (hooks_ != nullptr) hooks_->AfterEvent();
  if (o_.checks_enabled) {
    checkers_.OnTime(cluster_.now());
    if (!window_taken_ && checkers_.safety_violations() > 0) {
      // The failure artifact: the trace around the first violation and
      // every node's state right after it.
      window_taken_ = true;
      violation_window_ = trace_.Tail(o_.trace_keep);
      violation_table_ = cluster_.StateTable();
      if (o_.stop_at_violation) {
        stopped_ = true;
        return false;
      }
    }
  }
  if (cluster_.now() >= o_.stop_after_us) {
    stopped_ = true;
    return false;
  }
  if (o_.progress && cluster_.now() >= next_progress_) Progress();
  return true;
}

void Simulation::Progress() {
  next_progress_ = cluster_.now() + o_.progress_every_us;
  api::NodeId leader = cluster_.Leader();
  const api::ProtocolState* s = leader ? cluster_.state(leader) : nullptr;
  o_.progress(absl::StrCat("t=", Seconds(cluster_.now()), " steps=", steps_,
                           " delivered=", cluster_.stats().delivered, " leader=",
                           leader ? absl::StrCat("n", leader) : "none",
                           s ? absl::StrCat(" term=", s->term, " commit=", s->commit_index) : "",
                           " up=", cluster_.up_ids().size(), " ops_done=",
                           workload_.completed(), " violations=",
                           checkers_.safety_violations()));
}

api::NodeId Simulation::Resolve(api::NodeId n) const {
  if (n == 0) return cluster_.Leader();
  if (cluster_.status(n) == NodeStatus::kAbsent) return 0;
  if (hooks_ != nullptr && hooks_->Excluded(n)) return 0;
  return n;
}

void Simulation::Skip(const Fault& f, absl::string_view why) {
  ++faults_skipped_;
  trace_.Add(cluster_.now(), "fault_skipped", absl::StrCat(FaultString(f), ": ", why));
}

void Simulation::Band(uint64_t duration_us, api::NodeId node, const std::string& label) {
  if (hooks_ != nullptr) hooks_->OnFaultBand(duration_us, node, label);
}

void Simulation::Do(Action& a) {
  const uint64_t now = cluster_.now();
  switch (a.kind) {
    case ActionKind::kFault:
      Fire(plan_.faults[a.index]);
      return;
    case ActionKind::kCall:
      a.fn();
      return;
    case ActionKind::kRestart: {
      cluster_.FireArmedCrash(a.node);
      if (hooks_ != nullptr && hooks_->Restart(a.node, a.tag, a.step)) return;
      if (cluster_.status(a.node) == NodeStatus::kUp) return;
      std::string tag = a.tag.empty() ? cluster_.tag(a.node) : a.tag;
      if (cluster_.Start(a.node, tag).ok()) good_tag_[a.node] = tag;
      return;
    }
    case ActionKind::kHealPartition:
      cluster_.network().Heal(static_cast<int>(a.amount));
      trace_.AddNumbers(now, "heal_partition", static_cast<uint64_t>(a.amount));
      return;
    case ActionKind::kRestoreDrift:
      if (SimClock* c = cluster_.clock(a.node)) c->SetDrift(a.amount);
      if (o_.trace_fault_ends) trace_.AddNumbers(now, "drift_restored", a.node);
      return;
    case ActionKind::kRestoreDisk:
      if (--slow_disks_[a.node] == 0) {
        if (SimDisk* d = cluster_.disk(a.node)) d->set_faults(o_.cluster.disk);
        if (o_.trace_fault_ends) trace_.AddNumbers(now, "disk_restored", a.node);
      }
      return;
    case ActionKind::kEndStorm:
      if (--storms_ == 0) {
        cluster_.network().SetDefaults(o_.cluster.network.defaults);
        if (o_.trace_fault_ends) trace_.AddNumbers(now, "storm_end", 0);
      }
      return;
    case ActionKind::kAddBack: {
      api::Request r;
      r.op = api::Op::kAddVoter;
      r.target = a.node;
      if (cluster_.SubmitAdmin(r)) {
        removed_.erase(a.node);
        return;
      }
      trace_.AddNumbers(now, "admin_no_leader", a.node);
      if (a.amount < 20) {  // retry while there is no leader, boundedly
        Action again = a;
        again.time_us = now + 250'000;
        again.amount = a.amount + 1;
        Push(std::move(again));
      }
      return;
    }
  }
}

void Simulation::Fire(const Fault& f) {
  const uint64_t now = cluster_.now();
  const bool cluster_wide =
      f.kind == FaultKind::kStorm || (f.kind == FaultKind::kPartition && f.shape == Shape::kHalves);
  api::NodeId n = cluster_wide ? 0 : Resolve(f.node);
  if (!cluster_wide && n == 0) return Skip(f, "no such node (no leader)");
  ++faults_fired_;
  trace_.Add(now, "fault", absl::StrCat(FaultString(f), n ? absl::StrCat(" -> n", n) : ""));
  if (hooks_ != nullptr) {
    if (const char* why = hooks_->SkipFault(f.kind)) return Skip(f, why);
  }
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kStop: {
      if (cluster_.status(n) != NodeStatus::kUp) return Skip(f, "node not up");
      // A torn crash happens inside the node's next input that syncs: only
      // there can a crash find an unsynced append to tear.
      if (f.kind == FaultKind::kStop) {
        cluster_.Stop(n);
      } else if (f.tear) {
        cluster_.CrashAtNextSync(n, /*tear=*/true);
      } else {
        cluster_.Crash(n, /*tear=*/false);
      }
      Band(f.duration_us, n, absl::StrCat(FaultKindName(f.kind), f.tear ? " (tear)" : ""));
      ScheduleRestart(now + f.duration_us, n, f.tag);
      return;
    }
    case FaultKind::kUpgrade: {
      cluster_.Stop(n);
      std::string tag = f.tag.empty() ? cluster_.tag(n) : f.tag;
      if (cluster_.Start(n, tag).ok()) good_tag_[n] = tag;
      return;
    }
    case FaultKind::kPartition: {
      std::vector<api::NodeId> all;
      for (api::NodeId id : cluster_.ids()) {
        if (hooks_ == nullptr || !hooks_->Excluded(id)) all.push_back(id);
      }
      Partition p;
      switch (f.shape) {
        case Shape::kIsolate: p = Partition::Isolate(n, all); break;
        case Shape::kOneWayOut: p = Partition::OneWay({n}, all); break;
        case Shape::kOneWayIn: p = Partition::OneWay(all, {n}); break;
        case Shape::kHalves: {
          api::SeededRandom r(static_cast<uint64_t>(f.amount));
          for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[r.Uniform(i)]);
          p = Partition::Split(all, all.size() / 2);
          break;
        }
      }
      Band(f.duration_us, n, p.name);
      trace_.Add(now, "partition", p.name);
      ScheduleHealPartition(now + f.duration_us, cluster_.network().StartPartition(std::move(p)));
      return;
    }
    case FaultKind::kClockJump:
      cluster_.clock(n)->Jump(f.amount);
      Band(0, n, absl::StrCat("clock +", Seconds(f.amount)));
      return;
    case FaultKind::kClockDrift: {
      Action a = NewAction(now + f.duration_us, ActionKind::kRestoreDrift, n);
      a.amount = cluster_.clock(n)->drift_ppm();
      cluster_.clock(n)->SetDrift(f.amount);
      Band(f.duration_us, n, absl::StrCat("drift ", f.amount, "ppm"));
      Push(std::move(a));
      return;
    }
    case FaultKind::kSlowDisk: {
      DiskFaults slow = o_.cluster.disk;
      slow.slow_sync = kMillion;
      cluster_.disk(n)->set_faults(slow);
      ++slow_disks_[n];
      Band(f.duration_us, n, "slow disk");
      Push(NewAction(now + f.duration_us, ActionKind::kRestoreDisk, n));
      return;
    }
    case FaultKind::kStorm: {
      cluster_.network().SetDefaults(storm_);
      ++storms_;
      Band(f.duration_us, 0, "network storm");
      Push(NewAction(now + f.duration_us, ActionKind::kEndStorm));
      return;
    }
    case FaultKind::kMembership: {
      api::Request r;
      r.op = api::Op::kRemoveVoter;
      r.target = n;
      if (!cluster_.SubmitAdmin(r)) return Skip(f, "no leader for the admin request");
      removed_.insert(n);
      Push(NewAction(now + f.duration_us, ActionKind::kAddBack, n));
      return;
    }
    case FaultKind::kCompact: {
      api::Request r;
      r.op = api::Op::kCompact;
      if (!cluster_.SubmitAdmin(r, n)) Skip(f, "node not up");
      return;
    }
  }
}

void Simulation::Heal() {
  const uint64_t now = cluster_.now();
  if (hooks_ != nullptr) hooks_->BeforeHeal();
  while (!actions_.empty()) actions_.pop();  // pending restores are moot
  cluster_.network().HealAll();
  LinkFaults calm = o_.cluster.network.defaults;
  calm.drop = calm.duplicate = calm.reorder = calm.spike = 0;
  cluster_.network().SetDefaults(calm);
  cluster_.network().ClearLinkOverrides();
  storms_ = 0;
  slow_disks_.clear();
  DiskFaults healthy = o_.cluster.disk;
  healthy.slow_sync = 0;
  healthy.read_bit_flip = 0;
  for (api::NodeId id : cluster_.ids()) {
    cluster_.disk(id)->set_faults(healthy);
    if (o_.heal_restores_drift) cluster_.clock(id)->SetDrift(initial_drift_[id]);
  }
  for (api::NodeId id : cluster_.ids()) {
    if (cluster_.status(id) == NodeStatus::kUp) continue;
    if (hooks_ != nullptr && hooks_->Excluded(id)) continue;
    if (hooks_ != nullptr && hooks_->Restart(id, "", -1)) continue;
    auto it = good_tag_.find(id);
    std::string tag = it != good_tag_.end() ? it->second : cluster_.tag(id);
    (void)cluster_.Start(id, tag);
  }
  // Voters removed by a membership fault come back (the re-add is an
  // admin request, so it waits for a leader).
  for (api::NodeId id : removed_) {
    Push(NewAction(now, ActionKind::kAddBack, id));
  }
  trace_.Add(now, "healed", "all faults healed");
  if (o_.checks_enabled) checkers_.OnHealed(now);
}

RunOutcome Simulation::Outcome(bool read_back_done) const {
  RunOutcome r;
  r.seed = o_.seed;
  r.digest = trace_.digest();
  r.trace_events = trace_.events();
  r.sim_time_us = cluster_.now();
  r.loop_steps = steps_;
  r.hit_step_bound = hit_step_bound_;
  r.cluster = cluster_.stats();
  r.network = cluster_.network().stats();
  r.release_counters = cluster_.ReleaseCounters();
  r.release_counters_by_tag = cluster_.ReleaseCountersByTag();
  r.decode_errors = cluster_.decode_errors();
  r.refusals = cluster_.refusals();
  r.cohorts = workload_.cohorts();
  r.ops_completed = workload_.completed();
  r.acked_writes = workload_.acked_writes();
  r.faults_fired = faults_fired_;
  r.faults_skipped = faults_skipped_;
  r.safety_violations = checkers_.safety_violations();
  r.liveness_violations = checkers_.liveness_violations();
  r.violations = checkers_.Violations();
  r.verdicts = checkers_.Verdicts();
  r.trace_tail = trace_.Tail(o_.trace_keep);
  r.read_back_done = read_back_done;
  return r;
}

SimResult Simulation::Result(bool read_back_done) {
  SimResult r;
  static_cast<RunOutcome&>(r) = Outcome(read_back_done);
  r.disk = cluster_.DiskTotals();
  r.workload_stats = workload_.StatsString();
  r.late_replies = workload_.late_replies();
  r.stale_hints_ignored = workload_.stale_hints_ignored();
  for (const auto& v : r.violations) {
    if (!v.liveness) {
      r.first_violation_us = v.time_us;
      break;
    }
  }
  r.violation_window = violation_window_;
  r.violation_state_table = violation_table_;
  r.state_table = cluster_.StateTable();
  r.history = std::move(history_);
  return r;
}

Plan MakePlan(const SimOptions& o) {
  return MakePlan(o.seed, o.faults, o.workload, o.cluster.tags.size(), o.duration_us,
                  o.duration_us + o.liveness_us);
}

SimResult Simulate(const SimOptions& options, const Plan& plan) {
  Simulation sim(options, plan);
  return sim.Run();
}

std::string SimResult::Summary() const {
  std::string s;
  absl::StrAppend(&s, absl::StrFormat(
                          "seed %d: trace digest %016x (%d events), simulated %s, %d steps\n",
                          seed, digest, trace_events, Seconds(sim_time_us), loop_steps));
  absl::StrAppend(&s, "cluster: delivered=", cluster.delivered, " dropped_down=", cluster.dropped_down,
                  " ticks=", cluster.ticks, " submits=", cluster.submits, " submits_lost=",
                  cluster.submits_lost, " starts=", cluster.starts, " stops=", cluster.stops,
                  " crashes=", cluster.crashes, " refusals=", cluster.refusals, " upgrades=",
                  cluster.upgrades, " leader_changes=", cluster.leader_changes, "\n");
  absl::StrAppend(&s, "network: sent=", network.sent, " dropped_random=", network.dropped_random,
                  " dropped_partition=", network.dropped_partition, " duplicated=",
                  network.duplicated, " reordered=", network.reordered, " bytes=", network.bytes,
                  "\n");
  absl::StrAppend(&s, "disk: syncs=", disk.syncs, " slow_syncs=", disk.slow_syncs,
                  " sync_latency_us=", disk.sync_latency_us, " bit_flips=", disk.bit_flips,
                  " crashes=", disk.crashes, "\n");
  absl::StrAppend(&s, "faults: fired=", faults_fired, " skipped=", faults_skipped, "\n");
  absl::StrAppend(&s, "clients: completed=", ops_completed, " acked_writes=", acked_writes,
                  " late_replies=", late_replies, " stale_hints_ignored=", stale_hints_ignored,
                  "\n", workload_stats);
  if (!release_counters.empty()) {
    absl::StrAppend(&s, "release counters:");
    for (const auto& [k, v] : release_counters) absl::StrAppend(&s, " ", k, "=", v);
    absl::StrAppend(&s, "\n");
  }
  for (const auto& [k, v] : decode_errors) {
    absl::StrAppend(&s, "decode errors ", std::get<0>(k), " -> ", std::get<1>(k), " ",
                    std::get<2>(k), ": ", v, "\n");
  }
  for (const Refusal& r : refusals) {
    absl::StrAppend(&s, "refusal @", Seconds(r.time_us), " n", r.node, " ", r.tag, ": ",
                    r.status.ToString(), "\n");
  }
  absl::StrAppend(&s, verdicts);
  for (const auto& v : violations) absl::StrAppend(&s, check::ViolationString(v), "\n");
  if (lin.checked) {
    absl::StrAppend(&s, "linearizability: ",
                    !lin.linearizable ? "VIOLATED" : lin.unknown ? "UNKNOWN" : "ok",
                    lin.detail.empty() ? "" : " (", lin.detail, lin.detail.empty() ? "" : ")", "\n");
  } else {
    absl::StrAppend(&s, "linearizability: not checked\n");
  }
  absl::StrAppend(&s, "read-back: ", read_back_done ? "done" : "incomplete", "\n");
  return s;
}

}  // namespace raftlog::sim
