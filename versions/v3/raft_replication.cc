// Raft core, log replication and commit (Raft 5.3, 5.4.2): the follower's
// consistency check, the leader's per-follower progress, AppendEntries out
// and answers in, and the commit rule.
#include "versions/v3/raft.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;

}  // namespace

absl::Status Raft::HandleAppendEntries(const Message& m) {
  const wire::v3::AppendEntries& ae = m.append_entries();
  Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE);
  wire::v3::AppendEntriesResponse* resp = r.mutable_append_entries_response();
  // ReadIndex: echoed on every answer (0, absent on the wire, when none).
  resp->set_read_context(ae.read_context());
  const uint64_t prev = ae.prev_log_index();
  if (prev < commit_) {
    // Everything up to commit_ is committed, hence in the leader's log too.
    resp->set_success(true);
    resp->set_match_index(commit_);
    resp->set_last_index(log_.last_index());
    out_.messages.push_back(std::move(r));
    return absl::OkStatus();
  }
  if (!log_.MatchTerm(prev, ae.prev_log_term())) {
    resp->set_success(false);
    resp->set_reject_index(prev);
    resp->set_last_index(log_.last_index());
    if (prev > log_.last_index()) {
      resp->set_conflict_term(0);
      resp->set_conflict_index(log_.last_index() + 1);
    } else {
      // prev >= commit_ >= snapshot index: its term is known.
      resp->set_conflict_term(*log_.Term(prev));
      resp->set_conflict_index(log_.At(prev) != nullptr ? log_.FirstIndexOfTerm(prev) : prev);
    }
    out_.messages.push_back(std::move(r));
    return absl::OkStatus();
  }
  std::vector<Entry> to_append;
  for (const Entry& e : ae.entries()) {
    if (to_append.empty() && e.index() <= log_.last_index()) {
      if (log_.MatchTerm(e.index(), e.term())) continue;
      if (e.index() <= commit_) {
        Count(kCounterCommittedOverwrite);
        return absl::FailedPreconditionError(absl::StrCat(
            "leader ", m.from(), " (term ", m.term(), ") sent entry ", e.index(), " of term ",
            e.term(), " conflicting with committed entry of term ", *log_.Term(e.index())));
      }
      if (!TruncateLog(e.index())) return fatal_;
    }
    to_append.push_back(e);
  }
  if (!to_append.empty() && !AppendToLog(to_append)) return fatal_;
  const uint64_t last_new = prev + ae.entries_size();
  const uint64_t new_commit = std::min<uint64_t>(ae.leader_commit(), last_new);
  if (new_commit > commit_) {
    commit_ = new_commit;
    ApplyCommitted();
  }
  resp->set_success(true);
  resp->set_match_index(last_new);
  resp->set_last_index(log_.last_index());
  out_.messages.push_back(std::move(r));
  return absl::OkStatus();
}

void Raft::HandleAppendResponse(const Message& m) {
  auto it = progress_.find(m.from());
  if (it == progress_.end()) return;
  Progress& pr = it->second;
  const wire::v3::AppendEntriesResponse& r = m.append_entries_response();
  if (r.success()) {
    if (r.match_index() > log_.last_index()) return;  // not something this leader sent
    if (r.match_index() > pr.match) pr.match = r.match_index();
    if (pr.next < pr.match + 1) pr.next = pr.match + 1;
    if (pr.state == Progress::kProbe ||
        (pr.state == Progress::kSnapshot && pr.match >= pr.pending_snapshot)) {
      pr.state = Progress::kReplicate;
    }
    pr.probe_sent = false;
    const bool more = pr.next <= log_.last_index() && pr.state == Progress::kReplicate;
    MaybeCommit();
    MaybeForgetRemoved(m.from());
    if (role_ == api::Role::kLeader && more && progress_.count(m.from())) {
      SendAppend(m.from(), false);
    }
    return;
  }
  // A rejection: stale ones (already matched, or not the probe in flight)
  // are ignored.
  if (pr.state == Progress::kSnapshot) return;
  if (r.reject_index() < pr.match + 1) return;
  if (pr.state == Progress::kProbe && r.reject_index() + 1 != pr.next) return;
  uint64_t next;
  if (r.conflict_term() > 0) {
    // Fast backtracking: skip the follower's whole conflicting term, or jump
    // right after this leader's last entry of that term.
    uint64_t j = log_.LastIndexOfTerm(r.conflict_term(), r.reject_index());
    next = j > 0 ? j + 1 : r.conflict_index();
  } else {
    next = r.last_index() + 1;  // the follower's log is shorter
  }
  next = std::min(next, r.reject_index());
  next = std::max(next, pr.match + 1);
  pr.next = next;
  pr.state = Progress::kProbe;
  pr.probe_sent = false;
  SendAppend(m.from(), false);
}

void Raft::SendAppend(NodeId to, bool heartbeat) {
  auto it = progress_.find(to);
  if (it == progress_.end()) return;
  Progress& pr = it->second;
  if (pr.state == Progress::kSnapshot) return;
  if (pr.state == Progress::kProbe && pr.probe_sent && !heartbeat) return;
  const uint64_t prev = pr.next - 1;
  std::optional<uint64_t> prev_term = log_.Term(prev);
  if (!prev_term.has_value()) {
    SendSnapshot(to, &pr);
    return;
  }
  Message m = NewMessage(to, wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  wire::v3::AppendEntries* ae = m.mutable_append_entries();
  ae->set_prev_log_index(prev);
  ae->set_prev_log_term(*prev_term);
  ae->set_leader_commit(commit_);
  if (cv_.current() >= 3) ae->set_read_context(read_context_);
  for (Entry& e : log_.Slice(pr.next, log_.last_index(), kMaxEntriesPerAppend)) {
    *ae->add_entries() = std::move(e);
  }
  if (pr.state == Progress::kReplicate && ae->entries_size() > 0) {
    pr.next = ae->entries(ae->entries_size() - 1).index() + 1;  // optimistic
  }
  if (pr.state == Progress::kProbe) pr.probe_sent = true;
  out_.messages.push_back(std::move(m));
}

void Raft::BroadcastAppend() {
  std::vector<NodeId> peers;
  for (const auto& [peer, pr] : progress_) peers.push_back(peer);
  for (NodeId peer : peers) SendAppend(peer, false);
}

void Raft::MaybeCommit() {
  if (role_ != api::Role::kLeader || config_.voters.empty()) return;
  std::map<NodeId, uint64_t> acked;
  for (NodeId v : quorum::Union(Voters())) {
    if (v == options_.id) {
      acked[v] = log_.last_index();  // synced on append
    } else {
      auto it = progress_.find(v);
      acked[v] = it == progress_.end() ? 0 : it->second.match;
    }
  }
  // Joint: the smaller of what a majority of each half holds.
  const uint64_t n = quorum::JointCommitted(Voters(), acked);
  // Section 5.4.2: only an entry of the current term is committed by
  // counting replicas; earlier ones commit with it.
  if (n > commit_ && log_.MatchTerm(n, term_)) {
    commit_ = n;
    ApplyCommitted();
    if (role_ == api::Role::kLeader) BroadcastAppend();
    AdvanceReads();  // reads that waited for an entry of this term to commit
  }
}

void Raft::SyncProgress() {
  if (role_ != api::Role::kLeader) return;
  // Voters and learners both receive replication; only voters count for
  // commit (MaybeCommit) and elections.
  std::vector<NodeId> members = quorum::Union(Voters());
  members.insert(members.end(), config_.learners.begin(), config_.learners.end());
  for (NodeId v : members) {
    if (v == options_.id) continue;
    auto [it, inserted] = progress_.try_emplace(v);
    if (inserted) it->second.next = log_.last_index() + 1;
    it->second.removed_at = 0;
  }
  for (auto& [peer, pr] : progress_) {
    // A removed peer still gets the entry that removes it, so it learns it
    // is out and stops campaigning.
    if (!IsVoter(peer) && !IsLearner(peer) && pr.removed_at == 0) {
      pr.removed_at = config_.index;
    }
  }
}

void Raft::MaybeForgetRemoved(NodeId peer) {
  auto it = progress_.find(peer);
  if (it != progress_.end() && it->second.removed_at != 0 &&
      it->second.match >= it->second.removed_at) {
    progress_.erase(it);
  }
}

}  // namespace raftlog::v3
