// Membership durability: a configuration change the leader acknowledged is
// never silently undone.
//
// Once AddVoter / AddLearner / PromoteLearner of node X is acknowledged at
// log index i, every committed configuration a node holds from an entry at or
// after i (config_index >= i, config_index <= its commit index) must still
// hold X (as voter, learner or outgoing voter) until a removal of X was asked
// for. (An uncommitted configuration may be a divergent suffix that a new
// leader overwrites, so it is not judged.) A release whose leader
// accepts a second change while the first is in flight, both computed from
// the same committed configuration, drops the first one: the acknowledged
// member disappears from the next configuration, which this checker names.
#ifndef RAFTLOG_MATRIX_CHECK_MEMBERSHIP_DURABILITY_H_
#define RAFTLOG_MATRIX_CHECK_MEMBERSHIP_DURABILITY_H_

#include <cstdint>
#include <map>
#include <set>

#include "matrix/check/checker.h"
#include "versions/api/node.h"

namespace raftlog::check {

class MembershipDurability : public Checker {
 public:
  static constexpr char kName[] = "membership_durability";
  MembershipDurability() : Checker(kName) {}

  // An administrative reply: a successful membership addition starts to be
  // watched; a removal request (answered or not) ends the watch of its target.
  void OnAdminReply(uint64_t time_us, const api::Request& request, const api::Reply& reply);
  // A removal of `target` was asked for (it may take effect any time now).
  void OnRemovalAsked(api::NodeId target);

  void OnStep(const check::NodeStep& step) override;

 private:
  struct Watch {
    uint64_t index = 0;    // where the addition was acknowledged
    uint64_t time_us = 0;
    bool reported = false;
  };
  std::map<api::NodeId, Watch> watched_;  // by the member that must stay
  std::set<api::NodeId> removal_asked_;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_MEMBERSHIP_DURABILITY_H_
