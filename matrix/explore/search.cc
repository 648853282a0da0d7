#include "matrix/explore/search.h"

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace raftlog::explore {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kSafe: return "safe within bounds";
    case Verdict::kViolation: return "violation";
    case Verdict::kBudgetExhausted: return "budget exhausted";
  }
  return "?";
}

namespace {

// A visited state: the smallest depth it was expanded at, and the sleep set
// (sorted choice keys) it was expanded with.
struct Visit {
  int depth = 0;
  std::vector<uint64_t> sleep;
};

std::vector<uint64_t> Keys(const std::vector<Choice>& choices) {
  std::vector<uint64_t> keys;
  for (const Choice& c : choices) keys.push_back(ChoiceKey(c));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

class Searcher {
 public:
  explicit Searcher(const SearchOptions& o) : o_(o), start_(absl::Now()) {}

  absl::StatusOr<SearchResult> Run() {
    const int max_depth = std::max(o_.bounds.depth, 0);
    for (int limit = o_.iterative ? 0 : max_depth; limit <= max_depth; ++limit) {
      visited_.clear();
      frontier_hit_ = false;
      r_.depth_limit = limit;
      if (absl::Status s = Rebuild({}); !s.ok()) return s;
      Remember(live_->Digest(), 0, {});
      if (o_.observe) o_.observe(*live_);
      if (live_->HasViolation()) Found({});  // the prefix alone violates
      if (!stop_) Dfs({}, {});
      r_.distinct = visited_.size();
      if (stop_) break;
      if (!frontier_hit_) {
        r_.stopped_by = "closed";
        break;
      }
      r_.stopped_by = "depth";
    }
    if (!r_.violating.empty()) r_.verdict = Verdict::kViolation;
    r_.seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    return r_;
  }

 private:
  // Makes the live World the state after prefix + `path`.
  absl::Status Rebuild(const std::vector<Choice>& path) {
    ++r_.replays;
    absl::StatusOr<std::unique_ptr<World>> w = World::Create(o_.bounds);
    if (!w.ok()) return w.status();
    live_ = *std::move(w);
    if (resolved_prefix_.size() == o_.prefix.size()) {
      // Checked once below; every later rebuild takes the same steps.
      for (const Choice& c : resolved_prefix_) {
        if (absl::Status s = live_->Apply(c, /*checked=*/false); !s.ok()) return s;
      }
    } else {
      for (const Choice& named : o_.prefix) {
        absl::StatusOr<Choice> c = live_->ApplyNamed(named);
        if (!c.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("prefix: ", c.status().message()));
        }
        resolved_prefix_.push_back(*c);
      }
    }
    for (const Choice& c : path) {
      if (absl::Status s = live_->Apply(c, /*checked=*/false); !s.ok()) return s;
    }
    live_path_ = path;
    return absl::OkStatus();
  }

  bool OutOfBudget() {
    if (r_.transitions >= o_.max_transitions) {
      r_.stopped_by = "transitions";
    } else if (o_.time_budget_s > 0 && (r_.transitions & 63) == 0 &&
               absl::ToDoubleSeconds(absl::Now() - start_) > o_.time_budget_s) {
      r_.stopped_by = "time";
    } else {
      return false;
    }
    r_.verdict = Verdict::kBudgetExhausted;
    stop_ = true;
    return true;
  }

  void Found(const std::vector<Choice>& path) {
    StateDigest d = live_->Digest();
    if (!r_.violating.insert(d).second) return;
    if (r_.path.empty() && r_.violations.empty()) {
      r_.path = resolved_prefix_;
      r_.path.insert(r_.path.end(), path.begin(), path.end());
      for (const check::Violation& v : live_->checkers().Violations()) {
        if (!v.liveness) r_.violations.push_back(v);
      }
    }
    if (o_.stop_at_violation) {
      r_.stopped_by = "violation";
      stop_ = true;
    }
  }

  // Records a visit; true when the state must be expanded (new, or now
  // reached shallower or with less asleep). `sleep` is narrowed to what the
  // expansion must still keep asleep. A state seen before no deeper needs
  // only the choices its earlier expansion kept asleep and this visit does
  // not (sleep sets with state caching, Godefroid 1996): those are put in
  // `awake`, and only they are expanded; empty `awake` means expand all.
  bool Remember(const StateDigest& d, int depth, std::vector<uint64_t> sleep,
                std::vector<uint64_t>* expand_sleep = nullptr,
                std::vector<uint64_t>* awake = nullptr) {
    if (o_.keep_states) r_.states.insert(d);
    auto [it, inserted] = visited_.try_emplace(d, Visit{depth, sleep});
    if (!inserted) {
      Visit& v = it->second;
      if (v.depth <= depth) {
        if (std::includes(sleep.begin(), sleep.end(), v.sleep.begin(), v.sleep.end())) {
          return false;  // seen no deeper, with no more asleep
        }
        if (awake != nullptr) {
          std::set_difference(v.sleep.begin(), v.sleep.end(), sleep.begin(), sleep.end(),
                              std::back_inserter(*awake));
        }
        std::vector<uint64_t> both;
        std::set_intersection(v.sleep.begin(), v.sleep.end(), sleep.begin(), sleep.end(),
                              std::back_inserter(both));
        sleep = std::move(both);
      }
      v = Visit{std::min(v.depth, depth), sleep};
    }
    if (expand_sleep != nullptr) *expand_sleep = std::move(sleep);
    return true;
  }

  // REQUIRES: the live World is at `path`.
  // With `only` non-empty, expands just the choices whose keys it lists.
  void Dfs(const std::vector<Choice>& path, const std::vector<Choice>& sleep,
           const std::vector<uint64_t>& only = {}) {
    const int depth = static_cast<int>(path.size());
    const std::vector<Choice> enabled = live_->Enabled();
    if (depth >= r_.depth_limit) {
      if (!enabled.empty()) frontier_hit_ = true;
      return;
    }
    std::vector<uint64_t> asleep = Keys(sleep);
    std::vector<Choice> done;  // explored siblings, for the later ones' sleep sets
    bool live_here = true;
    for (const Choice& c : enabled) {
      if (stop_ || OutOfBudget()) return;
      if (o_.reduction && std::binary_search(asleep.begin(), asleep.end(), ChoiceKey(c))) {
        continue;
      }
      if (!only.empty() && !std::binary_search(only.begin(), only.end(), ChoiceKey(c))) {
        continue;
      }
      if (!live_here) {
        if (absl::Status s = Rebuild(path); !s.ok()) {
          error_ = s;
          stop_ = true;
          return;
        }
      }
      live_here = false;
      std::vector<Choice> child = path;
      child.push_back(c);
      if (absl::Status s = live_->Apply(c, /*checked=*/false); !s.ok()) {
        error_ = s;
        stop_ = true;
        return;
      }
      ++r_.transitions;
      r_.depth_reached = std::max(r_.depth_reached, depth + 1);
      if (o_.observe) o_.observe(*live_);
      std::vector<Choice> child_sleep;
      if (o_.reduction) {
        for (const Choice& s : sleep) {
          if (Independent(s, c)) child_sleep.push_back(s);
        }
        for (const Choice& s : done) {
          if (Independent(s, c)) child_sleep.push_back(s);
        }
      }
      done.push_back(c);
      if (live_->HasViolation()) {
        Found(child);
        // Stopping: done. Collecting every violation: a violating state is
        // expanded like any other, so both searches see the same states.
        if (stop_ || o_.stop_at_violation) continue;
      }
      std::vector<uint64_t> keep, awake;
      if (!Remember(live_->Digest(), depth + 1, Keys(child_sleep), &keep,
                    o_.reduction ? &awake : nullptr)) {
        continue;
      }
      // Keep asleep only what both visits had asleep.
      child_sleep.erase(std::remove_if(child_sleep.begin(), child_sleep.end(),
                                       [&](const Choice& s) {
                                         return !std::binary_search(keep.begin(), keep.end(),
                                                                    ChoiceKey(s));
                                       }),
                        child_sleep.end());
      Dfs(child, child_sleep, awake);
    }
  }

 public:
  absl::Status error_;

 private:
  const SearchOptions& o_;
  absl::Time start_;
  SearchResult r_;
  std::unique_ptr<World> live_;
  std::vector<Choice> live_path_;
  std::vector<Choice> resolved_prefix_;
  std::map<StateDigest, Visit> visited_;
  bool frontier_hit_ = false;
  bool stop_ = false;
};

}  // namespace

absl::StatusOr<SearchResult> Search(const SearchOptions& options) {
  Searcher s(options);
  absl::StatusOr<SearchResult> r = s.Run();
  if (!s.error_.ok()) return s.error_;
  return r;
}

}  // namespace raftlog::explore
