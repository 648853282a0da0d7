#include "matrix/check/read_leadership.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void ReadLeadership::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  uint64_t& seen = node_commit_[step.id];
  const bool advanced = s.commit_index > seen;
  seen = s.commit_index;
  if (!advanced) return;
  if (s.commit_index > highest_.index) {
    highest_ = Commit{step.time_us, step.id, s.commit_index, s.term};
  }
  // A leader's first commit of an entry of its own term.
  if (s.role != api::Role::kLeader || s.term <= top_term_.term) return;
  if (s.commit_index < s.first_index || s.commit_index > s.last_index) return;
  std::optional<api::EntryId> e = step.log->EntryAt(s.commit_index);
  if (e && e->term == s.term) top_term_ = Commit{step.time_us, step.id, s.commit_index, s.term};
}

void ReadLeadership::OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) {
  if (request.op != api::Op::kGet) return;
  auto key = std::make_pair(request.client_id, request.sequence);
  if (!arrivals_.try_emplace(key, Arrival{time_us, node, request.stale_read_ok, highest_,
                                          top_term_}).second) {
    return;
  }
  if (request.sequence > kKeepPerClient) {
    arrivals_.erase(arrivals_.lower_bound({request.client_id, 0}),
                    arrivals_.lower_bound({request.client_id, request.sequence - kKeepPerClient}));
  }
}

void ReadLeadership::OnReply(const ClientReply& cr) {
  const api::Reply& r = *cr.reply;
  if (!r.status.ok()) return;
  auto it = arrivals_.find({r.client_id, r.sequence});
  if (it == arrivals_.end()) return;  // not a Get, or forgotten
  const Arrival& a = it->second;
  if (a.stale_ok && r.succeeded) return;  // served as a stale read, as allowed
  ++reads_judged_;
  std::string why;
  if (a.top_term.term > cr.term) {
    why = absl::StrCat("the leader of term ", a.top_term.term, " (node ", a.top_term.node,
                       ") had committed index ", a.top_term.index, " at ", a.top_term.time_us,
                       "us, before the read arrived");
  } else if (r.index != 0 && r.index < a.highest.index) {
    why = absl::StrCat("it reflects index ", r.index, " while index ", a.highest.index,
                       " was committed (reported by node ", a.highest.node, " at ",
                       a.highest.time_us, "us) before the read arrived");
  } else {
    return;
  }
  if (reports_ >= kMaxReports) return;
  ++reports_;
  Report(cr.time_us,
         absl::StrCat("node ", cr.node, " (", cr.tag, ", ", api::RoleName(cr.role), ", term ",
                      cr.term, ") answered get client ", r.client_id, " seq ", r.sequence,
                      " (arrived at node ", a.node, " at ", a.time_us, "us) found=", r.found,
                      " at index ", r.index, ", but ", why));
}

}  // namespace raftlog::check
