// What the harness has seen of each node's log: a copy of the entry ids of
// its visible log ([first_index, last_index]), kept up to date step by step.
//
// Shared bookkeeping of the commitment and log-shortening checkers (each owns
// its own copy). The copy is refreshed incrementally:
//  - a step whose (first, last, last term, snapshot index, snapshot term) are
//    unchanged changed nothing (by log matching, two logs with the same last
//    index and term are the same log; log_matching checks that rule);
//  - otherwise the entry at the end of the shorter of the old and new log is
//    re-read: if it is unchanged only appends happened, else a binary search
//    finds the first replaced index (log matching again: the old and new log
//    agree up to some index and differ after it);
//  - new entries are read once.
// A step costs O(1) EntryAt calls, plus O(log n) after a truncation, plus one
// per appended entry. Memory: at most max_entries ids per node (the oldest
// are forgotten first; indexes below the copy are "not known").
//
// A node's copy outlives its crash: the last log a down node showed is what
// it had synced (versions/api/node.h: a node syncs before anything it sends
// depends on it). The first step after a restart replaces it by the
// recovered log, and its Change says so.
#ifndef RAFTLOG_MATRIX_CHECK_LOG_SHADOW_H_
#define RAFTLOG_MATRIX_CHECK_LOG_SHADOW_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "matrix/check/checker.h"

namespace raftlog::check {

class LogShadow {
 public:
  // What one step did to a node's log, as far as the copy can tell.
  struct Change {
    bool first_seen = false;  // the node's first step ever: nothing to compare
    bool restarted = false;   // the first step after OnCrash
    uint64_t old_last = 0, new_last = 0;
    uint64_t old_snapshot = 0;
    // The lowest index whose old entry is gone (replaced by another entry, or
    // cut off the end); 0 when no visible entry went away. Entries that only
    // moved into a snapshot (compaction, install) are not "gone".
    uint64_t removed_from = 0;
    std::optional<api::EntryId> old_entry;  // at removed_from, before the step
    std::optional<api::EntryId> new_entry;  // at removed_from after it (nullopt: cut off)
    // When the snapshot index moved to S during the step: the entry the copy
    // held at S before (nullopt when it did not hold S).
    std::optional<api::EntryId> old_at_new_snapshot;
  };

  explicit LogShadow(size_t max_entries = 1 << 17) : max_entries_(max_entries) {}

  Change Observe(const NodeStep& step);
  void OnCrash(api::NodeId id);

  // The entry node `id` last showed at `index`; nullopt when the copy does not
  // hold it (past the end, compacted, forgotten, or never seen).
  std::optional<api::EntryId> At(api::NodeId id, uint64_t index) const;
  // Whether node `id` last showed `entry` at `index`. Indexes covered by its
  // snapshot, or below what the copy remembers, count as held (the copy
  // cannot tell them apart, and a snapshot holds only committed entries).
  bool Holds(api::NodeId id, uint64_t index, const api::EntryId& entry) const;
  bool Known(api::NodeId id) const { return nodes_.count(id) > 0; }
  uint64_t reads() const { return reads_; }

 private:
  struct NodeLog {
    bool restarting = false;
    uint64_t first = 1, last = 0, last_term = 0, snapshot = 0, snapshot_term = 0;
    uint64_t lo = 1;                   // index of ids[0]
    std::deque<api::EntryId> ids;      // [lo, lo + size); a missing entry is {0, 0}
    uint64_t end() const { return lo + ids.size(); }  // one past the copy
    const api::EntryId* Find(uint64_t i) const {
      return i >= lo && i < end() ? &ids[i - lo] : nullptr;
    }
  };
  api::EntryId Read(const NodeStep& step, uint64_t index);
  // First index in [lo, hi] where the node's log differs from the copy;
  // hi + 1 when none. REQUIRES: lo <= hi, all in the copy.
  uint64_t FirstDifference(const NodeStep& step, const NodeLog& n, uint64_t lo, uint64_t hi);

  size_t max_entries_;
  std::map<api::NodeId, NodeLog> nodes_;
  uint64_t reads_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_LOG_SHADOW_H_
