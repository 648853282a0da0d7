#include "matrix/check/committed.h"

#include <algorithm>

namespace raftlog::check {

const CommittedLog::Slot* CommittedLog::Find(uint64_t index) const {
  if (index < base_ || index - base_ >= slots_.size()) return nullptr;
  const Slot& s = slots_[index - base_];
  return s.known ? &s : nullptr;
}

std::vector<CommittedLog::Divergence> CommittedLog::Observe(const NodeStep& step) {
  std::vector<Divergence> out;
  const api::ProtocolState& s = *step.state;
  uint64_t& seen = node_commit_[step.id];
  // A commit index below what the node reported before (after a restart the
  // map entry is gone) needs no work: those indexes were checked already.
  if (s.commit_index <= seen) {
    seen = s.commit_index;
    return out;
  }
  uint64_t from = std::max(seen + 1, base_);
  seen = s.commit_index;
  if (s.commit_index >= base_ + slots_.size()) slots_.resize(s.commit_index - base_ + 1);
  for (uint64_t i = from; i <= s.commit_index; ++i) {
    Slot& slot = slots_[i - base_];
    std::optional<api::EntryId> mine;
    if (i >= s.first_index && i <= s.last_index) mine = step.log->EntryAt(i);
    if (!slot.known) {
      slot.known = true;
      slot.entry = mine;
      slot.commit_term = s.term;
      slot.reporter = step.id;
      continue;
    }
    slot.commit_term = std::min(slot.commit_term, s.term);
    if (!mine) continue;
    if (!slot.entry) {
      slot.entry = mine;
      slot.reporter = step.id;
    } else if (!(*slot.entry == *mine)) {
      out.push_back(Divergence{i, slot, mine});
    }
  }
  if (slots_.size() > max_entries_) {
    size_t drop = slots_.size() / 2;
    slots_.erase(slots_.begin(), slots_.begin() + drop);
    base_ += drop;
  }
  return out;
}

}  // namespace raftlog::check
