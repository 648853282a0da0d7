// The in-memory Raft log of release v3 (v1's, unchanged): the entries after
// the last snapshot.
//
// Indices start at 1. Entries up to snapshot_index() have been compacted away
// (their effect lives in the snapshot); the log then holds the contiguous
// range [first_index(), last_index()], possibly empty. Term(snapshot_index())
// is still known (the snapshot's term), which is what the consistency check of
// AppendEntries needs at the boundary.
//
// Pure data structure: no I/O. Storage (storage.h) mirrors every change on
// disk; Raft (raft.h) keeps the two in step.
#ifndef RAFTLOG_VERSIONS_V3_LOG_H_
#define RAFTLOG_VERSIONS_V3_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {

using Entry = ::raftlog::wire::v3::Entry;

class RaftLog {
 public:
  // Drops every entry; the log continues after (index, term).
  void Reset(uint64_t snapshot_index, uint64_t snapshot_term);

  uint64_t snapshot_index() const { return snapshot_index_; }
  uint64_t snapshot_term() const { return snapshot_term_; }
  uint64_t first_index() const { return snapshot_index_ + 1; }
  uint64_t last_index() const { return snapshot_index_ + entries_.size(); }
  uint64_t last_term() const;
  bool empty() const { return entries_.empty(); }

  // Term of the entry at `index`: the snapshot term at snapshot_index(), the
  // entry's term inside the log, nullopt when compacted or beyond the end.
  std::optional<uint64_t> Term(uint64_t index) const;
  // True when Term(index) == term.
  bool MatchTerm(uint64_t index, uint64_t term) const;
  // The entry at `index`, or nullptr when compacted or beyond the end.
  const Entry* At(uint64_t index) const;

  // REQUIRES: entry.index() == last_index() + 1 and entry.term() >= last_term().
  void Append(const Entry& entry);
  // Removes the entries at `index` and after.
  // REQUIRES: snapshot_index() < index <= last_index() + 1.
  void TruncateFrom(uint64_t index);
  // Drops the entries up to `index`; Term(index) becomes the snapshot term.
  // REQUIRES: snapshot_index() <= index <= last_index().
  void CompactTo(uint64_t index);

  // The first index holding the same term as `index`, scanning back no further
  // than first_index(). REQUIRES: At(index) != nullptr.
  uint64_t FirstIndexOfTerm(uint64_t index) const;
  // The highest index <= `at_most` whose term is `term`, or 0 when the log
  // (including the snapshot boundary) holds none.
  uint64_t LastIndexOfTerm(uint64_t term, uint64_t at_most) const;
  // Entries in [lo, hi], at most `max_entries` of them.
  // REQUIRES: first_index() <= lo.
  std::vector<Entry> Slice(uint64_t lo, uint64_t hi, size_t max_entries) const;

 private:
  uint64_t snapshot_index_ = 0;
  uint64_t snapshot_term_ = 0;
  std::deque<Entry> entries_;  // entries_[i] has index snapshot_index_ + 1 + i
};

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_LOG_H_
