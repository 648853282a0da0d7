#include "matrix/check/log_shortening.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void LogShortening::OnCrash(uint64_t time_us, api::NodeId id) {
  shadow_.OnCrash(id);
  Node& n = nodes_[id];
  n.commit_before = std::max(n.commit_before, n.commit);
  n.commit = 0;
}

void LogShortening::OnStep(const NodeStep& step) {
  LogShadow::Change c = shadow_.Observe(step);
  Node& n = nodes_[step.id];
  if (c.removed_from != 0) Judge(step, c, n);
  if (c.restarted) n.commit_before = 0;
  n.commit = std::max(n.commit, step.state->commit_index);
}

void LogShortening::Judge(const NodeStep& step, const LogShadow::Change& c, Node& n) {
  const api::ProtocolState& s = *step.state;
  ++truncations_seen_;
  const uint64_t d = c.removed_from;
  const uint64_t guard = c.restarted ? n.commit_before : n.commit;
  std::string what;
  if (d <= guard) {
    what = absl::StrCat(c.new_entry ? "replaced" : "lost", " entry ", d, " ",
                        EntryString(c.old_entry), c.new_entry ? " by " : "",
                        c.new_entry ? EntryString(c.new_entry) : "", " at or below its commit index ",
                        guard, c.restarted ? " of before its restart" : "");
  } else if (c.restarted) {
    return;  // an unsynced tail above the commit index may be lost in a crash
  } else if (c.new_entry) {
    if (c.new_entry->term != c.old_entry->term) return;  // a real conflict
    what = absl::StrCat("rewrote entry ", d, " ", EntryString(c.old_entry), " in place as ",
                        EntryString(c.new_entry), " (same term: no conflict)");
  } else {
    // Cut off with nothing in its place: only a snapshot install that
    // disagrees with the log at its boundary may do that.
    const bool installed = s.snapshot_index > c.old_snapshot && d == s.snapshot_index + 1;
    if (installed && (!c.old_at_new_snapshot || c.old_at_new_snapshot->term != s.snapshot_term)) {
      return;
    }
    what = installed
               ? absl::StrCat("discarded entries ", d, "..", c.old_last,
                              " installing a snapshot at ", s.snapshot_index, " (term ",
                              s.snapshot_term, ") although its entry there ",
                              EntryString(c.old_at_new_snapshot), " agrees with it")
               : absl::StrCat("cut its log from last index ", c.old_last, " to ", c.new_last,
                              " (entries ", d, "..", c.old_last,
                              " gone, none replaced: no term conflict)");
  }
  if (n.reports >= kMaxReportsPerNode) return;
  ++n.reports;
  Report(step.time_us, absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role),
                                    ", term ", s.term, ", commit ", s.commit_index, ") ", what));
}

}  // namespace raftlog::check
