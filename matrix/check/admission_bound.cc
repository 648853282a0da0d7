#include "matrix/check/admission_bound.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {
namespace {

bool IsClientOp(api::Op op) {
  switch (op) {
    case api::Op::kGet:
    case api::Op::kPut:
    case api::Op::kDelete:
    case api::Op::kAppend:
    case api::Op::kCas:
      return true;
    default:
      return false;
  }
}

}  // namespace

void AdmissionBound::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  const uint64_t leading = s.role == api::Role::kLeader ? s.term : 0;
  uint64_t& term = terms_[step.id];
  // Leadership lost or a new term: what the node held is gone, unanswered.
  if (leading != term) held_.erase(step.id);
  term = leading;
}

void AdmissionBound::OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) {
  if (IsClientOp(request.op)) held_[node].insert({request.client_id, request.sequence});
}

void AdmissionBound::OnReply(const ClientReply& reply) {
  auto it = held_.find(reply.node);
  if (it != held_.end()) it->second.erase({reply.reply->client_id, reply.reply->sequence});
}

void AdmissionBound::OnTime(uint64_t time_us) {
  for (const auto& [node, held] : held_) {
    auto e = enforced_.find(node);
    if (e == enforced_.end() || !e->second) continue;
    peak_ = std::max<uint64_t>(peak_, held.size());
    if (held.size() <= limit_ || reports_ >= kMaxReports) continue;
    ++reports_;
    Report(time_us, absl::StrCat("node ", node, " holds ", held.size(),
                                 " client requests unanswered (leading term ", terms_[node],
                                 "), above its admission limit of ", limit_,
                                 ": the request past the limit must be refused at once"));
  }
}

}  // namespace raftlog::check
