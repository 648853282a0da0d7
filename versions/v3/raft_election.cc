// Raft core, elections (Raft 5.2, 5.4.1): roles, campaigns, votes, and at
// cv >= 2 pre-vote (thesis 9.6) and check-quorum.
#include "versions/v3/raft.h"

#include <map>
#include <utility>

#include "versions/v3/check.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;

}  // namespace

void Raft::ResetForTerm(uint64_t term) {
  if (term != term_) {
    term_ = term;
    vote_ = 0;
  }
  leader_ = 0;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  randomized_timeout_ =
      options_.election_ticks + static_cast<int>(options_.random->Uniform(options_.election_ticks));
  votes_.clear();
  progress_.clear();
  // Requests pending on a former leader are not answered: their outcome is
  // unknown to this node (node.h, Reply).
  pending_.clear();
  joint_pending_.reset();
  DropReads();
}

void Raft::BecomeFollower(uint64_t term, NodeId leader) {
  ResetForTerm(term);
  role_ = api::Role::kFollower;
  leader_ = leader;
}

void Raft::BecomeCandidate() {
  ResetForTerm(term_ + 1);
  role_ = api::Role::kCandidate;
  vote_ = options_.id;
  Count(api::kCounterElections);
}

void Raft::BecomeLeader() {
  RAFTLOG_V3_CHECK(role_ == api::Role::kCandidate);
  role_ = api::Role::kLeader;
  leader_ = options_.id;
  heartbeat_elapsed_ = 0;
  election_elapsed_ = 0;  // check-quorum's period starts now
  progress_.clear();
  // Capability reports count only when made to this leader in this term: a
  // peer may have been rolled back to an older binary since it last spoke.
  peer_protocol_.clear();
  SyncProgress();
  Count(api::kCounterLeaderChanges);
  // A NOOP of the new term: the only way to commit earlier terms' entries
  // (section 5.4.2) and the guard of configuration changes.
  AppendLocal(wire::v3::ENTRY_TYPE_NOOP, "");
  if (!fatal_.ok()) return;
  BroadcastAppend();
  MaybeCommit();
}

void Raft::Campaign() {
  if (!fatal_.ok() || !IsVoter(options_.id) || role_ == api::Role::kLeader) return;
  BecomeCandidate();
  votes_[options_.id] = true;
  if (quorum::JointVote(Voters(), votes_) == quorum::VoteResult::kWon) {
    BecomeLeader();
    return;
  }
  for (NodeId peer : quorum::Union(Voters())) {
    if (peer == options_.id) continue;
    Message m = NewMessage(peer, wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
    m.mutable_request_vote()->set_last_log_index(log_.last_index());
    m.mutable_request_vote()->set_last_log_term(log_.last_term());
    out_.messages.push_back(std::move(m));
  }
}

void Raft::PreCampaign() {
  if (!fatal_.ok() || !IsVoter(options_.id) || role_ == api::Role::kLeader) return;
  if (quorum::JointVote(Voters(), {{options_.id, true}}) == quorum::VoteResult::kWon) {
    Campaign();
    return;
  }
  // Term and vote stay as they are: a pre-vote that fails disturbs nobody.
  ResetForTerm(term_);
  role_ = api::Role::kPreCandidate;
  votes_[options_.id] = true;
  Count(kCounterPreVotes);
  for (NodeId peer : quorum::Union(Voters())) {
    if (peer == options_.id) continue;
    Message m = NewMessage(peer, wire::v3::MESSAGE_TYPE_PRE_VOTE);
    m.set_term(term_ + 1);  // the term it would campaign in
    m.mutable_pre_vote()->set_last_log_index(log_.last_index());
    m.mutable_pre_vote()->set_last_log_term(log_.last_term());
    out_.messages.push_back(std::move(m));
  }
}

void Raft::CheckQuorum() {
  std::map<NodeId, bool> active;  // joint: a majority of both halves
  if (IsVoter(options_.id)) active[options_.id] = true;
  for (auto& [peer, pr] : progress_) {
    if (pr.recent_active && IsVoter(peer)) active[peer] = true;
    pr.recent_active = false;
  }
  if (quorum::JointVote(Voters(), active) != quorum::VoteResult::kWon) {
    // Cut off from a majority for an election timeout: a new leader may
    // already exist on the other side; stop taking requests.
    Count(kCounterCheckQuorumStepDowns);
    BecomeFollower(term_, 0);
  }
}

bool Raft::InLease() const {
  return cv_.current() >= 2 && leader_ != 0 &&
         (role_ == api::Role::kLeader || election_elapsed_ < options_.election_ticks);
}

void Raft::HandleRequestVote(const Message& m) {
  const wire::v3::RequestVote& rv = m.request_vote();
  // One vote per term; none while this node knows a leader of the term.
  bool can_vote = vote_ == m.from() || (vote_ == 0 && leader_ == 0);
  bool up_to_date = rv.last_log_term() > log_.last_term() ||
                    (rv.last_log_term() == log_.last_term() &&
                     rv.last_log_index() >= log_.last_index());
  bool grant = can_vote && up_to_date;
  if (grant) {
    vote_ = m.from();
    election_elapsed_ = 0;
  }
  Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE);
  r.mutable_request_vote_response()->set_granted(grant);
  out_.messages.push_back(std::move(r));
}

void Raft::HandlePreVote(const Message& m) {
  const wire::v3::PreVote& pv = m.pre_vote();
  const bool up_to_date = pv.last_log_term() > log_.last_term() ||
                          (pv.last_log_term() == log_.last_term() &&
                           pv.last_log_index() >= log_.last_index());
  // Same rules as a vote, except that nothing is recorded: the term asked
  // for must be above this node's, and no live leader may be known.
  const bool grant = m.term() > term_ && up_to_date && !InLease();
  Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE);
  r.set_term(grant ? m.term() : term_);
  r.mutable_pre_vote_response()->set_granted(grant);
  out_.messages.push_back(std::move(r));
}

void Raft::HandlePreVoteResponse(const Message& m) {
  if (!IsVoter(m.from())) return;
  votes_[m.from()] = m.pre_vote_response().granted() && m.term() == term_ + 1;
  const quorum::VoteResult result = quorum::JointVote(Voters(), votes_);
  if (result == quorum::VoteResult::kWon) {
    Campaign();  // a real election, in term + 1
  } else if (result == quorum::VoteResult::kLost) {
    BecomeFollower(term_, 0);
  }
}

void Raft::HandleVoteResponse(const Message& m) {
  if (!IsVoter(m.from())) return;
  votes_[m.from()] = m.request_vote_response().granted();
  const quorum::VoteResult result = quorum::JointVote(Voters(), votes_);
  if (result == quorum::VoteResult::kWon) {
    BecomeLeader();
  } else if (result == quorum::VoteResult::kLost) {
    BecomeFollower(term_, 0);
  }
}

}  // namespace raftlog::v3
