#include "matrix/check/membership_durability.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {
namespace {

bool Holds(const std::vector<api::NodeId>& v, api::NodeId id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

void MembershipDurability::OnAdminReply(uint64_t time_us, const api::Request& request,
                                        const api::Reply& reply) {
  if (request.op == api::Op::kRemoveVoter) {
    OnRemovalAsked(request.target);
    return;
  }
  const bool adds = request.op == api::Op::kAddVoter || request.op == api::Op::kAddLearner ||
                    request.op == api::Op::kPromoteLearner;
  if (!adds || !reply.status.ok() || request.target == 0 || reply.index == 0) return;
  if (removal_asked_.count(request.target)) return;
  Watch& w = watched_[request.target];
  // "Already a member" answers carry the index of the configuration that
  // made it one; keep the earliest index seen.
  if (w.index == 0 || reply.index < w.index) {
    w.index = reply.index;
    w.time_us = time_us;
  }
}

void MembershipDurability::OnRemovalAsked(api::NodeId target) {
  removal_asked_.insert(target);
  watched_.erase(target);
}

void MembershipDurability::OnStep(const check::NodeStep& step) {
  if (step.state == nullptr) return;
  const api::ProtocolState& s = *step.state;
  const api::Config& c = s.config;
  // Only a configuration this node knows to be committed is the cluster's:
  // an old leader cut off with its own uncommitted change at the same index
  // holds a divergent entry there until the new leader overwrites it.
  if (s.config_index > s.commit_index) return;
  for (auto& [member, w] : watched_) {
    if (w.reported || s.config_index < w.index) continue;
    if (Holds(c.voters, member) || Holds(c.learners, member) ||
        Holds(c.voters_outgoing, member)) {
      continue;
    }
    w.reported = true;
    Report(step.time_us,
           absl::StrCat("n", member, "'s addition was acknowledged at index ", w.index, " (@",
                        w.time_us, "us), yet n", step.id, "@", step.tag,
                        " adopted a configuration from index ", s.config_index, " without it: ",
                        api::ConfigString(c), " (a change accepted while another was in flight "
                        "undid it)"));
  }
}

}  // namespace raftlog::check
