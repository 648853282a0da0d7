#include "versions/v3/log.h"

#include "versions/v3/check.h"

namespace raftlog::v3 {

void RaftLog::Reset(uint64_t snapshot_index, uint64_t snapshot_term) {
  snapshot_index_ = snapshot_index;
  snapshot_term_ = snapshot_term;
  entries_.clear();
}

uint64_t RaftLog::last_term() const {
  return entries_.empty() ? snapshot_term_ : entries_.back().term();
}

std::optional<uint64_t> RaftLog::Term(uint64_t index) const {
  if (index == snapshot_index_) return snapshot_term_;
  if (index < snapshot_index_ || index > last_index()) return std::nullopt;
  return entries_[index - snapshot_index_ - 1].term();
}

bool RaftLog::MatchTerm(uint64_t index, uint64_t term) const {
  std::optional<uint64_t> t = Term(index);
  return t.has_value() && *t == term;
}

const Entry* RaftLog::At(uint64_t index) const {
  if (index <= snapshot_index_ || index > last_index()) return nullptr;
  return &entries_[index - snapshot_index_ - 1];
}

void RaftLog::Append(const Entry& entry) {
  RAFTLOG_V3_CHECK(entry.index() == last_index() + 1);
  RAFTLOG_V3_CHECK(entry.term() >= last_term());
  entries_.push_back(entry);
}

void RaftLog::TruncateFrom(uint64_t index) {
  RAFTLOG_V3_CHECK(index > snapshot_index_ && index <= last_index() + 1);
  entries_.resize(index - snapshot_index_ - 1);
}

void RaftLog::CompactTo(uint64_t index) {
  RAFTLOG_V3_CHECK(index >= snapshot_index_ && index <= last_index());
  if (index == snapshot_index_) return;
  snapshot_term_ = *Term(index);
  entries_.erase(entries_.begin(), entries_.begin() + (index - snapshot_index_));
  snapshot_index_ = index;
}

uint64_t RaftLog::FirstIndexOfTerm(uint64_t index) const {
  const Entry* e = At(index);
  RAFTLOG_V3_CHECK(e != nullptr);
  uint64_t term = e->term();
  uint64_t i = index;
  while (i > first_index() && At(i - 1)->term() == term) --i;
  return i;
}

uint64_t RaftLog::LastIndexOfTerm(uint64_t term, uint64_t at_most) const {
  uint64_t i = at_most < last_index() ? at_most : last_index();
  // Terms are non-decreasing along the log: stop once below `term`.
  for (; i > snapshot_index_; --i) {
    uint64_t t = At(i)->term();
    if (t == term) return i;
    if (t < term) return 0;
  }
  if (i == snapshot_index_ && snapshot_term_ == term && snapshot_index_ > 0) return i;
  return 0;
}

std::vector<Entry> RaftLog::Slice(uint64_t lo, uint64_t hi, size_t max_entries) const {
  RAFTLOG_V3_CHECK(lo >= first_index());
  std::vector<Entry> out;
  for (uint64_t i = lo; i <= hi && i <= last_index() && out.size() < max_entries; ++i) {
    out.push_back(*At(i));
  }
  return out;
}

}  // namespace raftlog::v3
