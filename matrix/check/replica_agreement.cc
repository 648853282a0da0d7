#include "matrix/check/replica_agreement.h"

#include "absl/strings/str_format.h"

namespace raftlog::check {

void ReplicaAgreement::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  if (s.applied_index == 0) return;
  auto last = last_applied_.find(step.id);
  if (last != last_applied_.end() && last->second == s.applied_index) return;
  last_applied_[step.id] = s.applied_index;
  auto it = by_index_.find(s.applied_index);
  if (it == by_index_.end()) {
    by_index_[s.applied_index] = First{s.kv_digest, step.id, std::string(step.tag), false};
    if (by_index_.size() > kMaxIndexes) by_index_.erase(by_index_.begin());
    return;
  }
  ++comparisons_;
  First& f = it->second;
  if (f.digest == s.kv_digest || f.reported || reports_ >= kMaxReports) return;
  f.reported = true;
  ++reports_;
  Report(step.time_us,
         absl::StrFormat("n%d@%s and n%d@%s applied through index %d hold different state "
                         "(kv digest %016x vs %016x)",
                         f.node, f.tag, step.id, std::string(step.tag), s.applied_index, f.digest,
                         s.kv_digest));
}

}  // namespace raftlog::check
