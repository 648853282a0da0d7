#include "matrix/check/state_machine_safety.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {

bool StateMachineSafety::FirstReport(uint64_t index) {
  if (reported_.count(index)) return false;
  if (reported_.size() < 4 * kMaxKept) reported_.insert(index);
  return true;
}

void StateMachineSafety::OnCrash(uint64_t time_us, api::NodeId id) {
  committed_.OnCrash(id);
  last_applied_.erase(id);
}

void StateMachineSafety::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  for (const CommittedLog::Divergence& d : committed_.Observe(step)) {
    if (!FirstReport(d.index)) continue;
    Report(step.time_us,
           absl::StrCat("divergent committed entry at index ", d.index, ": node ", step.id,
                        " (", step.tag, ", term ", s.term, ", commit ", s.commit_index,
                        ") holds ", EntryString(d.found), " but node ", d.recorded.reporter,
                        " committed ", EntryString(d.recorded.entry)));
  }
  if (step.applied == nullptr || step.applied->empty()) return;
  auto last_it = last_applied_.find(step.id);
  for (const api::AppliedEntry& a : *step.applied) {
    ++applied_checked_;
    if (last_it != last_applied_.end()) {
      // A gap is fine only when a snapshot covered it.
      bool repeat = a.index <= last_it->second;
      bool gap = a.index > last_it->second + 1 && s.snapshot_index + 1 < a.index;
      if (repeat || gap) {
        Report(step.time_us, absl::StrCat("node ", step.id, " (", step.tag, ") applied index ",
                                          a.index, " right after index ", last_it->second,
                                          repeat ? " (applied twice)" : " (gap, no snapshot)"));
      }
      last_it->second = a.index;
    } else {
      last_it = last_applied_.emplace(step.id, a.index).first;
    }
    if (a.index < applied_base_) continue;  // forgotten (memory bound)
    if (a.index - applied_base_ >= applied_.size()) {
      applied_.resize(a.index - applied_base_ + 1);
    }
    First& f = applied_[a.index - applied_base_];
    if (!f.known) {
      f = First{true, a.id, step.id};
    } else if (!(f.id == a.id)) {
      if (!FirstReport(a.index)) continue;
      Report(step.time_us,
             absl::StrCat("node ", step.id, " (", step.tag, ", term ", s.term, ") applied ",
                          EntryString(a.id), " at index ", a.index, " but node ", f.node,
                          " applied ", EntryString(f.id), " there"));
    }
  }
  if (applied_.size() > max_entries_) {
    size_t drop = applied_.size() / 2;
    applied_.erase(applied_.begin(), applied_.begin() + drop);
    applied_base_ += drop;
  }
}

}  // namespace raftlog::check
