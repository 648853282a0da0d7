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

bool Commitment::HasQuorum(const Checked& c, std::string* detail) const {
  bool ok = true;
  for (const std::vector<api::NodeId>* voters : {&c.config.voters, &c.config.voters_outgoing}) {
    if (voters->empty()) continue;
    std::vector<api::NodeId> holders = Holders(*voters, c);
    if (holders.size() * 2 > voters->size()) continue;
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
  // this incarnation, when the step moved on from it to one whose entry lies
  // above the commit index (a leader that left a joint configuration in the
  // step that committed). Moving on is allowed only once the entry that set
  // the old configuration is committed under it, and a configuration takes
  // effect when its entry is appended, so one at or below the commit index
  // may itself have decided the commit (a leader that removes the only other
  // voter commits the removal alone).
  std::optional<std::pair<api::Config, uint64_t>> before;  // config, its entry's index
  auto [last, first_step] = last_config_.try_emplace(step.id, s.config, s.config_index);
  if (!first_step && !(last->second.first == s.config)) {
    // Copied only when the configuration changed: this runs on every step.
    if (!change.first_seen && !change.restarted && s.config_index > s.commit_index) {
      before = std::move(last->second);
    }
    last->second = {s.config, s.config_index};
  }
  if (s.commit_index <= checked_.index) return;
  const uint64_t previously_checked = checked_.index;
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
  if (!HasQuorum(checked_, &detail)) {
    if (quorum_reports_ >= kMaxReports) return;
    ++quorum_reports_;
    Report(step.time_us,
           absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role), ", term ",
                        s.term, ") reports index ", s.commit_index, " ", EntryString(entry),
                        " committed under ", api::ConfigString(s.config), " (index ",
                        s.config_index, "), but ", detail));
    return;
  }
  // The entry that set the configuration the step began with, when this
  // step committed it: that configuration alone could decide it (Raft
  // thesis 4.3: C_new follows only a committed C_old,new). Entries after it
  // may then be committed under the new configuration alone.
  if (!before.has_value()) return;
  const auto& [old_config, old_index] = *before;
  if (old_index == 0 || old_index <= previously_checked || old_index > s.commit_index) return;
  std::optional<api::EntryId> old_entry = shadow_.At(step.id, old_index);
  if (!old_entry) return;
  Checked earlier{old_index, *old_entry, step.id, old_config};
  if (HasQuorum(earlier, &detail)) return;
  if (quorum_reports_ >= kMaxReports) return;
  ++quorum_reports_;
  Report(step.time_us,
         absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role), ", term ",
                      s.term, ") committed index ", old_index, " ", EntryString(old_entry),
                      ", the entry of ", api::ConfigString(old_config),
                      ", and moved on to ", api::ConfigString(s.config), " (index ",
                      s.config_index, ") in the same step, but under the configuration it set ",
                      detail));
}

}  // namespace raftlog::check
