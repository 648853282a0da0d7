#include "matrix/runner/scenario.h"

#include <algorithm>
#include <array>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/sim/random.h"

namespace raftlog::runner {

const char* ModeName(Mode m) { return m == Mode::kFast ? "fast" : "full"; }

absl::StatusOr<Mode> ModeFromName(absl::string_view name) {
  if (name == "fast") return Mode::kFast;
  if (name == "full") return Mode::kFull;
  return absl::InvalidArgumentError(absl::StrCat("unknown mode '", name, "' (fast or full)"));
}

const char* StepKindName(StepKind k) {
  switch (k) {
    case StepKind::kStart: return "start";
    case StepKind::kUpgrade: return "upgrade";
    case StepKind::kCrashUpgrade: return "crash_upgrade";
    case StepKind::kCrash: return "crash";
    case StepKind::kIsolate: return "isolate";
    case StepKind::kHalves: return "halves";
    case StepKind::kClockJump: return "clock_jump";
    case StepKind::kLag: return "lag";
    case StepKind::kRejoin: return "rejoin";
    case StepKind::kCompact: return "compact";
    case StepKind::kElect: return "elect";
    case StepKind::kFinalize: return "finalize";
    case StepKind::kJoin: return "join";
    case StepKind::kAddVoter: return "add_voter";
    case StepKind::kAddLearner: return "add_learner";
    case StepKind::kPromote: return "promote";
    case StepKind::kRemove: return "remove";
    case StepKind::kCheck: return "check";
    case StepKind::kSplitVote: return "split_vote";
    case StepKind::kAddVoterCut: return "add_voter_cut";
    case StepKind::kCatchUp: return "catch_up";
    case StepKind::kDowngrade: return "downgrade";
    case StepKind::kAwaitDowngraded: return "await_downgraded";
    case StepKind::kAddVotersAtOnce: return "add_voters_at_once";
    case StepKind::kObserve: return "observe";
    case StepKind::kGate: return "gate";
    case StepKind::kAdversary: return "adversary";
    case StepKind::kPause: return "pause";
    case StepKind::kOverload: return "overload";
    case StepKind::kChangeConfig: return "change_config";
    case StepKind::kPromoteCut: return "promote_cut";
    case StepKind::kDepose: return "depose";
  }
  return "?";
}

namespace {

std::string Secs(uint64_t us) { return absl::StrFormat("%.3fs", us / 1e6); }
std::string NodeName(api::NodeId n) { return n == 0 ? "leader" : absl::StrCat("n", n); }

// "voters {1,4,5} within 6.000s" or "voters - leader + n6 ...", then what
// happens while the change is in flight.
std::string ChangeConfigString(const Step& s) {
  std::string out =
      s.voters.empty()
          ? absl::StrCat("voters - ", NodeName(s.node), " + ", NodeName(s.peer))
          : absl::StrCat("voters {", absl::StrJoin(s.voters, ","), "}");
  absl::StrAppend(&out, ", every member reports it within ", Secs(s.duration_us));
  if (s.crash_after) absl::StrAppend(&out, "; the leader crashes right after the request for ",
                                     Secs(s.delay_us));
  if (s.isolate_after) absl::StrAppend(&out, "; the old set's majority is cut off for ",
                                       Secs(s.delay_us), " while joint");
  return out;
}

}  // namespace

std::string StepString(const Step& s) {
  std::string out = absl::StrCat("@", Secs(s.at_us), " ", StepKindName(s.kind));
  switch (s.kind) {
    case StepKind::kStart:
    case StepKind::kJoin:
      absl::StrAppend(&out, " ", NodeName(s.node), "@", s.tag);
      break;
    case StepKind::kUpgrade:
      absl::StrAppend(&out, " ", NodeName(s.node), " ", s.from_tag, "->", s.tag);
      break;
    case StepKind::kCrashUpgrade:
      absl::StrAppend(&out, " ", NodeName(s.node), " ", s.from_tag, "->", s.tag,
                      " (crash, torn write, down ", Secs(s.duration_us), ")");
      break;
    case StepKind::kCrash:
      absl::StrAppend(&out, " ", NodeName(s.node), s.tear ? " tear" : "", " for ",
                      Secs(s.duration_us));
      break;
    case StepKind::kIsolate:
      absl::StrAppend(&out, " ", NodeName(s.node), " for ", Secs(s.duration_us));
      break;
    case StepKind::kHalves:
      absl::StrAppend(&out, " for ", Secs(s.duration_us));
      break;
    case StepKind::kClockJump:
      absl::StrAppend(&out, " ", NodeName(s.node), " by +", Secs(s.duration_us));
      break;
    case StepKind::kLag:
    case StepKind::kRejoin:
    case StepKind::kCompact:
    case StepKind::kElect:
    case StepKind::kAddVoter:
    case StepKind::kAddLearner:
    case StepKind::kPromote:
    case StepKind::kRemove:
      absl::StrAppend(&out, " ", NodeName(s.node));
      break;
    case StepKind::kFinalize:
      break;
    case StepKind::kCheck:
      absl::StrAppend(&out, " commits within ", Secs(s.duration_us));
      break;
    case StepKind::kCatchUp:
      absl::StrAppend(&out, " ", NodeName(s.node), " within ", Secs(s.duration_us));
      break;
    case StepKind::kDowngrade:
      absl::StrAppend(&out, " cluster version to what ", s.tag, " speaks");
      break;
    case StepKind::kAwaitDowngraded:
      absl::StrAppend(&out, " every member readable by ", s.tag, " within ",
                      Secs(s.duration_us));
      break;
    case StepKind::kAddVotersAtOnce:
      absl::StrAppend(&out, " ", NodeName(s.node), " and ", NodeName(s.peer));
      break;
    case StepKind::kObserve:
      absl::StrAppend(&out, " signals for ", Secs(s.duration_us));
      break;
    case StepKind::kGate:
      absl::StrAppend(&out, " signals for ", Secs(s.duration_us),
                      " against the baseline; degraded: roll back to ", s.tag);
      break;
    case StepKind::kSplitVote:
      absl::StrAppend(&out, " ", NodeName(s.node), " and ", NodeName(s.peer),
                      " campaign at once; the first voter crashes after voting");
      break;
    case StepKind::kAddVoterCut:
      absl::StrAppend(&out, " ", NodeName(s.node), ", leader cut off ", Secs(s.delay_us),
                      " later for ", Secs(s.duration_us));
      break;
    case StepKind::kAdversary:
      absl::StrAppend(&out, " into ", s.node == 0 ? "every member" : NodeName(s.node), " for ",
                      Secs(s.duration_us));
      break;
    case StepKind::kPause:
      absl::StrAppend(&out, " ", NodeName(s.node), " for ", Secs(s.duration_us));
      break;
    case StepKind::kOverload:
      absl::StrAppend(&out, " baseline ", Secs(s.delay_us), ", storm ", Secs(s.duration_us),
                      " (leader's disk slow, ", NodeName(s.peer), "'s ticks late)");
      break;
    case StepKind::kChangeConfig:
      absl::StrAppend(&out, " ", ChangeConfigString(s));
      break;
    case StepKind::kPromoteCut:
      absl::StrAppend(&out, " ", NodeName(s.node), " while cut off; healed ", Secs(s.delay_us),
                      " after the first request");
      break;
    case StepKind::kDepose:
      absl::StrAppend(&out, " ", NodeName(s.node), " for ", Secs(s.duration_us),
                      ", its clock at half rate");
      break;
  }
  if (s.rollout) absl::StrAppend(&out, " [rollout]");
  if (s.optional) absl::StrAppend(&out, " [optional]");
  if (s.expect_refusal) absl::StrAppend(&out, " [refusal expected]");
  if (!s.note.empty()) absl::StrAppend(&out, "  -- ", s.note);
  return out;
}

namespace {

using C = policy::Capability;

// Moving releases: rollouts, rollbacks and downgrades, the mixed topologies
// on the way, and what the way meets (snapshots, compaction, membership,
// leader changes, crashes).
std::vector<Scenario> ReleaseMoveScenarios() {
  return {
      {"rolling_upgrade",
       "every node from <from> to <to> in a seeded order under background faults and a skewed "
       "retrying workload; a check at every mixed state; finalize",
       {C::kRollingUpgrade}},
      {"rolling_downgrade",
       "upgrade every node, then roll every node back to <from> before finalize",
       {C::kRollingUpgrade, C::kDowngradeBeforeFinalize}},
      {"downgrade_after_finalize",
       "upgrade every node, finalize, then roll back to <from>",
       {C::kRollingUpgrade, C::kDowngradeAfterFinalize}},
      {"topologies_3",
       "3 nodes through every mixed topology: old majority, old minority, new leader with old "
       "followers and the reverse",
       {C::kRollingUpgrade}},
      {"topologies_5",
       "the same with 5 nodes",
       {C::kRollingUpgrade}},
      {"snapshot_exchange",
       "a follower behind a compacted prefix catches up by snapshot, across releases both ways "
       "(low snapshot threshold, a lagging node)",
       {C::kRollingUpgrade, C::kSnapshotExchange}},
      {"compaction_mixed",
       "compactions and torn-write crashes while the cluster runs mixed releases",
       {C::kRollingUpgrade, C::kSnapshotExchange}},
      {"membership_mixed",
       "in the mixed state: add a <to> node, remove a <from> node, replace the leader",
       {C::kRollingUpgrade}},
      {"leader_flaps",
       "a rolling upgrade while the leader is isolated, partitions split the cluster and clocks "
       "jump",
       {C::kRollingUpgrade}},
      {"crash_mid_upgrade",
       "nodes crash (torn writes) while being upgraded; the leader and then every node crash in "
       "the mixed state",
       {C::kRollingUpgrade}},
      {"downgrade_procedure",
       "upgrade every node, finalize, then the explicit downgrade procedure: lower the cluster "
       "version to what <from> speaks, wait until every node rewrote its data, roll back",
       {C::kRollingUpgrade, C::kDowngradeByProcedure}},
      {"staged_rollout",
       "upgrade one node first, compare its window's signals (errors and timeouts, commit "
       "latency, leader changes, decode errors, commit rate) with a baseline; degraded: roll "
       "back automatically (and the rollback is checked like any step), else roll out the rest",
       {C::kRollingUpgrade}},
      {"multi_hop",
       "<from> to <to> through every release between them, each hop a rolling upgrade with "
       "checks and a finalize (one hop when none lies between)",
       {C::kRollingUpgrade}},
  };
}

// A hostile environment around a rollout: forged and replayed messages,
// overload, paused nodes.
std::vector<Scenario> HostileScenarios() {
  return {
      {"adversary",
       "an adversary on the links injects forged, MAC-stripped, older-protocol-claim and "
       "non-member messages and replays captured AppendEntries, before, during and after a "
       "rolling upgrade and finalize; where the cluster version is 3 every non-replay must be "
       "refused, counted and change nothing (below it what was accepted is reported)",
       {C::kRollingUpgrade}},
      {"overload",
       "after a rolling upgrade and finalize, a retry storm on hot keys against a small "
       "admission limit while the leader's disk is slow and a noisy neighbour's ticks run late: "
       "safe, queues bounded, goodput kept and recovered (where the releases have admission "
       "control)",
       {C::kRollingUpgrade}},
      {"pause",
       "a rolling upgrade where a node (often the leader) is paused longer than the election "
       "timeout and resumes with its stale view, handed what arrived meanwhile late and in order",
       {C::kRollingUpgrade}},
  };
}

// Release features across the mixed state: joint consensus, learners, reads.
std::vector<Scenario> FeatureScenarios() {
  return {
      {"joint_mixed",
       "joint consensus (kChangeConfig) refused cleanly in the mixed state, then after finalize "
       "(where <to> has it): two of three voters replaced at once, the leader replaced, the "
       "leader crashed between entering and leaving the joint configuration, the old set's "
       "majority cut off while joint; every member must report the new configuration",
       {C::kRollingUpgrade}},
      {"learners_mixed",
       "learners on a <from> and on a <to> binary while mixed (required where both releases "
       "have learners), promoted while mixed, one cut off during its promotion (refused while "
       "behind), then rejoined and caught up",
       {C::kRollingUpgrade}},
      {"reads_mixed",
       "reads through the log (mixed) and through ReadIndex (after finalize to 3) while the "
       "leader is isolated in a minority, flaps, and across finalize; a share of Gets asks for "
       "stale reads, checked for monotonic reads per client apart from linearizability",
       {C::kRollingUpgrade}},
  };
}

}  // namespace

// The families in a fixed order: the matrix's rows and the reports follow it.
const std::vector<Scenario>& AllScenarios() {
  static const auto* all = [] {
    auto* out = new std::vector<Scenario>();
    for (auto family : {ReleaseMoveScenarios, HostileScenarios, FeatureScenarios}) {
      for (Scenario& s : family()) out->push_back(std::move(s));
    }
    return out;
  }();
  return *all;
}

const Scenario* FindScenario(absl::string_view name) {
  for (const Scenario& s : AllScenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

namespace {

// What background faults a scenario draws, per simulated minute. Set by
// field name (`bg.crash = 2;`): the constructor keeps it from being built
// from a positional list of numbers.
struct BackgroundSpec {
  BackgroundSpec() {}
  double per_min = 0;        // faults per minute of the fault phase (mean); 0: none
  // Relative weights of the fault kinds (0: never drawn).
  int crash = 0;
  int stop = 0;
  int isolate = 0;
  int halves = 0;
  int one_way = 0;
  int clock_jump = 0;
  int drift = 0;
  int slow_disk = 0;
  int storm = 0;
  int compact = 0;
  double leader_target = 0.4;  // share of the faults aimed at the leader of the moment
  uint64_t min_us = 200'000, max_us = 1'200'000;  // fault length
};

// The faults a fleet sees while it upgrades: crashes most, then isolations;
// stops, halves, clock jumps, slow disks and network storms now and then.
// Scenarios set the rate (`per_min`) and adjust the weights they care about.
BackgroundSpec UpgradeFaults() {
  BackgroundSpec bg;
  bg.crash = 3;
  bg.stop = 1;
  bg.isolate = 2;
  bg.halves = 1;
  bg.clock_jump = 1;
  bg.slow_disk = 1;
  bg.storm = 1;
  return bg;
}

// Rare crashes, isolations and clock jumps, mostly away from the leader: the
// scenario's own steps are the faults that matter.
BackgroundSpec LightFaults() {
  BackgroundSpec bg;
  bg.per_min = 6;
  bg.crash = 1;
  bg.isolate = 1;
  bg.clock_jump = 1;
  bg.leader_target = 0.2;
  return bg;
}

class Builder {
 public:
  Builder(ScenarioPlan* plan)
      : p_(plan), r_(sim::DeriveSeed(plan->seed, "scenario")) {
    const bool fast = p_->mode == Mode::kFast;
    gap_us_ = fast ? 700'000 : 2'000'000;
    check_us_ = fast ? 6'000'000 : 10'000'000;
  }

  api::SeededRandom& r() { return r_; }
  ScenarioPlan& p() { return *p_; }
  uint64_t gap() const { return gap_us_; }
  void Wait(uint64_t us) { t_ += us; }
  uint64_t now() const { return t_; }

  // A seeded permutation of `ids`.
  std::vector<api::NodeId> Shuffled(std::vector<api::NodeId> ids) {
    for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[r_.Uniform(i)]);
    return ids;
  }
  std::vector<api::NodeId> Members() const {
    std::vector<api::NodeId> out;
    for (const auto& [id, tag] : tags_) out.push_back(id);
    return out;
  }
  uint64_t Between(uint64_t lo, uint64_t hi) { return sim::Between(r_, lo, hi); }

  Step& Add(StepKind kind, api::NodeId node = 0) {
    Step s;
    s.kind = kind;
    s.at_us = t_;
    s.node = node;
    p_->steps.push_back(std::move(s));
    return p_->steps.back();
  }

  void StartAll() {
    for (int i = 1; i <= p_->nodes; ++i) {
      Step& s = Add(StepKind::kStart, i);
      s.tag = p_->from;
      tags_[i] = p_->from;
    }
    Wait(gap_us_);
    Check("all on " + p_->from);
  }

  // `forward`: towards <to> (false: a rollback towards <from>).
  void Upgrade(api::NodeId n, const std::string& tag, const std::string& why = "",
               bool forward = true) {
    Step& s = Add(StepKind::kUpgrade, n);
    s.from_tag = tags_[n];
    s.tag = tag;
    s.rollout = true;
    tags_[n] = tag;
    rolled_[n] = forward;
    s.note = why;
  }

  void CrashUpgrade(api::NodeId n, const std::string& tag, uint64_t down_us) {
    Step& s = Add(StepKind::kCrashUpgrade, n);
    s.from_tag = tags_[n];
    s.tag = tag;
    s.duration_us = down_us;
    s.rollout = true;
    tags_[n] = tag;
    rolled_[n] = tag == p_->to;
  }

  // Moves `n` to <to> and checks the state that leaves (no gap after it:
  // what follows happens in that state).
  void UpgradeAndCheck(api::NodeId n, const std::string& why = "") {
    Upgrade(n, p_->to, why);
    Check(State());
  }

  // Moves every node of `nodes` to `tag`, one at a time, each followed by a
  // check of the state it leaves and a gap.
  void MoveEach(const std::vector<api::NodeId>& nodes, const std::string& tag,
                const std::string& why = "", bool forward = true) {
    for (api::NodeId n : nodes) {
      Upgrade(n, tag, why, forward);
      Check(State());
      Wait(gap_us_);
    }
  }

  // Every node of `order` to <to> (`forward`) or back to <from>, one at a
  // time, with a check at every state on the way.
  void Rollout(const std::vector<api::NodeId>& order, bool forward) {
    MoveEach(order, forward ? p_->to : p_->from, forward ? "" : "rollback", forward);
  }

  // The nodes of `order` after its first (already moved: the first stage)
  // to <to>, as Rollout does.
  void RolloutRest(const std::vector<api::NodeId>& order, const std::string& why = "") {
    if (order.empty()) return;
    MoveEach(std::vector<api::NodeId>(order.begin() + 1, order.end()), p_->to, why);
  }

  // Starts a new hop of a multi-hop path: every node counts as not moved.
  void NewHop(const std::string& tag) {
    for (auto& [id, moved] : rolled_) moved = false;
    hop_tag_ = tag;
  }

  void Check(std::string note) {
    Step& s = Add(StepKind::kCheck);
    s.duration_us = check_us_;
    s.note = std::move(note);
  }
  void CatchUp(api::NodeId n, std::string note) {
    Step& s = Add(StepKind::kCatchUp, n);
    s.duration_us = check_us_;
    s.note = std::move(note);
  }
  void Elect(api::NodeId n, std::string note) {
    Step& s = Add(StepKind::kElect, n);
    s.duration_us = check_us_;
    s.note = std::move(note);
  }
  void Finalize() {
    Step& s = Add(StepKind::kFinalize);
    s.duration_us = check_us_;
    s.note = "raise the cluster version to the highest every member supports";
    Wait(gap_us_);
    Check("finalized: " + State());
  }
  Step& Admin(StepKind kind, api::NodeId n, std::string note = "") {
    Step& s = Add(kind, n);
    s.duration_us = check_us_;
    s.note = std::move(note);
    return s;
  }
  void Join(api::NodeId n, const std::string& tag) {
    Step& s = Add(StepKind::kJoin, n);
    s.tag = tag;
    s.note = "empty data, not a member yet";
    tags_[n] = tag;
    rolled_[n] = tag == p_->to;
  }
  void Forget(api::NodeId n) {
    tags_.erase(n);
    rolled_.erase(n);
  }
  void Crash(api::NodeId n, uint64_t down_us, bool tear, std::string note = "") {
    Step& s = Add(StepKind::kCrash, n);
    s.duration_us = down_us;
    s.tear = tear;
    s.note = std::move(note);
  }
  Step& Timed(StepKind kind, api::NodeId n, uint64_t duration_us, std::string note = "") {
    Step& s = Add(kind, n);
    s.duration_us = duration_us;
    s.note = std::move(note);
    return s;
  }

  // Two distinct members campaign at once; a voter crashes right after its vote.
  void SplitVote() {
    std::vector<api::NodeId> m = Shuffled(Members());
    if (m.size() < 3) return;
    Step& s = Add(StepKind::kSplitVote, m[0]);
    s.peer = m[1];
    s.duration_us = check_us_;
    s.note = "a vote that is not durable would be given twice";
  }
  const std::string& TagOf(api::NodeId n) { return tags_[n]; }
  bool IsNew(api::NodeId n) const {
    auto it = rolled_.find(n);
    return it != rolled_.end() && it->second;
  }

  // "n1@v2* n2@v1 n3@v1: old majority" ('*': moved to <to> already).
  std::string State() const {
    std::vector<std::string> parts;
    size_t rolled = 0;
    for (const auto& [id, tag] : tags_) {
      auto it = rolled_.find(id);
      const bool moved = it != rolled_.end() && it->second;
      if (moved) ++rolled;
      // '*' marks the nodes already moved (visible even when from == to).
      parts.push_back(absl::StrCat("n", id, "@", tag, moved ? "*" : ""));
    }
    size_t n = tags_.size(), old = n - rolled;
    std::string label;
    if (rolled == 0) {
      label = absl::StrCat("all on ", p_->from);
    } else if (old == 0) {
      label = absl::StrCat("all on ", hop_tag_.empty() ? p_->to : hop_tag_);
    } else if (2 * old > n) {
      label = "old majority";
    } else if (2 * old < n) {
      label = "old minority";
    } else {
      label = "half old";
    }
    return absl::StrCat(absl::StrJoin(parts, " "), ": ", label);
  }

  // Background faults over [from_us, to_us), never overlapping.
  void Background(const BackgroundSpec& b, uint64_t from_us, uint64_t to_us) {
    api::SeededRandom r(sim::DeriveSeed(p_->seed, "background"));
    const int total = b.crash + b.stop + b.isolate + b.halves + b.one_way + b.clock_jump +
                      b.drift + b.slow_disk + b.storm + b.compact;
    if (b.per_min <= 0 || total <= 0) return;
    const uint64_t mean_gap = static_cast<uint64_t>(60e6 / b.per_min);
    uint64_t t = from_us;
    while (true) {
      t += sim::Between(r, mean_gap / 2, mean_gap + mean_gap / 2);
      if (t >= to_us) break;
      sim::Fault f;
      f.time_us = t;
      f.node = sim::Chance(r, sim::ToPpm(b.leader_target)) ? 0 : 1 + r.Uniform(p_->nodes);
      f.duration_us = sim::Between(r, b.min_us, b.max_us);
      int w = static_cast<int>(r.Uniform(total));
      auto pick = [&w](int weight) { return (w -= weight) < 0; };
      if (pick(b.crash)) {
        f.kind = sim::FaultKind::kCrash;
        f.tear = sim::Chance(r, sim::ToPpm(0.5));
      } else if (pick(b.stop)) {
        f.kind = sim::FaultKind::kStop;
      } else if (pick(b.isolate)) {
        f.kind = sim::FaultKind::kPartition;
        f.shape = sim::Shape::kIsolate;
      } else if (pick(b.halves)) {
        f.kind = sim::FaultKind::kPartition;
        f.shape = sim::Shape::kHalves;
        f.node = 0;
        f.amount = static_cast<int64_t>(r.Next() >> 1);
      } else if (pick(b.one_way)) {
        f.kind = sim::FaultKind::kPartition;
        f.shape = sim::Chance(r, sim::ToPpm(0.5)) ? sim::Shape::kOneWayIn : sim::Shape::kOneWayOut;
      } else if (pick(b.clock_jump)) {
        f.kind = sim::FaultKind::kClockJump;
        f.amount = static_cast<int64_t>(sim::Between(r, 50'000, 1'500'000));
        f.duration_us = 0;
      } else if (pick(b.drift)) {
        f.kind = sim::FaultKind::kClockDrift;
        f.amount = static_cast<int64_t>(sim::Between(r, 0, 200'000)) - 100'000;
      } else if (pick(b.slow_disk)) {
        f.kind = sim::FaultKind::kSlowDisk;
      } else if (pick(b.storm)) {
        f.kind = sim::FaultKind::kStorm;
        f.node = 0;
      } else {
        f.kind = sim::FaultKind::kCompact;
        f.duration_us = 0;
      }
      p_->background.faults.push_back(f);
      t += f.duration_us;
    }
  }

 private:
  ScenarioPlan* p_;
  api::SeededRandom r_;
  uint64_t t_ = 0;
  uint64_t gap_us_;
  uint64_t check_us_;
  std::map<api::NodeId, std::string> tags_;
  std::map<api::NodeId, bool> rolled_;
  std::string hop_tag_;  // multi-hop: the release of the current hop
};

std::vector<api::NodeId> Range(int n) {
  std::vector<api::NodeId> out;
  for (int i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

// The explicit procedure of a release that lowers the cluster version
// (versions/v2/RELEASE.md, "Downgrade procedure"): finalize, ask for the
// downgrade, wait until every node's data is readable by <from>, roll back.
void DowngradeProcedure(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/true);
  b.Finalize();
  // Snapshots in the finalized format: what the procedure must rewrite.
  for (api::NodeId n : Range(p.nodes)) {
    b.Add(StepKind::kCompact, n).note = "a snapshot in the format the new cluster version selects";
  }
  b.Wait(b.gap());
  Step& d = b.Admin(StepKind::kDowngrade, 0, "the procedure's request, to the leader");
  d.tag = p.from;
  b.Wait(b.gap());
  Step& w = b.Admin(StepKind::kAwaitDowngraded, 0,
                    "no older binary starts before every node rewrote its data");
  w.tag = p.from;
  b.Wait(b.gap());
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/false);
  bg = UpgradeFaults();
  bg.per_min = 15;
  bg.crash = 2;
  bg.isolate = 1;
}

// A staged rollout with an explicit rollback trigger: a baseline window, one
// node upgraded, the gate's window, then either the rest of the rollout or
// (gate degraded) an automatic rollback to <from>, after which the remaining
// rollout steps are skipped and the cluster must still commit and pass every
// check. No background faults: a fault inside only one of the two windows
// would be a signal of the fault, not of the release.
void StagedRollout(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const uint64_t window = p.mode == Mode::kFast ? 3'000'000 : 8'000'000;
  b.StartAll();
  b.Timed(StepKind::kObserve, 0, window, "baseline: every node on " + p.from);
  b.Wait(window);
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  b.UpgradeAndCheck(order[0], "the first stage: one node");
  Step& gate = b.Timed(StepKind::kGate, 0, window, "the first stage's signals");
  gate.tag = p.from;
  b.Wait(window);
  b.Check("after the gate (rolled out further or rolled back)");
  b.RolloutRest(order, "the rest of the rollout");
  Step& fin = b.Admin(StepKind::kFinalize, 0, "raise the cluster version, if rolled out");
  fin.rollout = true;
  b.Wait(b.gap());
  b.Check("the end: " + b.State());
  bg = BackgroundSpec();  // no background faults
}

// v1 -> v2 -> v3: every hop a rolling upgrade in a fresh seeded order, with
// a check at every mixed state and a finalize, so each hop starts from a
// cluster finalized on the previous release (how fleets really move).
void MultiHop(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  std::vector<std::string> hops = TagsBetween(p.from, p.to);
  hops.push_back(p.to);
  for (size_t h = 0; h < hops.size(); ++h) {
    b.NewHop(hops[h]);
    b.MoveEach(b.Shuffled(Range(p.nodes)), hops[h],
               absl::StrCat("hop ", h + 1, " of ", hops.size()));
    b.Finalize();
  }
  bg = UpgradeFaults();
  bg.per_min = 20;
  bg.one_way = 1;
  bg.drift = 1;
}

void RollingUpgrade(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  p.nodes = p.mode == Mode::kFast ? 3 : 5;
  p.workload.zipf_s = 1.3;
  p.workload.timeout_us = 200'000;
  p.workload.max_attempts = 8;
  b.StartAll();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/true);
  b.Finalize();
  bg = UpgradeFaults();
  bg.per_min = 40;
  bg.halves = 2;
  bg.one_way = 1;
  bg.clock_jump = 2;
  bg.drift = 1;
}

void RollingDowngrade(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/true);
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/false);
  bg = UpgradeFaults();
  bg.per_min = 25;
}

void DowngradeAfterFinalize(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/true);
  b.Finalize();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/false);
  bg = UpgradeFaults();
  bg.per_min = 20;
  bg.storm = 0;
}

// Old majority, a new leader over old followers and the reverse, then old
// minority with both leader kinds, then all new.
void Topologies(ScenarioPlan& p, Builder& b, int nodes) {
  p.nodes = nodes;
  b.StartAll();
  std::vector<api::NodeId> order = b.Shuffled(Range(nodes));
  const size_t first = nodes / 2;          // new minority: old majority
  const size_t second = nodes / 2 + 1;     // new majority: old minority
  auto pick = [&](bool want_new) -> api::NodeId {
    std::vector<api::NodeId> c;
    for (api::NodeId n : order) {
      if (b.IsNew(n) == want_new) c.push_back(n);
    }
    return c[b.r().Uniform(c.size())];
  };
  // The nodes of `order` up to index `end` move to <to> (half a gap apart),
  // then a check of the state they leave.
  size_t moved = 0;
  auto upgrade_until = [&](size_t end) {
    for (; moved < end; ++moved) {
      b.Upgrade(order[moved], p.to);
      b.Wait(b.gap() / 2);
    }
    b.Check(b.State());
  };
  // A leader on the new (or the old) release, elected and checked.
  auto elect = [&](bool want_new, const std::string& note) {
    b.Elect(pick(want_new), note);
    b.Check(b.State() + (want_new ? ", new leader" : ", old leader"));
    b.Wait(b.gap());
  };
  upgrade_until(first);
  elect(true, "new leader, old followers (old majority)");
  elect(false, "old leader, new followers in the minority");
  upgrade_until(second);
  elect(false, "old leader, new followers (old minority)");
  elect(true, "new leader, old follower(s) in the minority");
  upgrade_until(order.size());
  b.Finalize();
}

// `lagger` falls behind while `leaders` commit; `compacted` and then the
// other leader compact past it; on rejoining it must install `compacted`'s
// snapshot (across releases when the two differ).
void CatchUpBySnapshot(Builder& b, api::NodeId lagger, std::array<api::NodeId, 2> leaders,
                       api::NodeId compacted, uint64_t lag_us) {
  const api::NodeId other = compacted == leaders[0] ? leaders[1] : leaders[0];
  b.Timed(StepKind::kLag, lagger, 0,
          absl::StrCat("falls behind; n", leaders[0], " and n", leaders[1], " (both ",
                       b.TagOf(leaders[0]), ") lead"));
  b.Wait(lag_us);
  b.Add(StepKind::kCompact, compacted).note =
      absl::StrCat("n", lagger, "'s next entry is compacted away");
  b.Add(StepKind::kCompact, other);
  b.Wait(b.gap() / 2);
  b.Add(StepKind::kRejoin, lagger).note = absl::StrCat(
      "snapshot ", b.TagOf(compacted), " leader -> ", b.TagOf(lagger), " follower");
  b.CatchUp(lagger, absl::StrCat("n", lagger, "@", b.TagOf(lagger), " installs n", compacted, "@",
                                 b.TagOf(compacted), "'s snapshot"));
  b.Wait(b.gap());
}

void SnapshotExchange(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const bool fast = p.mode == Mode::kFast;
  p.snapshot_threshold = fast ? 40 : 100;
  const uint64_t lag_us = fast ? 1'500'000 : 4'000'000;
  b.StartAll();
  std::vector<api::NodeId> o = b.Shuffled(Range(3));
  const api::NodeId x = o[0], y = o[1], z = o[2];
  // <from> leader -> <to> follower.
  b.UpgradeAndCheck(z);
  CatchUpBySnapshot(b, z, {x, y}, x, lag_us);
  // <to> leader -> <from> follower.
  b.UpgradeAndCheck(x);
  CatchUpBySnapshot(b, y, {x, z}, z, lag_us);
  b.Upgrade(y, p.to);
  b.Check(b.State());
  b.Wait(b.gap());
  b.Finalize();
  // Light: a crash or a slow disk now and then, never a partition (the lag
  // steps are the partitions here).
  bg.per_min = 10;
  bg.crash = 1;
  bg.clock_jump = 1;
  bg.slow_disk = 1;
  bg.leader_target = 0.2;
}

void CompactionMixed(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const bool fast = p.mode == Mode::kFast;
  p.snapshot_threshold = fast ? 30 : 60;
  const int rounds = fast ? 2 : 4;
  b.StartAll();
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  for (size_t i = 0; i < order.size(); ++i) {
    b.UpgradeAndCheck(order[i]);
    if (i + 1 == order.size()) break;  // the mixed states get the rounds
    for (int k = 0; k < rounds; ++k) {
      b.Wait(b.gap() / 2);
      api::NodeId c = b.r().Uniform(3) == 0 ? 0 : 1 + b.r().Uniform(p.nodes);
      b.Add(StepKind::kCompact, c).note = "compaction in the mixed state";
      api::NodeId v = b.r().Uniform(2) == 0 ? c : 1 + b.r().Uniform(p.nodes);
      b.Crash(v, b.Between(200'000, 800'000), /*tear=*/true, "right after a compaction");
      b.Check(b.State());
    }
    b.Wait(b.gap());
  }
  b.Wait(b.gap());
  b.Finalize();
  bg.per_min = 20;
  bg.crash = 3;
  bg.isolate = 1;
  bg.slow_disk = 2;
  bg.compact = 2;
}

void MembershipMixed(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  const api::NodeId n4 = p.nodes + 1, n5 = p.nodes + 2;
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  // One old node upgraded first: the membership changes happen mixed.
  b.UpgradeAndCheck(order[0]);
  b.Wait(b.gap());
  b.Join(n4, p.to);
  b.Admin(StepKind::kAddLearner, n4, "non-voting catch-up first, where supported").optional = true;
  b.Admin(StepKind::kPromote, n4).optional = true;
  b.Admin(StepKind::kAddVoter, n4, "a voter in any case");
  b.CatchUp(n4, absl::StrCat("the new ", p.to, " voter catches up"));
  b.Check(b.State());
  b.Wait(b.gap());
  const api::NodeId gone = order[1];
  b.Admin(StepKind::kRemove, gone, absl::StrCat("remove a ", p.from, " node"));
  b.Forget(gone);
  b.Check(b.State());
  b.Wait(b.gap());
  // A change appended but never committed, a new leader, a second change.
  const api::NodeId n7 = p.nodes + 4, n8 = p.nodes + 5;
  b.Join(n7, p.to);
  b.Join(n8, p.to);
  {
    Step& s = b.Add(StepKind::kAddVoterCut, n7);
    s.delay_us = b.Between(0, 3'000);
    s.duration_us = b.Between(800'000, 1'500'000);
    s.note = "appended, not committed; a new leader takes over without it";
  }
  b.Check("a new leader commits without the change");
  b.Admin(StepKind::kAddVoter, n8, "a second, different change under the new leader");
  b.Wait(b.gap() + 1'500'000);
  b.Check("the old leader is back: its uncommitted change is gone or committed");
  b.Wait(b.gap());
  b.Join(n5, p.to);
  b.Admin(StepKind::kAddVoter, n5);
  b.CatchUp(n5, "");
  // Two changes asked for at once: the second must be refused while the
  // first is in flight (or build on it), never silently undo it.
  const api::NodeId n9 = p.nodes + 6, n10 = p.nodes + 7;
  b.Join(n9, p.to);
  b.Join(n10, p.to);
  {
    Step& s = b.Add(StepKind::kAddVotersAtOnce, n9);
    s.peer = n10;
    s.note = "two membership changes in flight at once";
  }
  b.Admin(StepKind::kAddVoter, n9, "waits until n9 is a voter");
  b.Admin(StepKind::kAddVoter, n10, "waits until n10 is a voter");
  b.Check(b.State());
  b.Admin(StepKind::kRemove, 0, "replace the leader: remove whoever leads now");
  b.Check("after replacing the leader");
  b.Wait(b.gap());
  // Whatever old members are left move on (a removed one is skipped).
  for (size_t i = 2; i < order.size(); ++i) {
    b.Upgrade(order[i], p.to, "skipped if removed as the leader");
    b.Check("");
    b.Wait(b.gap());
  }
  b.Finalize();
  // Learners once the cluster version allows them (where the release has them).
  const api::NodeId n6 = p.nodes + 3;
  b.Join(n6, p.to);
  b.Admin(StepKind::kAddLearner, n6, "after finalize").optional = true;
  b.CatchUp(n6, "as a learner; skipped when it is not one");
  b.p().steps.back().optional = true;
  b.Admin(StepKind::kPromote, n6).optional = true;
  b.Admin(StepKind::kAddVoter, n6, "a voter in any case");
  b.Check("");
  bg = LightFaults();
  bg.per_min = 8;
}

void LeaderFlaps(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  p.nodes = p.mode == Mode::kFast ? 3 : 5;
  b.StartAll();
  for (api::NodeId n : b.Shuffled(Range(p.nodes))) {
    b.Timed(StepKind::kIsolate, 0, b.Between(400'000, 1'200'000), "the leader flaps");
    b.Wait(b.gap() / 2);
    b.Timed(StepKind::kClockJump, 0, b.Between(100'000, 600'000), "the new leader's clock jumps");
    b.Upgrade(n, p.to);
    b.Timed(StepKind::kHalves, 0, b.Between(300'000, 900'000));
    b.Wait(b.gap() / 2);
    b.Check(b.State());
    b.Wait(b.gap());
    b.SplitVote();
    b.Check("after a split vote with a crash");
    b.Wait(b.gap() / 2);
  }
  b.Finalize();
  bg.per_min = 30;
  bg.isolate = 3;
  bg.halves = 1;
  bg.one_way = 1;
  bg.clock_jump = 3;
  bg.drift = 1;
  bg.storm = 1;
  bg.leader_target = 0.8;
}

void CrashMidUpgrade(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  for (size_t i = 0; i < order.size(); ++i) {
    b.CrashUpgrade(order[i], p.to, b.Between(200'000, 900'000));
    if (i == 0) {
      b.Wait(b.gap() / 2);
      b.Crash(0, b.Between(200'000, 900'000), true, "the leader crashes mid-upgrade");
    }
    b.Check(b.State());
    if (i == 0) {
      b.Wait(b.gap());
      b.SplitVote();
      b.Check("after a split vote with a crash, mixed");
      b.Wait(b.gap());
      const uint64_t down = b.Between(300'000, 900'000);
      for (api::NodeId n : b.Members()) b.Crash(n, down, true, "every node crashes, mixed");
      b.Check("recovery of a whole mixed cluster");
    }
    b.Wait(b.gap());
  }
  b.Finalize();
  bg.per_min = 15;
  bg.crash = 2;
  bg.isolate = 1;
  bg.slow_disk = 1;
}

// Adversaries on the links in every state of a rolling upgrade: all on
// <from>, mixed, and after finalize (cluster version 3 where both releases
// have it). Light background faults: the adversary is the fault here.
void Adversary(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const uint64_t window = p.mode == Mode::kFast ? 1'500'000 : 3'000'000;
  b.StartAll();
  b.Timed(StepKind::kAdversary, 0, window, "all on " + p.from + ": reported below cluster version 3");
  b.Wait(window);
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  b.UpgradeAndCheck(order[0]);
  b.Timed(StepKind::kAdversary, order[0], window, "mixed: into the first node on " + p.to);
  b.Wait(window);
  b.RolloutRest(order);
  b.Finalize();
  b.Timed(StepKind::kAdversary, 0, window, "finalized: judged where the cluster version is 3");
  b.Wait(window);
  b.Check("commits after the adversary");
  b.Timed(StepKind::kAdversary, 0, 2 * window,
          "again, replaying AppendEntries captured long before (reordered-old)");
  b.Wait(2 * window);
  b.Check("commits after the late replays");
  bg.per_min = 10;
  bg.crash = 1;
  bg.isolate = 1;
  bg.slow_disk = 1;
  bg.leader_target = 0.3;
}

// A node paused longer than the election timeout (the leader in about half
// of the pauses) in every state of a rolling upgrade.
void Pause(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const uint64_t timeout = p.election_ticks * p.tick_interval_us;  // the shortest one
  b.StartAll();
  auto pause = [&](const std::string& note) {
    const api::NodeId n = sim::Chance(b.r(), sim::ToPpm(0.5)) ? 0 : 1 + b.r().Uniform(p.nodes);
    b.Timed(StepKind::kPause, n, b.Between(3 * timeout, 12 * timeout), note);
    b.Wait(b.gap());
    b.Check("a majority commits while it is paused or after it resumed");
    b.Wait(b.gap());
  };
  pause("all on " + p.from);
  for (api::NodeId n : b.Shuffled(Range(p.nodes))) {
    b.UpgradeAndCheck(n);
    pause(b.State());
  }
  b.Finalize();
  pause("finalized");
  bg = LightFaults();
  bg.per_min = 10;
  bg.leader_target = 0.3;
}

// A retry storm on hot keys against a small admission limit, after a
// rolling upgrade and finalize. No background faults: a fault inside only
// one window would be a signal of the fault, not of the release (as in
// staged_rollout).
void Overload(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const bool fast = p.mode == Mode::kFast;
  p.max_inflight_requests = 8;
  // Twice the admission limit in fast mode: the leader's queue reaches the
  // limit in every seed, and a release that does not shed load goes past it.
  p.workload.clients = fast ? 16 : 40;
  p.workload.keys = 6;
  p.workload.zipf_s = 1.6;
  // Puts and Gets only: a put's unique value names the write a read saw, so
  // the linearizability search stays small even with the storm's many
  // indeterminate (timed-out) attempts on the hot key; appends and CAS would
  // make it exhaust its budget (an UNKNOWN seed).
  p.workload.get_weight = 50;
  p.workload.put_weight = 50;
  p.workload.append_weight = 0;
  p.workload.cas_weight = 0;
  p.workload.ops_per_sec = fast ? 400 : 1000;
  p.workload.timeout_us = 40'000;
  p.workload.max_attempts = 12;
  p.workload.backoff_base_us = 5'000;
  p.workload.backoff_max_us = 200'000;
  const uint64_t window = fast ? 1'500'000 : 4'000'000;
  b.StartAll();
  b.Rollout(b.Shuffled(Range(p.nodes)), /*forward=*/true);
  b.Finalize();
  Step& s = b.Timed(StepKind::kOverload, 0, window, "a retry storm against admission control");
  s.delay_us = window;
  s.peer = 1 + b.r().Uniform(p.nodes);
  // The overload step itself runs until recovery (or its bound): the check
  // follows it at once rather than after a fixed stretch of more load.
  b.Wait(2 * window);
  b.Check("commits after the storm");
  bg = BackgroundSpec();  // no background faults
}

// ---- release features: joint consensus, learners, reads ------------------

// The release number of a tag by the vN convention (a canary "v3+x" counts
// as its base); -1 when the tag is not of that form.
int ReleaseNumber(absl::string_view tag) {
  tag = tag.substr(0, tag.find('+'));
  int n = 0;
  if (tag.size() < 2 || tag[0] != 'v' || !absl::SimpleAtoi(tag.substr(1), &n)) return -1;
  return n;
}
// Joint consensus arrived in v3 (versions/v3/RELEASE.md).
bool HasJointConsensus(absl::string_view tag) { return ReleaseNumber(tag) >= 3; }
// Learners arrived in v2 (versions/v2/RELEASE.md); v1 answers kUnimplemented.
bool HasLearners(absl::string_view tag) { return ReleaseNumber(tag) >= 2; }

// The step's second act (a crash, a cut, a heal) comes `delay_us` into it;
// its deadline moves out by as much.
void ActAfter(Step& s, uint64_t delay_us) {
  s.delay_us = delay_us;
  s.duration_us += delay_us;
}

Step& ChangeConfig(Builder& b, std::vector<api::NodeId> voters, std::string note) {
  Step& s = b.Admin(StepKind::kChangeConfig, 0, std::move(note));
  std::sort(voters.begin(), voters.end());
  s.voters = std::move(voters);
  return s;
}

// A fresh <to> node joins and replaces `out` (0: whoever leads) in one
// configuration change.
Step& ReplaceByFresh(Builder& b, api::NodeId out, api::NodeId fresh, std::string note) {
  b.Join(fresh, b.p().to);
  Step& s = ChangeConfig(b, {}, std::move(note));
  s.node = out;
  s.peer = fresh;
  return s;
}

// Joint consensus. Before finalize the request is gated (cluster version
// below 3 in every pair): a clean refusal from the leader is the expected
// outcome. After finalize it is required where <to> has joint consensus and
// again an expected refusal where it does not (v1, v2: kUnimplemented).
// Nodes are never re-added once a change dropped them: every addition is a
// fresh node.
void JointMixed(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  const api::NodeId n4 = p.nodes + 1, n5 = p.nodes + 2, n6 = p.nodes + 3, n7 = p.nodes + 4,
                    n8 = p.nodes + 5;
  const bool joint = HasJointConsensus(p.to);
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  b.UpgradeAndCheck(order[0]);
  b.Join(n4, p.to);
  b.Join(n5, p.to);
  ChangeConfig(b, {order[0], n4, n5}, "mixed, before finalize: gated on cluster version 3")
      .expect_refusal = true;
  b.Check(b.State());
  b.Wait(b.gap());
  b.RolloutRest(order);
  b.Finalize();
  const std::string gate = joint ? "" : absl::StrCat(p.to, " has no joint consensus: ");
  ChangeConfig(b, {order[0], n4, n5}, gate + "replace two of three voters at once")
      .expect_refusal = !joint;
  b.Check("after the two-voter replacement");
  b.Wait(b.gap());
  ReplaceByFresh(b, 0, n6, gate + "replace whoever leads by n" + std::to_string(n6))
      .expect_refusal = !joint;
  b.Check("after replacing the leader");
  b.Wait(b.gap());
  {
    Step& s = ReplaceByFresh(b, n5, n7, gate + "ENTER_JOINT appended, the leader crashes before "
                                               "LEAVE_JOINT");
    s.crash_after = true;
    ActAfter(s, b.Between(300'000, 900'000));
    s.expect_refusal = !joint;
  }
  b.Check("after a leader crash mid-change");
  b.Wait(b.gap());
  {
    Step& s = ReplaceByFresh(b, n4, n8, gate + "neither side of the cut holds a majority of both "
                                               "sets: no commit until it heals");
    s.isolate_after = true;
    ActAfter(s, b.Between(600'000, 1'500'000));
    s.expect_refusal = !joint;
  }
  b.Check("after the partition while joint");
  bg = LightFaults();
}

// Learners in the mixed state, one on each release. Required where both
// releases have learners (v2, v3); optional (a clean "not supported") with v1.
// The cluster is finalized on <from> first: learners need cluster version 2.
void LearnersMixed(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  b.StartAll();
  const bool required = HasLearners(p.from) && HasLearners(p.to);
  const api::NodeId n4 = p.nodes + 1, n5 = p.nodes + 2;
  b.Finalize();
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  b.UpgradeAndCheck(order[0]);
  b.Wait(b.gap());
  b.Join(n4, p.from);
  b.Join(n5, p.to);
  b.Admin(StepKind::kAddLearner, n4, absl::StrCat("a learner on ", p.from)).optional = !required;
  b.CatchUp(n4, "the learner applies the leader's commit index");
  b.p().steps.back().optional = true;  // skipped when it is not a member
  b.Admin(StepKind::kAddLearner, n5, absl::StrCat("a learner on ", p.to)).optional = !required;
  b.CatchUp(n5, "the learner applies the leader's commit index");
  b.p().steps.back().optional = true;
  b.Check(b.State());
  // Every voter but n1 cut off while both learners stay connected to it: a
  // leader that counts learners toward its commit quorum commits what no
  // voter majority holds (the commitment checker says so); a correct one
  // commits nothing until the voters are back (when n1 is not the leader,
  // nobody can lead meanwhile: learners never vote).
  std::vector<api::NodeId> cut;
  for (api::NodeId v = 2; v <= static_cast<api::NodeId>(p.nodes); ++v) cut.push_back(v);
  for (api::NodeId v : cut) {
    b.Timed(StepKind::kLag, v, 0, "a voter majority cut off; n1 and the learners stay");
  }
  b.Wait(b.Between(600'000, 1'000'000));
  for (api::NodeId v : cut) b.Add(StepKind::kRejoin, v).note = "the voters are back";
  b.Check("commits again once the voters are back");
  b.Admin(StepKind::kPromote, n4, "promoted while mixed").optional = !required;
  b.Check("after the promotion");
  b.Wait(b.gap());
  b.Timed(StepKind::kLag, n5, 0, "the learner falls behind");
  b.Wait(b.gap() + b.gap() / 2);
  {
    Step& s = b.Admin(StepKind::kPromoteCut, n5,
                      "refused while it is behind; healed, caught up, then promoted");
    ActAfter(s, b.Between(800'000, 1'500'000));
    s.optional = !required;
  }
  b.CatchUp(n5, "rejoined: applies the leader's commit index");
  b.p().steps.back().optional = true;
  b.Check(b.State());
  b.Wait(b.gap());
  b.RolloutRest(order);
  b.MoveEach({n4}, p.to, "the old-binary learner (a voter now) moves on too");
  b.Finalize();
  bg = LightFaults();
}

// Reads while the leader is deposed: through the log below cluster version 3
// and through ReadIndex at 3, across finalize. A quarter of the Gets ask for
// stale reads (kept out of the linearizability check, checked for monotonic
// reads per client).
void ReadsMixed(ScenarioPlan& p, Builder& b, BackgroundSpec& bg) {
  const bool fast = p.mode == Mode::kFast;
  p.workload.get_weight = 60;
  p.workload.stale_read_ppm = 250'000;
  p.workload.timeout_us = 120'000;  // writers find the new leader while the old one is deposed
  const uint64_t cut_us = fast ? 1'500'000 : 3'000'000;
  b.StartAll();
  auto deposed = [&](const std::string& when) {
    b.Timed(StepKind::kDepose, 0, cut_us,
            "the leader in a minority of one: a new leader commits, the deposed one must not "
            "answer a read (" + when + ")");
    b.Wait(cut_us / 2);
    b.Check("the majority side elected and committed");
    b.Wait(cut_us);
  };
  auto flaps = [&] {
    b.Timed(StepKind::kIsolate, 0, b.Between(300'000, 700'000), "the leader flaps");
    b.Wait(b.gap() / 2);
    b.Timed(StepKind::kClockJump, 0, b.Between(100'000, 600'000), "the new leader's clock jumps");
    b.Timed(StepKind::kIsolate, 0, b.Between(300'000, 700'000), "and flaps again");
    b.Wait(b.gap() / 2);
    b.Check("after the flaps");
  };
  deposed("all on " + p.from);
  std::vector<api::NodeId> order = b.Shuffled(Range(p.nodes));
  for (api::NodeId n : order) {
    b.UpgradeAndCheck(n);
    deposed(b.State());
    flaps();
    b.Wait(b.gap());
  }
  b.Finalize();
  deposed("finalized");
  flaps();
  deposed("finalized, again");
  bg.per_min = 20;
  bg.isolate = 3;
  bg.halves = 1;
  bg.clock_jump = 1;
  bg.leader_target = 0.8;
}

}  // namespace

std::vector<std::string> TagsBetween(absl::string_view from, absl::string_view to) {
  auto number = [](absl::string_view tag) -> int {
    tag = tag.substr(0, tag.find('+'));  // a canary counts as its base
    int n = 0;
    if (tag.size() < 2 || tag[0] != 'v' || !absl::SimpleAtoi(tag.substr(1), &n)) return -1;
    return n;
  };
  const int a = number(from), b = number(to);
  std::vector<std::string> out;
  if (a < 0 || b < 0) return out;
  for (int i = a + 1; i < b; ++i) out.push_back(absl::StrCat("v", i));
  return out;
}

absl::StatusOr<ScenarioPlan> Compile(absl::string_view scenario, absl::string_view from,
                                     absl::string_view to, uint64_t seed, Mode mode) {
  if (FindScenario(scenario) == nullptr) {
    std::vector<std::string> names;
    for (const Scenario& s : AllScenarios()) names.push_back(s.name);
    return absl::InvalidArgumentError(absl::StrCat("unknown scenario '", scenario,
                                                   "' (known: ", absl::StrJoin(names, ","), ")"));
  }
  if (from.empty() || to.empty()) return absl::InvalidArgumentError("empty release tag");
  ScenarioPlan p;
  p.scenario = std::string(scenario);
  p.from = std::string(from);
  p.to = std::string(to);
  p.seed = seed;
  p.mode = mode;
  const bool fast = mode == Mode::kFast;
  p.network.drop = sim::ToPpm(0.01);
  p.network.duplicate = sim::ToPpm(0.01);
  p.network.reorder = sim::ToPpm(0.02);
  p.workload.clients = fast ? 5 : 8;
  p.workload.keys = fast ? 8 : 16;
  p.workload.zipf_s = 1.1;
  p.workload.ops_per_sec = fast ? 150 : 300;
  p.liveness_us = fast ? 2'000'000 : 4'000'000;
  Builder b(&p);
  BackgroundSpec bg;
  if (scenario == "rolling_upgrade") {
    RollingUpgrade(p, b, bg);
  } else if (scenario == "rolling_downgrade") {
    RollingDowngrade(p, b, bg);
  } else if (scenario == "downgrade_after_finalize") {
    DowngradeAfterFinalize(p, b, bg);
  } else if (scenario == "topologies_3") {
    Topologies(p, b, 3);
  } else if (scenario == "topologies_5") {
    Topologies(p, b, 5);
  } else if (scenario == "snapshot_exchange") {
    SnapshotExchange(p, b, bg);
  } else if (scenario == "compaction_mixed") {
    CompactionMixed(p, b, bg);
  } else if (scenario == "membership_mixed") {
    MembershipMixed(p, b, bg);
  } else if (scenario == "leader_flaps") {
    LeaderFlaps(p, b, bg);
  } else if (scenario == "crash_mid_upgrade") {
    CrashMidUpgrade(p, b, bg);
  } else if (scenario == "downgrade_procedure") {
    DowngradeProcedure(p, b, bg);
  } else if (scenario == "staged_rollout") {
    StagedRollout(p, b, bg);
  } else if (scenario == "multi_hop") {
    MultiHop(p, b, bg);
  } else if (scenario == "adversary") {
    Adversary(p, b, bg);
  } else if (scenario == "overload") {
    Overload(p, b, bg);
  } else if (scenario == "pause") {
    Pause(p, b, bg);
  } else if (scenario == "joint_mixed") {
    JointMixed(p, b, bg);
  } else if (scenario == "learners_mixed") {
    LearnersMixed(p, b, bg);
  } else if (scenario == "reads_mixed") {
    ReadsMixed(p, b, bg);
  }
  p.planned_end_us = b.now() + b.gap();
  if (!fast) bg.per_min *= 1.5;
  b.Background(bg, /*from_us=*/b.gap(), p.planned_end_us);
  // Scripts long enough for a timeline that stretches (waiting steps) and the
  // liveness phase; unused operations cost nothing.
  p.background.ops = sim::GenerateOps(sim::DeriveSeed(seed, "workload-script"), p.workload,
                                      2 * p.planned_end_us + p.liveness_us + 10'000'000);
  return p;
}

std::string ScenarioPlan::ToString(bool ops_in_full) const {
  std::string s;
  const Scenario* sc = FindScenario(scenario);
  absl::StrAppend(&s, "scenario ", scenario, ": ", from, " -> ", to, ", seed ", seed, ", mode ",
                  ModeName(mode), "\n");
  if (sc != nullptr) {
    absl::StrAppend(&s, "  ", sc->summary, "\n  requires: ", sc->requires.ToString(), "\n");
  }
  absl::StrAppend(&s, absl::StrFormat(
                          "cluster: %d nodes, snapshot threshold %d entries, election %d ticks "
                          "of %s, links drop %d dup %d reorder %d ppm\n",
                          nodes, snapshot_threshold, election_ticks, Secs(tick_interval_us),
                          network.drop, network.duplicate, network.reorder));
  absl::StrAppend(&s, absl::StrFormat(
                          "workload: %d clients, %d keys, zipf %.2f, %d ops/s, attempt timeout %s, "
                          "%d attempts, %d cohorts\n",
                          workload.clients, workload.keys, workload.zipf_s, workload.ops_per_sec,
                          Secs(workload.timeout_us), workload.max_attempts, workload.cohorts));
  if (max_inflight_requests != ScenarioPlan().max_inflight_requests) {
    absl::StrAppend(&s, "admission: max_inflight_requests ", max_inflight_requests, " per node\n");
  }
  absl::StrAppend(&s, "steps:\n");
  size_t i = 0;
  for (const Step& st : steps) absl::StrAppend(&s, absl::StrFormat("%3d. ", ++i), StepString(st), "\n");
  absl::StrAppend(&s, "background faults (one at a time, 'leader' = the leader then):\n");
  for (const sim::Fault& f : background.faults) {
    absl::StrAppend(&s, absl::StrFormat("%3d. ", ++i), sim::FaultString(f), "\n");
  }
  if (ops_in_full) {
    for (const sim::ClientOp& op : background.ops) {
      absl::StrAppend(&s, absl::StrFormat("%3d. @%s ", ++i, Secs(op.at_us)),
                      sim::ClientOpString(op), "\n");
    }
  } else {
    absl::StrAppend(&s, "     + ", background.ops.size(), " client operations (scripted)\n");
  }
  absl::StrAppend(&s, "phases: steps in order (planned end ", Secs(planned_end_us),
                  ", later if a step waits), heal, liveness ", Secs(liveness_us),
                  " (commit within ", Secs(liveness_bound_us), "), drain, read-back\n");
  return s;
}

}  // namespace raftlog::runner
