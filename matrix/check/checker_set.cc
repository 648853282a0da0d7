#include "matrix/check/checker_set.h"

#include "absl/strings/str_cat.h"
#include "matrix/check/commitment.h"
#include "matrix/check/config_agreement.h"
#include "matrix/check/config_safety.h"
#include "matrix/check/durability.h"
#include "matrix/check/election_safety.h"
#include "matrix/check/leader_completeness.h"
#include "matrix/check/liveness.h"
#include "matrix/check/log_matching.h"
#include "matrix/check/log_shortening.h"
#include "matrix/check/read_leadership.h"
#include "matrix/check/snapshot_metadata.h"
#include "matrix/check/state_machine_safety.h"

namespace raftlog::check {

CheckerSet::CheckerSet(const CheckerOptions& options) {
  Add(std::make_unique<ElectionSafety>());
  Add(std::make_unique<LogMatching>(options.log_matching_window));
  Add(std::make_unique<LeaderCompleteness>(options.max_tracked_entries));
  Add(std::make_unique<StateMachineSafety>(options.max_tracked_entries));
  Add(std::make_unique<Durability>());
  if (options.config_safety) Add(std::make_unique<ConfigSafety>());
  Add(std::make_unique<Commitment>());
  Add(std::make_unique<ConfigAgreement>());
  Add(std::make_unique<LogShortening>());
  Add(std::make_unique<ReadLeadership>());
  Add(std::make_unique<SnapshotMetadata>());
  Add(std::make_unique<Liveness>(options.liveness_bound_us));
}

uint64_t CheckerSet::safety_violations() const {
  uint64_t n = 0;
  for (const auto& c : checkers_) {
    if (!c->liveness()) n += c->violation_count();
  }
  return n;
}

uint64_t CheckerSet::liveness_violations() const {
  uint64_t n = 0;
  for (const auto& c : checkers_) {
    if (c->liveness()) n += c->violation_count();
  }
  return n;
}

std::vector<Violation> CheckerSet::Violations() const {
  std::vector<Violation> out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& c : checkers_) {
      if (c->liveness() != (pass == 1)) continue;
      out.insert(out.end(), c->violations().begin(), c->violations().end());
    }
  }
  return out;
}

std::string CheckerSet::Verdicts() const {
  std::string out;
  for (const auto& c : checkers_) {
    absl::StrAppend(&out, c->liveness() ? "liveness " : "safety   ", c->name(), ": ",
                    c->violation_count() == 0
                        ? std::string("ok")
                        : absl::StrCat(c->violation_count(), " violation(s)"),
                    "\n");
  }
  return out;
}

Checker* CheckerSet::Find(absl::string_view name) const {
  for (const auto& c : checkers_) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

}  // namespace raftlog::check
