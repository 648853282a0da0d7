// Raft core, membership: single-server changes and learners (thesis 4.1,
// cv >= 2 for learners) and joint consensus (thesis 4.3, cv >= 3).
#include "versions/v3/raft.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "versions/v3/check.h"
#include "versions/v3/raft_internal.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using raft_internal::ConfigFromChange;
using raft_internal::VotersString;

const char* ChangeName(wire::v3::ConfigChangeType t) {
  switch (t) {
    case wire::v3::CONFIG_CHANGE_TYPE_BOOTSTRAP: return "bootstrap";
    case wire::v3::CONFIG_CHANGE_TYPE_ADD_VOTER: return "add_voter";
    case wire::v3::CONFIG_CHANGE_TYPE_REMOVE_VOTER: return "remove_voter";
    case wire::v3::CONFIG_CHANGE_TYPE_ADD_LEARNER: return "add_learner";
    case wire::v3::CONFIG_CHANGE_TYPE_PROMOTE_LEARNER: return "promote_learner";
    case wire::v3::CONFIG_CHANGE_TYPE_REMOVE_LEARNER: return "remove_learner";
    case wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT: return "enter_joint";
    case wire::v3::CONFIG_CHANGE_TYPE_LEAVE_JOINT: return "leave_joint";
    default: return "unknown";
  }
}

}  // namespace

bool Raft::IsVoter(NodeId id) const {
  return std::binary_search(config_.voters.begin(), config_.voters.end(), id) ||
         std::binary_search(config_.voters_outgoing.begin(), config_.voters_outgoing.end(), id);
}

quorum::JointConfig Raft::Voters() const {
  return quorum::JointConfig{config_.voters, config_.voters_outgoing};
}

bool Raft::IsLearner(NodeId id) const {
  return std::binary_search(config_.learners.begin(), config_.learners.end(), id);
}

void Raft::ProposeConfigChange(const api::Request& req) {
  const bool learner_op = req.op == api::Op::kAddLearner || req.op == api::Op::kPromoteLearner;
  if (RefuseUnsettled(req)) return;
  if (learner_op && cv_.current() < 2) {
    // A v1 member would refuse the entry: learners wait for finalize.
    Reply(req, absl::FailedPreconditionError(absl::StrCat(
                   api::OpName(req.op), " requires cluster version 2 (the cluster version is ",
                   cv_.current(), "; finalize first)")));
    return;
  }
  if (req.target == 0) {
    Reply(req, absl::InvalidArgumentError("target node 0"));
    return;
  }
  const NodeId t = req.target;
  std::vector<NodeId> voters = config_.voters;
  std::vector<NodeId> learners = config_.learners;
  wire::v3::ConfigChangeType type = wire::v3::CONFIG_CHANGE_TYPE_UNSPECIFIED;
  if (!PlanConfigChange(req, &voters, &learners, &type)) return;
  wire::v3::ConfigChange cc;
  cc.set_type(type);
  cc.set_node_id(t);
  for (NodeId v : voters) cc.add_voters(v);
  for (NodeId l : learners) cc.add_learners(l);
  uint64_t index = AppendLocal(wire::v3::ENTRY_TYPE_CONFIG, cc.SerializeAsString());
  if (index == 0) return;
  pending_[index] = Pending{req.client_id, req.sequence, req.op};
  BroadcastAppend();
  MaybeCommit();
}

bool Raft::PlanConfigChange(const api::Request& req, std::vector<NodeId>* voters_out,
                            std::vector<NodeId>* learners_out,
                            wire::v3::ConfigChangeType* type_out) {
  const NodeId t = req.target;
  std::vector<NodeId>& voters = *voters_out;
  std::vector<NodeId>& learners = *learners_out;
  wire::v3::ConfigChangeType& type = *type_out;
  auto insert = [](std::vector<NodeId>* ids, NodeId id) {
    ids->insert(std::upper_bound(ids->begin(), ids->end(), id), id);
  };
  auto erase = [](std::vector<NodeId>* ids, NodeId id) {
    ids->erase(std::find(ids->begin(), ids->end(), id));
  };
  switch (req.op) {
    case api::Op::kAddVoter:
      if (IsVoter(t)) {
        Reply(req, absl::OkStatus(), config_.index);  // already so: nothing to do
        return false;
      }
      if (IsLearner(t)) {
        Reply(req, absl::FailedPreconditionError(absl::StrCat(
                       "node ", t, " is a learner; promote it with kPromoteLearner")));
        return false;
      }
      insert(&voters, t);
      type = wire::v3::CONFIG_CHANGE_TYPE_ADD_VOTER;
      break;
    case api::Op::kRemoveVoter:
      if (IsLearner(t)) {  // removing a learner (only exists at cv >= 2)
        erase(&learners, t);
        type = wire::v3::CONFIG_CHANGE_TYPE_REMOVE_LEARNER;
        break;
      }
      if (!IsVoter(t)) {
        Reply(req, absl::OkStatus(), config_.index);
        return false;
      }
      erase(&voters, t);
      if (voters.empty()) {
        Reply(req, absl::InvalidArgumentError("cannot remove the last voter"));
        return false;
      }
      type = wire::v3::CONFIG_CHANGE_TYPE_REMOVE_VOTER;
      break;
    case api::Op::kAddLearner:
      if (IsLearner(t)) {
        Reply(req, absl::OkStatus(), config_.index);
        return false;
      }
      if (IsVoter(t)) {
        Reply(req, absl::FailedPreconditionError(
                       absl::StrCat("node ", t, " is a voter; remove it first to demote it")));
        return false;
      }
      insert(&learners, t);
      type = wire::v3::CONFIG_CHANGE_TYPE_ADD_LEARNER;
      break;
    case api::Op::kPromoteLearner: {
      if (IsVoter(t)) {
        Reply(req, absl::OkStatus(), config_.index);
        return false;
      }
      if (!IsLearner(t)) {
        Reply(req, absl::FailedPreconditionError(
                       absl::StrCat("node ", t, " is not a learner; add it with kAddLearner")));
        return false;
      }
      // Caught up: holds everything committed, so it can count for commit at
      // once without stalling the cluster.
      auto it = progress_.find(t);
      const uint64_t match = it == progress_.end() ? 0 : it->second.match;
      if (match < commit_) {
        Reply(req, absl::UnavailableError(absl::StrCat("learner ", t, " is not caught up (match ",
                                                       match, ", commit ", commit_,
                                                       "); retry later")));
        return false;
      }
      erase(&learners, t);
      insert(&voters, t);
      type = wire::v3::CONFIG_CHANGE_TYPE_PROMOTE_LEARNER;
      break;
    }
    default:
      RAFTLOG_V3_CHECK(false);
  }
  return true;
}

void Raft::ProposeJointChange(const api::Request& req) {
  if (RefuseUnsettled(req)) return;
  if (cv_.current() < 3) {
    // A v2 member would refuse ENTER_JOINT: joint consensus waits for finalize.
    Reply(req, absl::FailedPreconditionError(absl::StrCat(
                   api::OpName(req.op), " requires cluster version 3 (the cluster version is ",
                   cv_.current(), "; finalize first)")));
    return;
  }
  if (req.new_voters.empty()) {
    Reply(req, absl::InvalidArgumentError("new_voters is empty"));
    return;
  }
  std::vector<NodeId> incoming = req.new_voters;
  std::sort(incoming.begin(), incoming.end());
  if (auto dup = std::adjacent_find(incoming.begin(), incoming.end()); dup != incoming.end()) {
    Reply(req, absl::InvalidArgumentError(
                   absl::StrCat("new_voters lists node ", *dup, " more than once")));
    return;
  }
  if (incoming.front() == 0) {
    Reply(req, absl::InvalidArgumentError("new_voters holds node 0"));
    return;
  }
  if (incoming == config_.voters) {
    Reply(req, absl::OkStatus(), config_.index);  // already so: nothing to do
    return;
  }
  // Learners stay learners unless listed (then they become voters); voters
  // not listed leave the configuration with LEAVE_JOINT.
  std::vector<NodeId> learners;
  for (NodeId l : config_.learners) {
    if (!std::binary_search(incoming.begin(), incoming.end(), l)) learners.push_back(l);
  }
  wire::v3::ConfigChange cc;
  cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT);
  for (NodeId v : incoming) cc.add_voters(v);
  for (NodeId l : learners) cc.add_learners(l);
  for (NodeId v : config_.voters) cc.add_voters_outgoing(v);
  uint64_t index = AppendLocal(wire::v3::ENTRY_TYPE_CONFIG, cc.SerializeAsString());
  if (index == 0) return;
  pending_[index] = Pending{req.client_id, req.sequence, req.op};
  BroadcastAppend();
  MaybeCommit();
}

void Raft::MaybeLeaveJoint() {
  // Whoever leads once the joint configuration committed (the leader that
  // entered it, or a later one once it committed an entry of its term)
  // moves on to C_new alone (thesis 4.3; etcd's auto-leave).
  if (role_ != api::Role::kLeader || !fatal_.ok() || !config_.joint() ||
      config_.index > commit_ || !log_.MatchTerm(commit_, term_)) {
    return;
  }
  wire::v3::ConfigChange cc;
  cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_LEAVE_JOINT);
  for (NodeId v : config_.voters) cc.add_voters(v);
  for (NodeId l : config_.learners) cc.add_learners(l);
  uint64_t index = AppendLocal(wire::v3::ENTRY_TYPE_CONFIG, cc.SerializeAsString());
  if (index == 0) return;
  if (joint_pending_.has_value()) {
    pending_[index] = *joint_pending_;
    joint_pending_.reset();
  }
  BroadcastAppend();
  MaybeCommit();
}

void Raft::ApplyConfigEntry(const Entry& e, const Pending* pending) {
  wire::v3::ConfigChange cc;
  if (!cc.ParseFromString(e.data())) return;
  Count(kCounterConfigChanges);
  std::vector<NodeId> voters(cc.voters().begin(), cc.voters().end());
  std::vector<NodeId> learners(cc.learners().begin(), cc.learners().end());
  // v1's detail, plus the learners when there are any or they changed.
  const bool show_learners = !learners.empty() ||
                             cc.type() == wire::v3::CONFIG_CHANGE_TYPE_PROMOTE_LEARNER ||
                             cc.type() == wire::v3::CONFIG_CHANGE_TYPE_REMOVE_LEARNER;
  if (cc.type() == wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT ||
      cc.type() == wire::v3::CONFIG_CHANGE_TYPE_LEAVE_JOINT) {
    // Joint consensus: the voter configuration before and after, e.g.
    // enter {1,2,3} -> {3,4,5}&&{1,2,3}, leave {3,4,5}&&{1,2,3} -> {3,4,5}.
    const ConfigState before = ConfigAt(e.index() - 1);
    const ConfigState after = ConfigFromChange(cc, e.index());
    Audit("config_change",
          absl::StrCat("index=", e.index(), " term=", e.term(), " ", ChangeName(cc.type()),
                       " voters=", VotersString(after.voters),
                       " voters_outgoing=", VotersString(after.voters_outgoing),
                       " learners=", VotersString(after.learners), " before=",
                       quorum::JointString({before.voters, before.voters_outgoing}),
                       " after=", quorum::JointString({after.voters, after.voters_outgoing})));
    if (cc.type() == wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT && pending != nullptr) {
      joint_pending_ = *pending;  // answered when LEAVE_JOINT applies
    } else {
      ReplyPending(e);
    }
    return;
  }
  Audit("config_change",
        absl::StrCat("index=", e.index(), " term=", e.term(), " ", ChangeName(cc.type()),
                     " node=", cc.node_id(), " voters=", VotersString(voters),
                     show_learners ? absl::StrCat(" learners=", VotersString(learners))
                                   : std::string()));
  ReplyPending(e);
}

}  // namespace raftlog::v3
