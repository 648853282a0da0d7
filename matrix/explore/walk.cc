#include "matrix/explore/walk.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "matrix/sim/ddmin.h"
#include "matrix/sim/random.h"
#include "versions/api/mem_env.h"

namespace raftlog::explore {
namespace {

// The checker of the first safety violation, or "".
std::string FirstChecker(const World& w) {
  for (const check::Violation& v : w.checkers().Violations()) {
    if (!v.liveness) return v.checker;
  }
  return "";
}

// A fresh World after the prefix (whose choices are named as a recording
// names them: resolved here).
absl::StatusOr<std::unique_ptr<World>> Start(const WalkOptions& o) {
  absl::StatusOr<std::unique_ptr<World>> w = World::Create(o.bounds);
  if (!w.ok()) return w.status();
  for (size_t i = 0; i < o.prefix.size(); ++i) {
    absl::StatusOr<Choice> c = (*w)->ApplyNamed(o.prefix[i]);
    if (!c.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("prefix choice ", i + 1, ": ", c.status().message()));
    }
  }
  return w;
}

uint32_t KindBit(ChoiceKind k) { return 1u << static_cast<int>(k); }

// The kinds one swarm walk may take: deliveries, ticks and restarts always
// (without them nothing progresses), every other kind with probability 1/2.
uint32_t SwarmKinds(api::Random& random) {
  uint32_t kinds = KindBit(ChoiceKind::kDeliver) | KindBit(ChoiceKind::kTick) |
                   KindBit(ChoiceKind::kRestart);
  for (int k = 0; k <= static_cast<int>(ChoiceKind::kRollback); ++k) {
    if (random.Uniform(2) == 1) kinds |= 1u << k;
  }
  return kinds;
}

// Priority scheduling of deliveries (after PCT, Burckhardt et al., "A
// randomized scheduler with probabilistic guarantees of finding bugs", 2010):
// every edge (sender, receiver) gets a random priority; a step delivers the
// waiting message of the highest-priority edge or, with probability 1/2,
// takes one of the other choices uniformly; at a few random depths the edge
// just served drops to the lowest priority. Low-priority edges starve, so
// messages stay in flight across elections: an entry only its leader holds,
// a vote that arrives a term late.
class EdgePriorities {
 public:
  static constexpr int kChangePoints = 3;

  EdgePriorities(size_t nodes, int depth, api::Random& random) : nodes_(nodes) {
    priority_.resize((nodes + 1) * (nodes + 1));
    for (uint64_t& p : priority_) p = random.Uniform(1ull << 40) + kChangePoints + 1;
    for (int i = 0; i < kChangePoints && depth > 0; ++i) {
      change_at_.push_back(static_cast<int>(random.Uniform(depth)));
    }
  }

  const Choice& Pick(const std::vector<Choice>& enabled, int depth, api::Random& random) {
    const Choice* best = nullptr;
    size_t others = 0;
    for (const Choice& c : enabled) {
      if (c.kind != ChoiceKind::kDeliver) {
        ++others;
      } else if (best == nullptr || Priority(c) > Priority(*best)) {
        best = &c;
      }
    }
    if (best == nullptr || (others > 0 && random.Uniform(2) == 0)) {
      size_t k = random.Uniform(others);
      for (const Choice& c : enabled) {
        if (c.kind != ChoiceKind::kDeliver && k-- == 0) return c;
      }
    }
    if (std::find(change_at_.begin(), change_at_.end(), depth) != change_at_.end()) {
      Priority(*best) = lowest_--;
    }
    return *best;
  }

 private:
  uint64_t& Priority(const Choice& c) {
    const size_t from = std::min<size_t>(c.from, nodes_), to = std::min<size_t>(c.node, nodes_);
    return priority_[from * (nodes_ + 1) + to];
  }

  size_t nodes_;
  std::vector<uint64_t> priority_;
  std::vector<int> change_at_;
  uint64_t lowest_ = kChangePoints;
};

// A walk's step as the shrinker replays it: the choice, and the type of the
// message it names (to find a stand-in when the exact bytes are gone).
struct Step {
  Choice choice;
  std::string type;
};

// Replays `steps` (a subset of a walk) leniently; returns the choices it
// applied and the checker of the first violation they reached ("" if none).
std::pair<std::vector<Choice>, std::string> ReplayLeniently(const WalkOptions& o,
                                                            const std::vector<Step>& steps) {
  std::pair<std::vector<Choice>, std::string> out;
  absl::StatusOr<std::unique_ptr<World>> w = Start(o);
  if (!w.ok()) return out;
  World& world = **w;
  for (const Step& s : steps) {
    const std::vector<Choice> enabled = world.Enabled();
    Choice c = s.choice;
    if (std::find(enabled.begin(), enabled.end(), c) == enabled.end()) {
      if (s.type.empty()) continue;
      Choice by_type = c;
      by_type.digest = 0;
      by_type.type = s.type;
      absl::StatusOr<Choice> stand_in = world.Resolve(by_type);
      if (!stand_in.ok() ||
          std::find(enabled.begin(), enabled.end(), *stand_in) == enabled.end()) {
        continue;
      }
      c = *stand_in;
    }
    (void)world.Apply(c, /*checked=*/false);
    out.first.push_back(c);
    if (world.HasViolation()) {
      out.second = FirstChecker(world);
      break;
    }
  }
  return out;
}

class Walker {
 public:
  explicit Walker(const WalkOptions& o) : o_(o), start_(absl::Now()) {}

  absl::StatusOr<WalkResult> Run() {
    r_.stopped_by = "walks";
    for (uint64_t w = 0; w < o_.walks; ++w) {
      if (o_.time_budget_s > 0 &&
          absl::ToDoubleSeconds(absl::Now() - start_) > o_.time_budget_s) {
        r_.stopped_by = "time";
        break;
      }
      absl::StatusOr<bool> violated = Walk(w);
      if (!violated.ok()) return violated.status();
      ++r_.walks;
      if (*violated) {
        r_.verdict = Verdict::kViolation;
        r_.stopped_by = "violation";
        r_.violating_walk = w;
        Shrink();
        break;
      }
    }
    r_.distinct_ends = ends_.size();
    r_.seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    return r_;
  }

 private:
  // One walk; true if it reached a violation (its steps are kept in steps_).
  absl::StatusOr<bool> Walk(uint64_t index) {
    absl::StatusOr<std::unique_ptr<World>> w = Start(o_);
    if (!w.ok()) return w.status();
    World& world = **w;
    if (world.HasViolation()) return absl::InvalidArgumentError("the prefix alone violates");
    api::SeededRandom random(sim::DeriveSeed(o_.seed, "walk", index));
    const uint32_t kinds = o_.swarm ? SwarmKinds(random) : ~0u;
    const bool by_priority = o_.priority_walks && index % 2 == 1;
    EdgePriorities priorities(o_.bounds.tags.size(), o_.bounds.depth, random);
    steps_.clear();
    std::vector<Choice> enabled;
    for (int depth = 0; depth < o_.bounds.depth; ++depth) {
      enabled = world.Enabled();
      enabled.erase(std::remove_if(enabled.begin(), enabled.end(),
                                   [&](const Choice& c) { return !(kinds & KindBit(c.kind)); }),
                    enabled.end());
      if (enabled.empty()) break;
      const Choice& c = by_priority ? priorities.Pick(enabled, depth, random)
                                    : enabled[random.Uniform(enabled.size())];
      steps_.push_back(Step{c, world.MessageType(c)});
      (void)world.Apply(c, /*checked=*/false);
      ++r_.transitions;
      if (o_.observe) o_.observe(world);
      if (world.HasViolation()) {
        checker_ = FirstChecker(world);
        return true;
      }
    }
    ends_.insert(world.Digest());
    return false;
  }

  void Shrink() {
    r_.walk_length = steps_.size();
    std::vector<size_t> keep(steps_.size());
    std::iota(keep.begin(), keep.end(), 0);
    std::vector<Choice> best;
    auto subset = [&](const std::vector<size_t>& indexes) {
      std::vector<Step> s;
      for (size_t i : indexes) s.push_back(steps_[i]);
      return s;
    };
    auto fails = [&](const std::vector<size_t>& candidate) {
      ++r_.shrink_replays;
      auto [applied, checker] = ReplayLeniently(o_, subset(candidate));
      if (checker != checker_) return false;
      best = std::move(applied);
      return true;
    };
    if (!fails(keep)) {  // cannot happen: the walk itself replays exactly
      best.clear();
      for (const Step& s : steps_) best.push_back(s.choice);
    }
    sim::DdminComplements(
        std::move(keep), [&] { return r_.shrink_replays < o_.shrink_replays; }, fails);
    r_.path = o_.prefix;
    r_.path.insert(r_.path.end(), best.begin(), best.end());
    // The violations the shrunk path reaches, replayed strictly.
    absl::StatusOr<std::unique_ptr<World>> w = Start(o_);
    if (!w.ok()) return;
    for (const Choice& c : best) {
      if (!(*w)->Apply(c).ok()) break;
    }
    for (const check::Violation& v : (*w)->checkers().Violations()) {
      if (!v.liveness) r_.violations.push_back(v);
    }
  }

  const WalkOptions& o_;
  const absl::Time start_;
  WalkResult r_;
  std::vector<Step> steps_;
  std::string checker_;
  std::set<StateDigest> ends_;
};

}  // namespace

absl::StatusOr<WalkResult> RandomWalks(const WalkOptions& options) {
  if (options.bounds.depth < 0) return absl::InvalidArgumentError("depth must be >= 0");
  return Walker(options).Run();
}

}  // namespace raftlog::explore
