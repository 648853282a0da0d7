#include "matrix/check/log_matching.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void LogMatching::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  Window& w = windows_[step.id];
  const bool fresh = w.entries.empty() && w.last == 0;
  if (!fresh && w.first == s.first_index && w.last == s.last_index &&
      w.last_term == s.last_term && w.commit == s.commit_index && w.term == s.term) {
    return;  // nothing observable changed since the last copy
  }
  // Entries already copied stay valid unless the log was truncated: the entry
  // at the end of the shorter of the old and new log must be unchanged (a
  // truncation then append replaces it). A changed entry triggers a full copy.
  // Besides that entry, the one at the commit index and one rotating position
  // of the window are re-read, so an in-place rewrite that keeps the tail is
  // still noticed within one pass over the window.
  bool reuse = !fresh && !w.entries.empty();
  uint64_t valid_to = 0;
  if (reuse) {
    valid_to = std::min(w.last, s.last_index);
    uint64_t rotating = w.lo + (rotation_++ % w.entries.size());
    for (uint64_t i : {valid_to, std::min(s.commit_index, valid_to), rotating}) {
      auto cached = w.At(i);
      if (!cached || i < s.first_index || i > valid_to) continue;
      ++verifications_;
      auto now = step.log->EntryAt(i);
      if (!now || !(*now == *cached)) {
        reuse = false;
        break;
      }
    }
  }
  w.first = s.first_index;
  w.last = s.last_index;
  w.last_term = s.last_term;
  w.commit = s.commit_index;
  w.term = s.term;
  if (w.tag != step.tag) w.tag = std::string(step.tag);
  uint64_t center = std::min(s.commit_index, s.last_index);
  uint64_t lo = center + 1 > window_ ? center + 1 - window_ : 1;
  lo = std::max(lo, s.first_index);
  uint64_t hi = std::min(s.last_index, center + window_);
  // Always include the tail, where divergence happens, keeping at most
  // 2 * window entries.
  if (s.last_index > hi) {
    hi = s.last_index;
    uint64_t tail_lo = hi + 1 > 2 * window_ ? hi + 1 - 2 * window_ : 1;
    lo = std::max(lo, tail_lo);
  }
  std::vector<std::optional<api::EntryId>>& entries = scratch_;
  entries.clear();
  bool fetched = false;
  if (hi >= lo) {
    entries.reserve(hi - lo + 1);
    for (uint64_t i = lo; i <= hi; ++i) {
      std::optional<api::EntryId> e;
      if (reuse && i <= valid_to && (e = w.At(i))) {
        entries.push_back(e);
        continue;
      }
      ++fetches_;
      entries.push_back(step.log->EntryAt(i));
      fetched = true;
    }
  }
  w.lo = lo;
  w.entries.swap(entries);  // the old buffer becomes the next scratch
  // Reused entries were compared when they were copied (and the other side
  // compares when its own window changes): only new ones need a comparison.
  if (!fetched || w.entries.empty()) return;
  for (const auto& [other, wo] : windows_) {
    if (other == step.id || wo.entries.empty()) continue;
    Compare(step.time_us, step.id, w, other, wo);
  }
}

void LogMatching::Compare(uint64_t time_us, api::NodeId a, const Window& wa, api::NodeId b,
                          const Window& wb) {
  ++comparisons_;
  uint64_t lo = std::max(wa.lo, wb.lo);
  uint64_t hi = std::min(wa.lo + wa.entries.size(), wb.lo + wb.entries.size());
  if (hi <= lo) return;
  // Highest index in the overlap where both hold an entry of the same term.
  uint64_t k = 0;
  for (uint64_t i = hi; i-- > lo;) {
    auto ea = wa.At(i), eb = wb.At(i);
    if (ea && eb && ea->term == eb->term) {
      k = i;
      break;
    }
  }
  if (k == 0) return;
  for (uint64_t j = lo; j <= k; ++j) {
    auto ea = wa.At(j), eb = wb.At(j);
    if (!ea || !eb || *ea == *eb) continue;
    auto key = std::make_tuple(std::min(a, b), std::max(a, b), j);
    if (reported_.count(key)) return;
    if (reported_.size() < 4 * kMaxKept) reported_.insert(key);
    auto tk = wa.At(k);
    Report(time_us, absl::StrCat("nodes ", a, " (", wa.tag, ", term ", wa.term, ") and ", b,
                                 " (", wb.tag, ", term ", wb.term, ") both hold index ", k,
                                 " with term ", tk->term, " but differ at index ", j,
                                 ": node ", a, " has ", EntryString(ea), ", node ", b,
                                 " has ", EntryString(eb)));
    return;
  }
}

}  // namespace raftlog::check
