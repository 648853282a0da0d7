#include "matrix/check/election_safety.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void ElectionSafety::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  if (s.role != api::Role::kLeader) return;
  auto [it, inserted] = leaders_.try_emplace(s.term, Seen{step.id, step.time_us, false});
  if (inserted || it->second.leader == step.id || it->second.reported) return;
  it->second.reported = true;  // one report per term
  Report(step.time_us,
         absl::StrCat("two leaders in term ", s.term, ": node ", it->second.leader,
                      " (leader since ", it->second.since_us, "us) and node ", step.id,
                      " (", step.tag, ", last_index ", s.last_index, ", commit ",
                      s.commit_index, ")"));
}

}  // namespace raftlog::check
