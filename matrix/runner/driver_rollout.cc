// Step handlers that move releases: start, join, upgrade, crash-upgrade,
// the explicit downgrade procedure, the staged rollout's observation windows,
// and the check that the cluster commits (with the cross-release probe after
// an upgrade). The handler contract: driver_internal.h.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/runner/driver_internal.h"

namespace raftlog::runner::driver_internal {

// kStart: an initial member starts with the step's release.
void Driver::BeginStart() {
  const Step& s = Cur();
  absl::Status st = cluster_.Start(s.node, s.tag);
  if (st.ok()) good_tag_[s.node] = s.tag;
  Finish(st.ok() ? StepResult::kOk : StepResult::kRefused, st.ok() ? "" : st.ToString());
}

// kJoin: a new node starts on empty data (not a member until added); the
// clients may send to it from now on.
void Driver::BeginJoin() {
  const Step& s = Cur();
  absl::Status st = cluster_.Start(s.node, s.tag);
  if (st.ok()) good_tag_[s.node] = s.tag;
  RefreshClients();
  Finish(st.ok() ? StepResult::kOk : StepResult::kRefused, st.ok() ? "" : st.ToString());
}

// kUpgrade: a graceful stop and a restart at once with the step's release
// on the node's data. A refusal puts the node back on its release and
// stops the rollout.
void Driver::BeginUpgrade() {
  const Step& s = Cur();
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
                               "'s data: ", st.ToString(), "; back on ", good_tag_[s.node],
                               ", rollout stopped"));
  }
  Finish(StepResult::kOk, was_up ? "" : "was down; started with the new release");
}

// kCrashUpgrade: the node crashes at its next sync (the write torn) and
// restarts with the step's release `duration_us` later; a refusal then is
// recorded on this step by the Restart hook. A node down already starts
// with the new release at once.
void Driver::BeginCrashUpgrade() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  if (!Up(s.node)) {
    absl::Status st = StartOrRollBack(s.node, s.tag);
    if (!st.ok()) rollout_stopped_ = true;
    return Finish(st.ok() ? StepResult::kOk : StepResult::kRefused,
                  st.ok() ? "was down; started with the new release" : st.ToString());
  }
  cluster_.CrashAtNextSync(s.node, /*tear=*/true);
  Band(s.duration_us, s.node, "crash (tear), upgrade");
  ScheduleRestart(s.node, s.duration_us, s.tag, static_cast<int>(current_));
  Finish(StepResult::kOk, absl::StrCat("restarts as ", s.tag, " at ", Secs(now + s.duration_us)));
}

// kDowngrade: asks the leader to lower the cluster version to what the
// step's release speaks (polled by PollAdmin); nothing to do when the
// cluster version is there already.
void Driver::BeginDowngrade() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
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
  Wait(now + s.duration_us);
}

// kAwaitDowngraded: waits (PollDowngraded) until every member's data is
// readable by the step's release.
void Driver::BeginAwaitDowngraded() { Wait(cluster_.now() + Cur().duration_us); }

// Done when every member is up and its data is what the older release
// reads: cluster version at most its max protocol, the snapshot in a format
// it reads and covering the downgrade entry (so no log entry of the newer
// cluster version is left for it to replay). A member that never gets
// there is a stalled procedure: the operator must not roll back yet.
bool Driver::PollDowngraded() {
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

// kObserve, kGate: the counters at the window's start; the window ends at
// the deadline (PollWindow, FinishWindow).
void Driver::BeginWindow() {
  window_start_ = Sample();
  Wait(cluster_.now() + Cur().duration_us);
}

bool Driver::PollWindow() {
  if (cluster_.now() < deadline_) return false;
  FinishWindow();
  return true;
}

// The end of an observation window. The gate rolls back at once (every
// node not on `tag` restarts on it, the rollout stops) when the window's
// signals degraded against the baseline; what follows the rollback is
// checked like every other step.
void Driver::FinishWindow() {
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

// ---- kCheck: the cluster commits again ----------------------------------------

// kCheck: done once the highest commit index moves past where it is now
// (and the cross-release probe, where it applies, read back what it wrote);
// stalled at the deadline.
void Driver::BeginCheck() {
  const uint64_t now = cluster_.now();
  baseline_ = MaxCommit();
  StartProbe();
  Wait(now + Cur().duration_us);
}

bool Driver::PollCheck() {
  const uint64_t now = cluster_.now();
  const uint64_t c = MaxCommit();
  if (c > baseline_) {
    const ProbeStatus probe = CrossReleaseProbe();
    if (probe == ProbeStatus::kWorking) return false;
    if (probe == ProbeStatus::kFinished) return true;
    api::NodeId l = cluster_.Leader();
    const api::ProtocolState* ls = l ? cluster_.state(l) : nullptr;
    Finish(StepResult::kOk,
           absl::StrCat("commit ", baseline_, " -> ", c, " in ", Secs(now - Rec().start_us),
                        "; leader ", Who(l), ls ? absl::StrCat(" term ", ls->term) : "",
                        probe_.detail));
    return true;
  }
  if (now >= deadline_) {
    Finish(StepResult::kStalled, absl::StrCat("nothing committed in ", Secs(now - Rec().start_us),
                                              " (commit stays at ", c, ")"));
    return true;
  }
  return false;
}

// The cross-release probe (ProbeState says what it does).
void Driver::StartProbe() {
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
void Driver::SendProbe(api::Op op) {
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

Driver::ProbeStatus Driver::CrossReleaseProbe() {
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

}  // namespace raftlog::runner::driver_internal
