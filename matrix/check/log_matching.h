// Log matching (Raft paper, figure 3): if two logs hold an entry with the same
// index and term, the logs are identical in all entries up through that index
// (and that entry itself is identical).
//
// Checked on a bounded window per node: the entries around its commit index
// and its tail, [commit - window + 1, commit + window] clipped to the log
// (at most 2 * window entries). Each node's window is refreshed when its
// (first, last, last term, commit, term) changes: entries already copied are
// kept unless a re-read sample differs (the entry at the end of the shorter of
// the old and new log, the one at the commit index, one rotating position):
// a truncation, or an in-place rewrite within one pass over the window. A
// step therefore costs a few EntryAt calls instead of 2 * window.
// A window with new entries is compared with the latest window of every other
// running node over their overlap: below the highest index where both hold
// the same term, every entry must be equal.
#ifndef RAFTLOG_MATRIX_CHECK_LOG_MATCHING_H_
#define RAFTLOG_MATRIX_CHECK_LOG_MATCHING_H_

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::check {

class LogMatching : public Checker {
 public:
  explicit LogMatching(uint64_t window = 16) : Checker("log_matching"), window_(window) {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override { windows_.erase(id); }
  uint64_t comparisons() const { return comparisons_; }
  uint64_t fetches() const { return fetches_; }  // EntryAt calls for copies

 private:
  struct Window {
    uint64_t first = 0, last = 0, last_term = 0, commit = 0, term = 0;  // signature
    uint64_t lo = 1;                                  // index of entries[0]
    std::vector<std::optional<api::EntryId>> entries;  // [lo, lo + size)
    std::string tag;
    std::optional<api::EntryId> At(uint64_t i) const {
      if (i < lo || i - lo >= entries.size()) return std::nullopt;
      return entries[i - lo];
    }
  };
  void Compare(uint64_t time_us, api::NodeId a, const Window& wa, api::NodeId b,
               const Window& wb);

  uint64_t window_;
  std::map<api::NodeId, Window> windows_;
  std::set<std::tuple<api::NodeId, api::NodeId, uint64_t>> reported_;
  uint64_t comparisons_ = 0;
  uint64_t fetches_ = 0;
  uint64_t verifications_ = 0;
  uint64_t rotation_ = 0;
  std::vector<std::optional<api::EntryId>> scratch_;  // reused between steps
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_LOG_MATCHING_H_
