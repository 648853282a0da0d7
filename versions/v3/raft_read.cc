// Raft core, reads at cv >= 3: ReadIndex (thesis 6.4) on the leader, and
// stale reads answered from any node's applied state.
#include "versions/v3/raft.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;

}  // namespace

bool Raft::ServeStaleRead(const api::Request& req) {
  // cv >= 3: a Get that allows a stale answer is served by any node from
  // its applied state (below cv 3 the flag is ignored: through the log).
  if (req.op == api::Op::kGet && req.stale_read_ok && cv_.current() >= 3) {
    Count(kCounterStaleReads);
    ReplyRead(req, /*stale=*/true);
    return true;
  }
  return false;
}

bool Raft::HasQuorum(const std::set<NodeId>& acks) const {
  // Joint: a majority of each half (quorum.h); non-voters are ignored.
  std::map<NodeId, bool> votes;
  for (NodeId id : acks) votes[id] = true;
  return quorum::JointVote(Voters(), votes) == quorum::VoteResult::kWon;
}

size_t Raft::PendingReads() const {
  size_t n = read_queue_.size() + read_confirmed_.size();
  for (const auto& [context, round] : read_rounds_) n += round.reads.size();
  return n;
}

void Raft::ProposeRead(const api::Request& req) {
  read_queue_.push_back(req);
  AdvanceReads();
}

bool Raft::MaybeStartReadRound(bool force) {
  if (role_ != api::Role::kLeader || read_queue_.empty()) return false;
  // The commit index is the leader's only once it committed an entry of its
  // own term (thesis 6.4 step 1): until then the reads wait.
  if (!log_.MatchTerm(commit_, term_)) return false;
  // Batching: one round at a time, the reads queued meanwhile go in the next
  // (at the end of this one, or on the next heartbeat when it stalls).
  if (!force && !read_rounds_.empty()) return false;
  ReadRound& round = read_rounds_[++read_context_];
  round.read_index = commit_;
  round.reads = std::move(read_queue_);
  read_queue_.clear();
  return true;
}

void Raft::AdvanceReads() {
  while (role_ == api::Role::kLeader) {
    // Rounds in context order: an ack of a context acknowledges every
    // earlier one, so once a round lacks a quorum the later ones do too.
    while (!read_rounds_.empty()) {
      auto round = read_rounds_.begin();
      std::set<NodeId> acks = {options_.id};
      for (const auto& [peer, pr] : progress_) {
        if (pr.read_ack >= round->first) acks.insert(peer);
      }
      if (!HasQuorum(acks)) break;
      for (api::Request& r : round->second.reads) {
        read_confirmed_.emplace_back(round->second.read_index, std::move(r));
      }
      read_rounds_.erase(round);
    }
    ServeReads();
    if (!MaybeStartReadRound(/*force=*/false)) return;
    // The new round's context leaves on a heartbeat to every peer.
    std::vector<NodeId> peers;
    for (const auto& [peer, pr] : progress_) peers.push_back(peer);
    for (NodeId peer : peers) SendAppend(peer, /*heartbeat=*/true);
  }
}

void Raft::ServeReads() {
  if (role_ != api::Role::kLeader || read_confirmed_.empty()) return;
  std::vector<std::pair<uint64_t, api::Request>> waiting;
  for (auto& [read_index, req] : read_confirmed_) {
    if (read_index > applied_) {
      waiting.emplace_back(read_index, std::move(req));
      continue;
    }
    Count(kCounterReadIndexReads);
    ReplyRead(req, /*stale=*/false);
  }
  read_confirmed_ = std::move(waiting);
}

void Raft::DropReads() {
  read_queue_.clear();
  read_rounds_.clear();
  read_confirmed_.clear();
}

void Raft::ReplyRead(const api::Request& req, bool stale) {
  CommandResult result = kv_.Read(req.client_id, req.sequence, req.key);
  api::Reply r;
  r.client_id = req.client_id;
  r.sequence = req.sequence;
  r.status = result.status;
  r.value = result.value;
  r.found = result.found;
  // The state the answer was read from (a repeated sequence: the index its
  // recorded outcome took effect at, as v2).
  r.index = result.duplicate ? result.index : applied_;
  // kGet has no use for `succeeded` (kCas only): true marks a stale read.
  // Releases before v3 never set it on a Get.
  r.succeeded = stale;
  r.leader_hint = leader_;
  r.hint_term = term_;
  out_.replies.push_back(std::move(r));
}

}  // namespace raftlog::v3
