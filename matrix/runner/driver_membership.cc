// Step handlers for administrative requests and the release features
// built on them: finalize, add voter or learner, promote, remove (with
// retries as an operator would), a change cut off before it commits, two
// changes at once, catch-up (by snapshot where the log is compacted away),
// joint consensus (kChangeConfig) and a learner's promotion while it is cut
// off (kPromoteCut). The handler contract: driver_internal.h.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/runner/driver_internal.h"

namespace raftlog::runner::driver_internal {
namespace {

// An answer worth asking again for even when a leader gave it.
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

}  // namespace

// ---- administrative requests --------------------------------------------------

// kFinalize, kAddVoter, kAddLearner, kPromote, kRemove: the request goes to
// the leader (PollAdmin sends it, resends it, reads the answers); a removed
// node is stopped once the removal is accepted.
void Driver::BeginAdminRequest() {
  const Step& s = Cur();
  admin_ = AdminState();
  admin_.request.op = s.kind == StepKind::kFinalize     ? api::Op::kFinalize
                      : s.kind == StepKind::kAddVoter   ? api::Op::kAddVoter
                      : s.kind == StepKind::kAddLearner ? api::Op::kAddLearner
                      : s.kind == StepKind::kPromote    ? api::Op::kPromoteLearner
                                                        : api::Op::kRemoveVoter;
  admin_.request.target = s.node;
  admin_.seen = cluster_.admin_replies().size();
  Wait(cluster_.now() + s.duration_us);
}

// The answers to the step's request since the last look, then the deadline,
// then a (re)send to whoever leads.
bool Driver::PollAdmin() {
  const auto& replies = cluster_.admin_replies();
  for (; admin_.seen < replies.size(); ++admin_.seen) {
    const sim::AdminReply& a = replies[admin_.seen];
    if (a.request.op != admin_.request.op || a.request.target != admin_.request.target) continue;
    if (AdminReplyFinished(a)) return true;
  }
  if (cluster_.now() >= deadline_) {
    FinishAdminAtDeadline();
    return true;
  }
  SendAdminRequest();
  return false;
}

// One answer to the step's request: true when it finished the step (done,
// not supported, refused for good); otherwise noted for a retry.
bool Driver::AdminReplyFinished(const sim::AdminReply& a) {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
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
  return false;
}

void Driver::FinishAdminAtDeadline() {
  if (!admin_.refusal.empty()) {
    Finish(StepResult::kRefused, absl::StrCat("still refused after ", admin_.attempts,
                                              " attempt(s); last refusal by ", admin_.refusal));
  } else {
    Finish(StepResult::kStalled, absl::StrCat("no answer after ", admin_.attempts,
                                              " attempt(s)", admin_.last.empty() ? "" : "; last: ",
                                              admin_.last));
  }
}

// Sends the request to the leader when none is in flight (an unanswered one
// counts as lost after kAdminResendUs) and the retry time has come.
void Driver::SendAdminRequest() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  if (admin_.in_flight && now - admin_.sent_us >= kAdminResendUs) admin_.in_flight = false;
  if (admin_.in_flight || now < admin_.next_try_us) return;
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

// kAddVoterCut: the leader is asked to add the node, and cut off
// `delay_us` later for `duration_us`: the change is appended, not committed.
void Driver::BeginAddVoterCut() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  api::NodeId l = cluster_.Leader();
  if (l == 0) return Finish(StepResult::kSkipped, "no leader");
  api::Request r;
  r.op = api::Op::kAddVoter;
  r.target = s.node;
  cluster_.SubmitAdmin(r, l);
  sim_.Schedule(now + s.delay_us, [this, l, d = s.duration_us] { Cut(l, d); });
  Finish(StepResult::kOk,
         absl::StrCat("asked ", Who(l), "; it is cut off at ", Secs(now + s.delay_us)));
}

// Isolates `node` (kAddVoterCut) for `duration_us`.
void Driver::Cut(api::NodeId node, uint64_t duration_us) {
  if (!Up(node)) return;
  sim::Partition part = sim::Partition::Isolate(node, Members());
  Band(duration_us, node, "cut off after a change");
  trace_.Add(cluster_.now(), "cut", part.name);
  ScheduleHeal(cluster_.network().StartPartition(std::move(part)), duration_us);
}

// kAddVotersAtOnce: two additions in the same instant, not waited for (the
// later kAddVoter steps wait for each).
void Driver::BeginAddVotersAtOnce() {
  const Step& s = Cur();
  api::NodeId l = cluster_.Leader();
  if (l == 0) return Finish(StepResult::kSkipped, "no leader");
  for (api::NodeId target : {s.node, s.peer}) {
    api::Request r;
    r.op = api::Op::kAddVoter;
    r.target = target;
    cluster_.SubmitAdmin(r, l);
  }
  Finish(StepResult::kOk, absl::StrCat("asked ", Who(l), " to add n", s.node, " and n", s.peer,
                                       " in one instant"));
}

// ---- kCatchUp ---------------------------------------------------------------------

// kCatchUp: done once the node applied the leader's commit index of now
// (skipped when optional and the node is not in the leader's configuration).
void Driver::BeginCatchUp() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
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
  Wait(now + s.duration_us);
}

bool Driver::PollCatchUp() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
  const api::ProtocolState* st = Up(s.node) ? cluster_.state(s.node) : nullptr;
  if (st != nullptr && st->applied_index >= baseline_) {
    uint64_t installs =
        cluster_.ReleaseCounters()[api::kCounterSnapshotsInstalled] - installs_before_;
    if (SnapshotNeedUnmet(*st, installs)) return true;  // finished as a wrong outcome
    Finish(StepResult::kOk,
           absl::StrCat(Who(s.node), " applied ", st->applied_index, " >= ", baseline_, " in ",
                        Secs(now - Rec().start_us), "; snapshots installed meanwhile: ",
                        installs));
    return true;
  }
  if (now >= deadline_) {
    Finish(StepResult::kStalled,
           absl::StrCat(Who(s.node), " applied ", st ? st->applied_index : 0, " < ", baseline_,
                        " after ", Secs(now - Rec().start_us)));
    return true;
  }
  return false;
}

// kCatchUp: a node whose next entry every other member up has compacted
// away can only catch up by a snapshot install.
void Driver::NoteSnapshotNeed(api::NodeId n) {
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
bool Driver::SnapshotNeedUnmet(const api::ProtocolState& st, uint64_t installs) {
  if (!needs_snapshot_ || st.snapshot_index > snapshot_before_ || installs > 0) return false;
  Finish(StepResult::kWrongOutcome,
         absl::StrCat(Who(st.id), " applied ", st.applied_index, " over a compacted gap, yet its "
                      "snapshot stayed at ", snapshot_before_, " and no install was counted"));
  return true;
}

// ---- release features: joint consensus, learner promotion while cut off -------

// kChangeConfig, kPromoteCut: the request is sent (and resent) by the poll
// handlers, PollChangeConfig and PollPromoteCut.
void Driver::BeginFeatureRequest() {
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
void Driver::ResolveVoters(api::NodeId leader) {
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
bool Driver::SendFeatureRequest() {
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
void Driver::DisturbJointChange(api::NodeId leader) {
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
std::optional<StepResult> Driver::FeatureReply(std::string* detail) {
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
void Driver::FinishNotAccepted(StepResult r, const std::string& detail) {
  const Step& s = Cur();
  if (r == StepResult::kNotSupported && (s.expect_refusal || s.optional)) {
    return Finish(StepResult::kNotSupported,
                  absl::StrCat(s.expect_refusal ? "refused as expected (gated): "
                                                : "not available here: ",
                               detail));
  }
  Finish(StepResult::kRefused, absl::StrCat("refused: ", detail));
}

// Accepted, then every live member reports the requested voters, not joint.
bool Driver::PollChangeConfig() {
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
std::vector<std::string> Driver::ConfigPending(const std::vector<api::NodeId>& voters) {
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
std::string Driver::StopDroppedVoters(const std::vector<api::NodeId>& voters) {
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

// A learner cut off (kLag) and behind must not be promoted (v2's rule,
// kept by v3: a voter that holds less than the commit index); the step
// heals the cut `delay_us` after the first request, and the promotion must
// then succeed.
bool Driver::PollPromoteCut() {
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

}  // namespace raftlog::runner::driver_internal
