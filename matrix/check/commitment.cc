#include "matrix/check/commitment.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::check {
namespace {

constexpr int kMaxReports = 8;

bool Contains(const std::vector<api::NodeId>& set, api::NodeId id) {
  return std::find(set.begin(), set.end(), id) != set.end();
}

}  // namespace

std::vector<api::NodeId> Commitment::Holders(const std::vector<api::NodeId>& voters,
                                             const Checked& c) const {
  std::vector<api::NodeId> out;
  for (api::NodeId v : voters) {
    if (shadow_.Holds(v, c.index, c.entry)) out.push_back(v);
  }
  return out;
}

bool Commitment::HasQuorum(const Checked& c, std::string* detail, bool meeting_every) const {
  bool ok = true;
  for (const std::vector<api::NodeId>* voters : {&c.config.voters, &c.config.voters_outgoing}) {
    if (voters->empty()) continue;
    std::vector<api::NodeId> holders = Holders(*voters, c);
    if (holders.size() * 2 > voters->size()) continue;
    // Half of an even-sized set meets every majority of it.
    if (meeting_every && holders.size() * 2 == voters->size()) continue;
    ok = false;
    absl::StrAppend(detail, detail->empty() ? "" : "; ", "of the ",
                    voters == &c.config.voters ? "voters" : "outgoing voters", " {",
                    absl::StrJoin(*voters, ","), "} only {", absl::StrJoin(holders, ","),
                    "} hold it");
  }
  return ok;
}

void Commitment::CheckLearner(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  auto [it, inserted] = roles_.try_emplace(step.id, api::Role::kFollower, 0);
  const auto [prev_role, prev_term] = it->second;
  it->second = {s.role, s.term};
  if (!std::binary_search(s.config.learners.begin(), s.config.learners.end(), step.id)) return;
  const bool campaigning = s.role == api::Role::kPreCandidate || s.role == api::Role::kCandidate;
  const bool new_leader =
      s.role == api::Role::kLeader && (prev_role != api::Role::kLeader || prev_term != s.term);
  if (!campaigning && !new_leader) return;
  if (learner_reports_ >= kMaxReports) return;
  ++learner_reports_;
  Report(step.time_us,
         absl::StrCat("node ", step.id, " (", step.tag, ") became ", api::RoleName(s.role),
                      " in term ", s.term, " although its configuration (index ",
                      s.config_index, ": ", api::ConfigString(s.config),
                      ") lists it as a learner"));
}

void Commitment::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  const LogShadow::Change change = shadow_.Observe(step);
  CheckLearner(step);
  if (change.restarted && change.removed_from != 0 && checked_.entry.term != 0 &&
      change.removed_from <= checked_.index &&
      (Contains(checked_.config.voters, step.id) ||
       Contains(checked_.config.voters_outgoing, step.id))) {
    // The restart lost entries this node may have been counted for.
    std::string detail;
    if (!HasQuorum(checked_, &detail) && quorum_reports_ < kMaxReports) {
      ++quorum_reports_;
      Report(step.time_us,
             absl::StrCat("node ", step.id, " (", step.tag, ") restarted without entry ",
                          change.removed_from, " (its log now ends at ", s.last_index,
                          "): index ", checked_.index, " ", EntryString(checked_.entry),
                          ", committed by node ", checked_.reporter, " under ",
                          api::ConfigString(checked_.config), ", is no longer held by a quorum: ",
                          detail));
    }
  }
  // The configuration this node reported at the end of its previous step in
  // this incarnation: a leader that counts acknowledgements under it and, in
  // the same step, moves on (leaves a joint configuration) reports the new
  // one at the end of the step, which is not what decided the commit.
  // Only when the new configuration comes from an entry above the committed
  // index: a configuration takes effect when its entry is appended, so one at
  // or below the commit index may itself have decided it (a leader that
  // removes the only other voter commits the removal alone).
  std::optional<api::Config> before;
  auto [last, first_step] = last_config_.try_emplace(step.id, s.config);
  if (!first_step && !(last->second == s.config)) {
    // Copied only when the configuration changed: this runs on every step.
    if (!change.first_seen && !change.restarted && s.config_index > s.commit_index) {
      before = std::move(last->second);
    }
    last->second = s.config;
  }
  if (s.commit_index <= checked_.index) return;
  std::optional<api::EntryId> entry = shadow_.At(step.id, s.commit_index);
  checked_.index = s.commit_index;
  checked_.reporter = step.id;
  checked_.config = s.config;
  checked_.entry = entry ? *entry : api::EntryId{};
  // A reporter that does not hold its own commit index (covered by its
  // snapshot) names no entry to look for. A node's first step of an
  // incarnation reports what it bootstrapped or recovered, not a decision.
  if (!entry || s.config.voters.empty() || change.first_seen || change.restarted) return;
  ++quorum_checks_;
  std::string detail;
  if (HasQuorum(checked_, &detail)) {
    if (!before.has_value()) return;
    // Also held by enough of what was in force when the step began that
    // every majority of it (every election it could still decide) meets a
    // holder: a single-server removal from four voters to three may commit
    // on two of the four (Raft thesis section 4.1: majorities of the old and
    // the new configuration overlap).
    Checked earlier = checked_;
    earlier.config = *before;
    if (HasQuorum(earlier, &detail, /*meeting_every=*/true)) return;
    if (quorum_reports_ >= kMaxReports) return;
    ++quorum_reports_;
    Report(step.time_us,
           absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role), ", term ",
                        s.term, ") reports index ", s.commit_index, " ", EntryString(entry),
                        " committed in a step that began under ", api::ConfigString(*before),
                        " and ended under ", api::ConfigString(s.config), " (index ",
                        s.config_index, "), but not every majority of the first meets a holder: ", detail));
    return;
  }
  if (quorum_reports_ >= kMaxReports) return;
  ++quorum_reports_;
  Report(step.time_us,
         absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role), ", term ",
                      s.term, ") reports index ", s.commit_index, " ", EntryString(entry),
                      " committed under ", api::ConfigString(s.config), " (index ",
                      s.config_index, "), but ", detail));
}

}  // namespace raftlog::check
