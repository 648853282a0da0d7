#include "matrix/check/durability.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void Durability::OnAck(const Ack& ack) {
  if (ack.index == 0) return;
  auto [it, inserted] = acks_.emplace(ack.index, ack);
  if (inserted || !ack.entry || !it->second.entry || *it->second.entry == *ack.entry) return;
  // Two writes acknowledged at one index with different entries: one is lost.
  if (!reported_.insert(ack.index).second) return;
  Report(ack.time_us,
         absl::StrCat("two writes acknowledged at index ", ack.index, ": client ",
                      it->second.client_id, " seq ", it->second.sequence, " (", it->second.what,
                      ") by node ", it->second.node, " as ", EntryString(it->second.entry),
                      ", and client ", ack.client_id, " seq ", ack.sequence, " (", ack.what,
                      ") by node ", ack.node, " as ", EntryString(ack.entry)));
}

void Durability::OnCrash(uint64_t time_us, api::NodeId id) {
  Node& n = nodes_[id];
  if (!n.restarting) n.commit_before = n.commit;
  n.restarting = true;
  n.down_us = time_us;
  n.commit = 0;
}

void Durability::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  Node& n = nodes_[step.id];
  if (n.restarting) {
    n.restarting = false;
    // Highest acknowledged index at or below the commit index it had.
    auto it = acks_.upper_bound(n.commit_before);
    if (it != acks_.begin()) {
      uint64_t needed = std::prev(it)->first;
      uint64_t reach = std::max(s.last_index, s.snapshot_index);
      if (reach < needed) {
        Report(step.time_us,
               absl::StrCat("node ", step.id, " (", step.tag, ") lost acknowledged index ",
                            needed, " across a restart: commit was ", n.commit_before,
                            " when it went down at ", n.down_us, "us, its log now ends at ",
                            s.last_index, " (snapshot ", s.snapshot_index, ")"));
      }
    }
  }
  if (s.commit_index <= n.commit) {
    n.commit = s.commit_index;
    return;
  }
  for (auto it = acks_.upper_bound(n.commit);
       it != acks_.end() && it->first <= s.commit_index; ++it) {
    const Ack& ack = it->second;
    if (!ack.entry || it->first < s.first_index || it->first > s.last_index) continue;
    std::optional<api::EntryId> mine = step.log->EntryAt(it->first);
    if (!mine || *mine == *ack.entry) continue;
    if (!reported_.insert(it->first).second) continue;
    Report(step.time_us,
           absl::StrCat("acknowledged write lost: client ", ack.client_id, " seq ", ack.sequence,
                        " (", ack.what, ") acknowledged by node ", ack.node, " at index ",
                        it->first, " as ", EntryString(ack.entry), " at ", ack.time_us,
                        "us, but node ", step.id, " (", step.tag, ", term ", s.term,
                        ") committed ", EntryString(mine), " there"));
  }
  n.commit = s.commit_index;
}

}  // namespace raftlog::check
