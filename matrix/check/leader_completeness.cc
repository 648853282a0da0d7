#include "matrix/check/leader_completeness.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void LeaderCompleteness::OnCrash(uint64_t time_us, api::NodeId id) {
  committed_.OnCrash(id);
  cursor_.erase(id);
}

void LeaderCompleteness::OnStep(const NodeStep& step) {
  // Divergences are state machine safety's to report; here the tracker only
  // learns what is committed.
  committed_.Observe(step);
  const api::ProtocolState& s = *step.state;
  if (s.role != api::Role::kLeader) return;
  auto& cur = cursor_[step.id];
  if (cur.first != s.term) cur = {s.term, 0};
  uint64_t from = std::max(cur.second + 1, committed_.min_index());
  uint64_t to = committed_.max_index();
  cur.second = std::max(cur.second, to);
  if (reported_.count({step.id, s.term})) return;
  for (uint64_t i = from; i <= to; ++i) {
    const CommittedLog::Slot* slot = committed_.Find(i);
    if (slot == nullptr || !slot->entry || slot->commit_term > s.term) continue;
    if (i < s.first_index) continue;  // compacted into the leader's snapshot
    ++entries_checked_;
    std::optional<api::EntryId> mine;
    if (i <= s.last_index) mine = step.log->EntryAt(i);
    if (mine && *mine == *slot->entry) continue;
    reported_.insert({step.id, s.term});
    Report(step.time_us,
           absl::StrCat("leader node ", step.id, " (", step.tag, ") of term ", s.term,
                        " lacks committed index ", i, ": it holds ", EntryString(mine),
                        " (log ", s.first_index, "..", s.last_index, "), but node ",
                        slot->reporter, " committed ", EntryString(slot->entry),
                        " there by term ", slot->commit_term));
    return;
  }
}

}  // namespace raftlog::check
