// The kAdversary step: an adversary on the links that captures the traffic
// and injects altered messages (forged, MAC-stripped, older-protocol claims,
// as a member and as a non-member) and replays of captured AppendEntries
// into the members; at cluster version 3 every altered message must be
// refused, counted and change nothing (matrix/runner/adversary.h). The
// handler contract: driver_internal.h.
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/runner/driver_internal.h"
#include "matrix/sim/random.h"

namespace raftlog::runner::driver_internal {
namespace {

uint64_t AuthFailures(const api::Node& node) {
  const std::map<std::string, uint64_t> c = node.Counters();
  auto it = c.find(api::kCounterAuthFailures);
  return it == c.end() ? 0 : it->second;
}

}  // namespace

// Only plans with an adversary capture traffic and get its checker.
void Driver::SetUpAdversary() {
  if (!PlanHas(StepKind::kAdversary)) return;
  auto adversary = std::make_unique<AdversaryChecker>();
  adversary_ = adversary.get();
  checkers_.Add(std::move(adversary));
  cluster_.set_send_observer([this](uint64_t t, api::NodeId from, const api::Outbound& m) {
    Captured c;
    c.time_us = t;
    c.from = from;
    c.to = m.to;
    c.type = m.type;
    c.bytes = m.bytes;
    captured_.push_back(std::move(c));
    if (captured_.size() > kCaptureKeep) captured_.pop_front();
  });
}

// Counts an injection (or why none happened) for the run and the step.
void Driver::Tally(const std::string& key, uint64_t n) {
  fault_telemetry_[key] += n;
  step_tally_[key] += n;
}

std::string Driver::StepTally() const {
  std::vector<std::string> parts;
  for (const auto& [k, n] : step_tally_) parts.push_back(absl::StrCat(k, "=", n));
  return parts.empty() ? "nothing injected" : absl::StrJoin(parts, ", ");
}

// kAdversary: rounds of altered messages and replays scheduled over
// `duration_us`; the step finishes at the deadline with what was injected.
void Driver::BeginAdversary() {
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

bool Driver::PollAdversary() {
  if (cluster_.now() < deadline_) return false;
  Finish(StepResult::kOk, StepTally());
  return true;
}

std::vector<api::NodeId> Driver::AdversaryTargets() const {
  const Step& s = Cur();
  std::vector<api::NodeId> targets;
  for (api::NodeId id : Members()) {
    if (Up(id) && !cluster_.paused(id) && (s.node == 0 || id == s.node)) targets.push_back(id);
  }
  return targets;
}

void Driver::AdversaryRound(int round) {
  const std::vector<api::NodeId> targets = AdversaryTargets();
  if (targets.empty()) return Tally("adversary no target up");
  api::SeededRandom r(sim::DeriveSeed(p_.seed, "adversary", (current_ << 8) | round));
  const api::NodeId t = targets[r.Uniform(targets.size())];
  InjectAltered(t, r);
  InjectOldReplay(t, r);
}

// The latest AppendEntries with entries to each target again, oldest last.
void Driver::ReplayRound() {
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
void Driver::InjectAltered(api::NodeId t, api::SeededRandom& r) {
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
void Driver::InjectOldReplay(api::NodeId t, api::SeededRandom& r) {
  std::vector<const Captured*> old;
  for (const Captured& c : earlier_appends_) {
    if (c.to == t) old.push_back(&c);
  }
  if (old.empty()) return;
  const Captured c = *old[r.Uniform(old.size())];
  InjectOne(t, c.from, Injection::kReplayOld, c.bytes, c.type);
}

// Hands `bytes` to `t` as from `sender`; an altered message at a receiver
// on cluster version 3 must be refused, counted and change nothing.
void Driver::InjectOne(api::NodeId t, api::NodeId sender, Injection kind,
                       const std::string& bytes, const std::string& type) {
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

}  // namespace raftlog::runner::driver_internal
