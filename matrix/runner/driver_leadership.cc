// Step handlers about who leads: an election nudged towards a node, a split
// vote with a voter that forgets its vote, and a deposed leader that must
// not answer a linearizable read. The handler contract: driver_internal.h.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "matrix/runner/driver_internal.h"
#include "matrix/sim/workload.h"

namespace raftlog::runner::driver_internal {

// ---- kElect ---------------------------------------------------------------------

// kElect: rounds of nudges (PollElect) until the node leads or the deadline.
void Driver::BeginElect() {
  elect_ = ElectState();
  Wait(cluster_.now() + Cur().duration_us);
}

// Makes the step's node the leader: isolates the current leader and jumps
// the node's clock so that it times out first; a few rounds at most.
bool Driver::PollElect() {
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

// ---- kSplitVote -----------------------------------------------------------------

// kSplitVote: both candidates' clocks jump past an election timeout; the
// first other node to vote for one of them in a newer term crashes and
// restarts at once (VoteTrigger, after every event while armed).
void Driver::BeginSplitVote() {
  const Step& s = Cur();
  const uint64_t now = cluster_.now();
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
  Wait(now + s.duration_us);
}

bool Driver::PollSplitVote() {
  if (vote_.fired) {
    Finish(StepResult::kOk, vote_.detail);
    return true;
  }
  if (cluster_.now() >= deadline_) {
    vote_.armed = false;
    Finish(StepResult::kNotAchieved, "no other node voted for a candidate in time");
    return true;
  }
  return false;
}

// After every event while a split vote is armed: the first node other than
// the candidates that voted for one of them in a newer term crashes at once
// and restarts in the same instant (so still in that term).
void Driver::VoteTrigger() {
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

// ---- kDepose --------------------------------------------------------------------

// kDepose: the leader cut off with a slow clock, so that its timers
// (check-quorum, elections) fire late and it keeps believing it leads
// after the majority side elected a new leader and committed.
void Driver::BeginDepose() {
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

// DeposeWatch says what is watched.
void Driver::WatchDeposed(DeposeWatch w) {
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

}  // namespace raftlog::runner::driver_internal
