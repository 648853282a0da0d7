#include "matrix/check/log_shadow.h"

#include <algorithm>

namespace raftlog::check {

api::EntryId LogShadow::Read(const NodeStep& step, uint64_t index) {
  ++reads_;
  std::optional<api::EntryId> e = step.log->EntryAt(index);
  return e ? *e : api::EntryId{};
}

uint64_t LogShadow::FirstDifference(const NodeStep& step, const NodeLog& n, uint64_t lo,
                                    uint64_t hi) {
  if (Read(step, hi) == *n.Find(hi)) return hi + 1;
  // Known to differ at hi; the logs agree below some index and differ from it.
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (Read(step, mid) == *n.Find(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

LogShadow::Change LogShadow::Observe(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  auto [it, inserted] = nodes_.try_emplace(step.id);
  NodeLog& n = it->second;
  Change c;
  c.first_seen = inserted;
  c.restarted = n.restarting;
  c.old_last = n.last;
  c.new_last = s.last_index;
  c.old_snapshot = n.snapshot;
  if (!inserted && !n.restarting && n.first == s.first_index && n.last == s.last_index &&
      n.last_term == s.last_term && n.snapshot == s.snapshot_index &&
      n.snapshot_term == s.snapshot_term) {
    return c;
  }
  if (!inserted && !n.ids.empty()) {
    if (s.snapshot_index > n.snapshot) {
      if (const api::EntryId* e = n.Find(s.snapshot_index)) c.old_at_new_snapshot = *e;
    }
    // Compare where both the copy and the new log hold entries.
    const uint64_t copy_last = n.end() - 1;
    const uint64_t lo = std::max(n.lo, s.first_index);
    const uint64_t hi = std::min(copy_last, s.last_index);
    uint64_t gone = 0;
    if (lo <= hi) gone = FirstDifference(step, n, lo, hi);
    if ((gone == 0 || gone > hi) && copy_last > s.last_index) {
      // The old log went on past the new end (which is at or above the new
      // snapshot index: what lies below it moved into the snapshot).
      gone = std::max(s.last_index + 1, n.lo);
    } else if (gone > hi) {
      gone = 0;
    }
    if (gone != 0) {
      c.removed_from = gone;
      c.old_entry = *n.Find(gone);
      if (gone >= s.first_index && gone <= s.last_index) {
        std::optional<api::EntryId> now = step.log->EntryAt(gone);
        ++reads_;
        c.new_entry = now;
      }
      while (n.end() > gone) n.ids.pop_back();
    }
    while (!n.ids.empty() && n.lo < s.first_index) {
      n.ids.pop_front();
      ++n.lo;
    }
  }
  if (n.ids.empty()) {
    uint64_t keep_from = s.last_index + 1 > max_entries_ ? s.last_index + 1 - max_entries_ : 1;
    n.lo = std::max(s.first_index, keep_from);
  }
  for (uint64_t i = n.end(); i <= s.last_index; ++i) n.ids.push_back(Read(step, i));
  while (n.ids.size() > max_entries_) {
    n.ids.pop_front();
    ++n.lo;
  }
  n.first = s.first_index;
  n.last = s.last_index;
  n.last_term = s.last_term;
  n.snapshot = s.snapshot_index;
  n.snapshot_term = s.snapshot_term;
  n.restarting = false;
  return c;
}

void LogShadow::OnCrash(api::NodeId id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) it->second.restarting = true;
}

std::optional<api::EntryId> LogShadow::At(api::NodeId id, uint64_t index) const {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return std::nullopt;
  const api::EntryId* e = it->second.Find(index);
  if (e == nullptr || (e->term == 0 && e->digest == 0)) return std::nullopt;
  return *e;
}

bool LogShadow::Holds(api::NodeId id, uint64_t index, const api::EntryId& entry) const {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return false;
  const NodeLog& n = it->second;
  if (index <= n.snapshot || index < n.lo) return true;
  const api::EntryId* e = n.Find(index);
  return e != nullptr && *e == entry;
}

}  // namespace raftlog::check
