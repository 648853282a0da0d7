#include "versions/v3/raft.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format3/constants.h"
#include "versions/v3/check.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;

std::string VotersString(const std::vector<NodeId>& voters) {
  return absl::StrCat("{", absl::StrJoin(voters, ","), "}");
}

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

ConfigState ConfigFromChange(const wire::v3::ConfigChange& cc, uint64_t index) {
  ConfigState c;
  c.voters.assign(cc.voters().begin(), cc.voters().end());
  c.learners.assign(cc.learners().begin(), cc.learners().end());
  c.voters_outgoing.assign(cc.voters_outgoing().begin(), cc.voters_outgoing().end());
  c.index = index;
  return c;
}

// Every response carries this binary's protocol range (since-2 fields that a
// v1 receiver keeps and ignores).
void StampRange(Message* m) {
  switch (m->body_case()) {
    case Message::kRequestVoteResponse:
      m->mutable_request_vote_response()->set_min_protocol(kMinProtocol);
      m->mutable_request_vote_response()->set_max_protocol(kMaxProtocol);
      break;
    case Message::kAppendEntriesResponse:
      m->mutable_append_entries_response()->set_min_protocol(kMinProtocol);
      m->mutable_append_entries_response()->set_max_protocol(kMaxProtocol);
      break;
    case Message::kInstallSnapshotResponse:
      m->mutable_install_snapshot_response()->set_min_protocol(kMinProtocol);
      m->mutable_install_snapshot_response()->set_max_protocol(kMaxProtocol);
      break;
    case Message::kInstallSnapshotChunkResponse:
      m->mutable_install_snapshot_chunk_response()->set_min_protocol(kMinProtocol);
      m->mutable_install_snapshot_chunk_response()->set_max_protocol(kMaxProtocol);
      break;
    case Message::kPreVoteResponse:
      m->mutable_pre_vote_response()->set_min_protocol(kMinProtocol);
      m->mutable_pre_vote_response()->set_max_protocol(kMaxProtocol);
      break;
    default:
      break;
  }
}

bool IsClientOp(api::Op op) {
  return op == api::Op::kGet || op == api::Op::kPut || op == api::Op::kDelete ||
         op == api::Op::kAppend || op == api::Op::kCas;
}

wire::v3::CommandOp ToCommandOp(api::Op op) {
  switch (op) {
    case api::Op::kGet: return wire::v3::COMMAND_OP_GET;
    case api::Op::kPut: return wire::v3::COMMAND_OP_PUT;
    case api::Op::kDelete: return wire::v3::COMMAND_OP_DELETE;
    case api::Op::kAppend: return wire::v3::COMMAND_OP_APPEND;
    case api::Op::kCas: return wire::v3::COMMAND_OP_CAS;
    default: return wire::v3::COMMAND_OP_UNSPECIFIED;
  }
}

}  // namespace

Raft::Raft(const RaftOptions& options, Storage* storage, Counters* counters)
    : options_(options), storage_(storage), counters_(counters) {
  RAFTLOG_V1_CHECK(options_.id != 0);
  RAFTLOG_V1_CHECK(options_.random != nullptr);
  RAFTLOG_V1_CHECK(options_.election_ticks > 0 && options_.heartbeat_ticks > 0);
}

namespace {

// Format 3's metadata section (informational only: no reader needs it, the
// downgrade to format 2 drops it). Keys: snapshots/format3/constants.h, plus
// the cluster-version history.
constexpr char kMetaClusterVersionHistory[] = "cluster_version_history";

// "index:version[:downgrade],..." oldest first: `inherited` (what the
// snapshot this node started from recorded), then the changes `cv` knows.
std::string VersionHistoryText(const std::string& inherited, const ClusterVersionHistory& cv) {
  std::vector<std::string> parts;
  if (!inherited.empty()) parts.push_back(inherited);
  // Without a snapshot base the history starts at cluster version 1.
  if (inherited.empty() && (cv.history().empty() || !cv.history().front().from_snapshot)) {
    parts.push_back("0:1");
  }
  for (const VersionChange& c : cv.history()) {
    if (c.from_snapshot && !inherited.empty()) continue;  // `inherited` ends with it
    parts.push_back(absl::StrCat(c.index, ":", c.version, c.downgrade ? ":downgrade" : ""));
  }
  return absl::StrJoin(parts, ",");
}

void AddFormat3Metadata(uint64_t index, const std::string& history,
                        snapshots::SnapshotState* st) {
  st->metadata[snapshots::format3::kMetaWriter] = "v3";
  st->metadata[snapshots::format3::kMetaCreatedAtIndex] = absl::StrCat(index);
  st->metadata[kMetaClusterVersionHistory] = history;
  st->metadata[snapshots::format3::kMetaDowngrade] =
      "to go back to v2: Op::kDowngrade with version 2 on the leader; every node then "
      "compacts into a format-2 snapshot (versions/v3/RELEASE.md, downgrade 3 -> 2)";
}

std::string InheritedHistory(const snapshots::SnapshotState& st) {
  auto it = st.metadata.find(kMetaClusterVersionHistory);
  return it == st.metadata.end() ? std::string() : it->second;
}

}  // namespace

// ---------------------------------------------------------------------------
// Recovery.

absl::Status Raft::Restore(const Recovered& r, const std::vector<NodeId>& bootstrap_voters) {
  if (r.empty) {
    if (!bootstrap_voters.empty()) {
      std::vector<NodeId> voters = bootstrap_voters;
      std::sort(voters.begin(), voters.end());
      voters.erase(std::unique(voters.begin(), voters.end()), voters.end());
      if (voters.front() == 0) return absl::InvalidArgumentError("bootstrap voter id 0");
      wire::v3::ConfigChange cc;
      cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_BOOTSTRAP);
      for (NodeId v : voters) cc.add_voters(v);
      Entry e;
      e.set_index(1);
      e.set_term(1);
      e.set_type(wire::v3::ENTRY_TYPE_CONFIG);
      e.set_data(cc.SerializeAsString());
      if (!AppendToLog({e})) return fatal_;
      // Every bootstrapping voter holds this same entry durably: committed.
      term_ = 1;
      commit_ = 1;
    }
  } else {
    if (r.snapshot.has_value()) {
      const snapshots::SnapshotState& s = *r.snapshot;
      if (s.cluster_version > kMaxProtocol) {  // Node::Start checked already
        return absl::FailedPreconditionError(
            absl::StrCat("snapshot records cluster version ", s.cluster_version,
                         "; v3 speaks at most ", kMaxProtocol));
      }
      log_.Reset(s.last_index, s.last_term);
      kv_.FromSnapshot(s);
      base_config_ = ConfigState{s.voters, s.config_index, s.learners, s.voters_outgoing};
      applied_ = s.last_index;
      snapshot_format_ = r.snapshot_format;
      cv_.Reset(s.last_index, s.cluster_version);
      inherited_cv_history_ = InheritedHistory(s);
    }
    for (const Entry& e : r.entries) log_.Append(e);
    term_ = r.hard_state.term;
    vote_ = r.hard_state.vote;
    commit_ = std::max(r.hard_state.commit, log_.snapshot_index());
    persisted_ = r.hard_state;
    if (commit_ > log_.last_index()) {
      return absl::DataLossError(absl::StrCat("hardstate: commit index ", commit_,
                                              " is beyond the last log index ",
                                              log_.last_index()));
    }
    if (log_.last_term() > term_) {
      return absl::DataLossError(absl::StrCat("hardstate: term ", term_,
                                              " is below the last log term ", log_.last_term()));
    }
    config_ = ConfigAt(log_.last_index());
  }
  ResetForTerm(term_);
  role_ = api::Role::kFollower;
  ApplyCommitted();
  return fatal_;
}

// ---------------------------------------------------------------------------
// Roles.

bool Raft::IsVoter(NodeId id) const {
  return std::binary_search(config_.voters.begin(), config_.voters.end(), id) ||
         std::binary_search(config_.voters_outgoing.begin(), config_.voters_outgoing.end(), id);
}

quorum::JointConfig Raft::Voters() const {
  return quorum::JointConfig{config_.voters, config_.voters_outgoing};
}

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
  RAFTLOG_V1_CHECK(role_ == api::Role::kCandidate);
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

// ---------------------------------------------------------------------------
// Inputs.

void Raft::Tick() {
  if (!fatal_.ok()) return;
  if (role_ == api::Role::kLeader) {
    for (auto& [peer, pr] : progress_) {
      // A snapshot that got no answer is sent again, not every tick.
      if (pr.state == Progress::kSnapshot && ++pr.snapshot_ticks >= options_.election_ticks) {
        pr.state = Progress::kProbe;
        pr.probe_sent = false;
      }
    }
    if (++heartbeat_elapsed_ >= options_.heartbeat_ticks) {
      heartbeat_elapsed_ = 0;
      // Reads queued behind a round in flight (or whose round lost its
      // messages) start a new one on this heartbeat.
      MaybeStartReadRound(/*force=*/true);
      std::vector<NodeId> peers;
      for (const auto& [peer, pr] : progress_) peers.push_back(peer);
      for (NodeId peer : peers) SendAppend(peer, /*heartbeat=*/true);
      AdvanceReads();
      if (options_.auto_finalize) MaybeAutoFinalize();
    }
    if (cv_.current() >= 2 && ++election_elapsed_ >= options_.election_ticks) {
      election_elapsed_ = 0;
      CheckQuorum();
    }
    return;
  }
  if (++election_elapsed_ >= randomized_timeout_) {
    election_elapsed_ = 0;
    // A node outside its configuration (removed, or joining) never campaigns.
    if (!IsVoter(options_.id)) return;
    if (cv_.current() >= 2) {
      PreCampaign();
    } else {
      Campaign();
    }
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

absl::Status Raft::Step(const Message& m) {
  if (!fatal_.ok()) return fatal_;
  RecordProtocol(m);
  const wire::v3::MessageType type = m.type();
  const bool from_leader = type == wire::v3::MESSAGE_TYPE_APPEND_ENTRIES ||
                           type == wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT ||
                           type == wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK;
  // A pre-vote (and a granted answer) never moves a term: it is about the
  // term the sender would campaign in. A refusal carrying a higher term does.
  const bool pre_vote = type == wire::v3::MESSAGE_TYPE_PRE_VOTE ||
                        (type == wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE &&
                         m.pre_vote_response().granted());
  if (m.term() > term_ && type == wire::v3::MESSAGE_TYPE_REQUEST_VOTE && InLease()) {
    // Check-quorum's lease (cv >= 2): this node heard from a live leader
    // within an election timeout, so a higher-term candidate (one back from a
    // partition without pre-vote, or a v1 node) does not depose it.
    Count(kCounterVotesIgnoredInLease);
    return absl::OkStatus();
  }
  if (m.term() > term_ && !pre_vote) {
    BecomeFollower(m.term(), from_leader ? m.from() : 0);
    // The new term is durable before anything of that term (entries, a
    // snapshot) reaches storage: a crash in between must never leave a log
    // whose last term is above the hard state's term.
    if (absl::Status s = Flush(); !s.ok()) return s;
  } else if (m.term() < term_) {
    Count(kCounterStaleTerm);
    // Tell a stale candidate or leader the current term, so it steps down.
    if (type == wire::v3::MESSAGE_TYPE_REQUEST_VOTE) {
      Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE);
      r.mutable_request_vote_response()->set_granted(false);
      out_.messages.push_back(std::move(r));
    } else if (type == wire::v3::MESSAGE_TYPE_PRE_VOTE) {
      Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE);
      r.mutable_pre_vote_response()->set_granted(false);
      out_.messages.push_back(std::move(r));
    } else if (from_leader) {
      Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE);
      r.mutable_append_entries_response()->set_success(false);
      r.mutable_append_entries_response()->set_last_index(log_.last_index());
      out_.messages.push_back(std::move(r));
    }
    return absl::OkStatus();
  }

  if (role_ == api::Role::kLeader) {
    auto it = progress_.find(m.from());
    if (it != progress_.end()) it->second.recent_active = true;  // check-quorum
  }
  absl::Status status;
  switch (type) {
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE:
      HandleRequestVote(m);
      break;
    case wire::v3::MESSAGE_TYPE_PRE_VOTE:
      HandlePreVote(m);
      break;
    case wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE:
      if (role_ == api::Role::kPreCandidate) HandlePreVoteResponse(m);
      break;
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE:
      if (role_ == api::Role::kCandidate) HandleVoteResponse(m);
      break;
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES:
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT:
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK:
      if (role_ == api::Role::kLeader) {
        // Two leaders in one term: the sender broke election safety.
        Count(kCounterSecondLeaderInTerm);
        return absl::FailedPreconditionError(
            absl::StrCat("node ", m.from(), " acts as leader in term ", term_,
                         " which node ", options_.id, " leads"));
      }
      if (role_ == api::Role::kCandidate || role_ == api::Role::kPreCandidate) {
        BecomeFollower(term_, m.from());
      }
      leader_ = m.from();
      election_elapsed_ = 0;
      status = type == wire::v3::MESSAGE_TYPE_APPEND_ENTRIES    ? HandleAppendEntries(m)
               : type == wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT ? HandleInstallSnapshot(m)
                                                                 : HandleSnapshotChunk(m);
      break;
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE:
      if (role_ == api::Role::kLeader) {
        // ReadIndex: any answer of this term to an AppendEntries carrying a
        // read context confirms this leader as of that context.
        auto it = progress_.find(m.from());
        const uint64_t context = m.append_entries_response().read_context();
        if (it != progress_.end() && context > it->second.read_ack) {
          it->second.read_ack = context;
        }
        HandleAppendResponse(m);
        AdvanceReads();
      }
      break;
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE:
      if (role_ == api::Role::kLeader) HandleSnapshotResponse(m);
      break;
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK_RESPONSE:
      if (role_ == api::Role::kLeader) HandleSnapshotChunkResponse(m);
      break;
    default:
      return absl::UnimplementedError(absl::StrCat("message type ", type));
  }
  if (!fatal_.ok()) return fatal_;
  return status;
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

absl::Status Raft::HandleInstallSnapshot(const Message& m) {
  const wire::v3::InstallSnapshot& is = m.install_snapshot();
  if (is.format() != kSnapshotFormat && is.format() != kSnapshotFormat2 &&
      is.format() != kSnapshotFormat3) {
    Count(kCounterUnknownSnapshotFormat);
    return absl::UnimplementedError(absl::StrCat("snapshot from node ", m.from(), " is in format ",
                                                 is.format(), "; v3 reads formats 1, 2 and 3"));
  }
  auto respond = [&](uint64_t match) {
    Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE);
    r.mutable_install_snapshot_response()->set_match_index(match);
    r.mutable_install_snapshot_response()->set_success(true);
    out_.messages.push_back(std::move(r));
  };
  if (is.last_index() <= commit_) {
    respond(commit_);
    return absl::OkStatus();
  }
  absl::StatusOr<Storage::DecodedSnapshot> decoded = Storage::DecodeSnapshot(is.data());
  if (decoded.ok() && decoded->format != is.format()) {
    decoded = absl::DataLossError(absl::StrCat("the message says format ", is.format(),
                                               ", the bytes are format ", decoded->format));
  }
  if (!decoded.ok()) {
    Count(api::kCounterDecodeErrors);
    return absl::Status(decoded.status().code(),
                        absl::StrCat("snapshot from node ", m.from(), " (", is.data().size(),
                                     " bytes): ", decoded.status().message()));
  }
  const snapshots::SnapshotState* state = &decoded->state;
  if (state->last_index != is.last_index() || state->last_term != is.last_term() ||
      state->last_term > m.term()) {
    Count(api::kCounterDecodeErrors);
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot from node ", m.from(), " holds (", state->last_index, ", ", state->last_term,
        "), the message says (", is.last_index(), ", ", is.last_term(), ")"));
  }
  if (absl::Status s = CheckSnapshotVersion(*state, m.from()); !s.ok()) return s;
  if (!RestoreSnapshot(*state, decoded->format, is.data())) return fatal_;
  Count(api::kCounterSnapshotsInstalled);
  respond(state->last_index);
  return absl::OkStatus();
}

absl::Status Raft::HandleSnapshotChunk(const Message& m) {
  const wire::v3::InstallSnapshotChunk& c = m.install_snapshot_chunk();
  auto respond = [&](uint64_t next_offset, bool done, uint64_t match) {
    Message r = NewMessage(m.from(), wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK_RESPONSE);
    wire::v3::InstallSnapshotChunkResponse* resp = r.mutable_install_snapshot_chunk_response();
    resp->set_last_index(c.last_index());
    resp->set_last_term(c.last_term());
    resp->set_next_offset(next_offset);
    resp->set_done(done);
    resp->set_match_index(match);
    out_.messages.push_back(std::move(r));
  };
  if (c.format() != kSnapshotFormat2 && c.format() != kSnapshotFormat3) {
    Count(kCounterUnknownSnapshotFormat);
    return absl::UnimplementedError(absl::StrCat("chunked snapshot from node ", m.from(),
                                                 " is in format ", c.format(),
                                                 "; v3 installs formats 2 and 3 in chunks"));
  }
  if (c.last_index() <= commit_) {
    assembler_.reset();
    respond(0, true, commit_);
    return absl::OkStatus();
  }
  if (assembler_ == nullptr || assembling_index_ != c.last_index() ||
      assembling_term_ != c.last_term()) {
    // Another snapshot than the one in progress: start over at offset 0.
    assembler_ = std::make_unique<snapshots::format2::ChunkAssembler>(
        std::vector<uint32_t>{kSnapshotFormat2, kSnapshotFormat3});
    assembling_index_ = c.last_index();
    assembling_term_ = c.last_term();
  }
  absl::Status added = assembler_->Add(c.offset(), c.data(), c.crc());
  if (!added.ok()) {
    const uint64_t next = assembler_->next_offset();
    switch (added.code()) {
      case absl::StatusCode::kAlreadyExists:  // a duplicate or stale retransmit
      case absl::StatusCode::kOutOfRange:     // a gap: a chunk was lost
        respond(next, false, 0);
        return absl::OkStatus();
      case absl::StatusCode::kDataLoss:  // damaged: ask for it again
        Count(api::kCounterDecodeErrors);
        respond(next, false, 0);
        break;
      case absl::StatusCode::kUnimplemented:
        Count(kCounterUnknownSnapshotFormat);
        assembler_.reset();
        break;
      default:  // not a snapshot head at all, limits exceeded: bad input
        Count(api::kCounterDecodeErrors);
        assembler_.reset();
        break;
    }
    return absl::Status(added.code(), absl::StrCat("snapshot chunk from node ", m.from(),
                                                   " at offset ", c.offset(), ": ",
                                                   added.message()));
  }
  if (!assembler_->complete()) {
    respond(assembler_->next_offset(), false, 0);
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> file = assembler_->TakeFile();
  assembler_.reset();
  RAFTLOG_V1_CHECK(file.ok());
  absl::StatusOr<Storage::DecodedSnapshot> decoded = Storage::DecodeSnapshot(*file);
  if (!decoded.ok() || decoded->format != c.format() ||
      decoded->state.last_index != c.last_index() || decoded->state.last_term != c.last_term() ||
      decoded->state.last_term > m.term()) {
    Count(api::kCounterDecodeErrors);
    respond(0, false, 0);  // start over
    return absl::DataLossError(absl::StrCat(
        "chunked snapshot from node ", m.from(), " (", file->size(), " bytes) for (",
        c.last_index(), ", ", c.last_term(), "): ",
        decoded.ok() ? "holds another snapshot" : decoded.status().message()));
  }
  if (absl::Status s = CheckSnapshotVersion(decoded->state, m.from()); !s.ok()) return s;
  if (!RestoreSnapshot(decoded->state, decoded->format, *file)) return fatal_;
  Count(api::kCounterSnapshotsInstalled);
  respond(file->size(), true, decoded->state.last_index);
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

void Raft::HandleSnapshotResponse(const Message& m) {
  SnapshotInstalledOn(m.from(), m.install_snapshot_response().match_index());
}

void Raft::SnapshotInstalledOn(NodeId peer, uint64_t match) {
  auto it = progress_.find(peer);
  if (it == progress_.end()) return;
  Progress& pr = it->second;
  if (match > log_.last_index()) return;
  if (match > pr.match) pr.match = match;
  pr.next = pr.match + 1;
  pr.state = Progress::kProbe;
  pr.probe_sent = false;
  pr.chunk_snapshot = 0;
  MaybeCommit();
  MaybeForgetRemoved(peer);
  if (role_ == api::Role::kLeader && progress_.count(peer)) SendAppend(peer, false);
}

void Raft::HandleSnapshotChunkResponse(const Message& m) {
  auto it = progress_.find(m.from());
  if (it == progress_.end()) return;
  Progress& pr = it->second;
  const wire::v3::InstallSnapshotChunkResponse& r = m.install_snapshot_chunk_response();
  if (r.done()) {
    SnapshotInstalledOn(m.from(), r.match_index());
    return;
  }
  if (pr.state != Progress::kSnapshot || r.last_index() != pr.chunk_snapshot ||
      pr.chunk_snapshot != log_.snapshot_index()) {
    return;  // about another transfer (stale, or this leader compacted since)
  }
  // The receiver's verified prefix is the truth, even when it went back (a
  // receiver that restarted); only an acknowledgment of the chunk in flight
  // sends the next one (a duplicate or a refusal waits for the timeout, so
  // duplicated messages never multiply the transfer).
  const bool progressed = r.next_offset() > pr.chunk_sent;
  pr.chunk_offset = r.next_offset();
  if (!progressed) return;
  pr.snapshot_ticks = 0;
  SendSnapshotChunk(m.from(), &pr);
}

// ---------------------------------------------------------------------------
// Leader replication.

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

void Raft::SendSnapshot(NodeId to, Progress* pr) {
  if (SnapshotFormatFor(cv_.current()) != snapshot_format_ && applied_ > log_.snapshot_index()) {
    // A snapshot from before a cluster-version change (a downgrade rewrites
    // it at once; this covers a restart in between): never send a format
    // the cluster version does not allow.
    if (!Compact()) return;
  }
  if (snapshot_format_ > SnapshotFormatFor(cv_.current())) return;  // wait for the next apply
  if (snapshot_format_ >= kSnapshotFormat2) {
    // Only reached with cv >= 2 (above): every member speaks v2's messages;
    // format 3 (the same container) only with cv >= 3.
    if (pr->chunk_snapshot != log_.snapshot_index()) {
      pr->chunk_snapshot = log_.snapshot_index();
      pr->chunk_offset = 0;
      Count(api::kCounterSnapshotsSent);
    }
    pr->state = Progress::kSnapshot;
    pr->pending_snapshot = log_.snapshot_index();
    pr->snapshot_ticks = 0;
    SendSnapshotChunk(to, pr);
    return;
  }
  absl::StatusOr<std::string> bytes = storage_->ReadSnapshot();
  if (!bytes.ok()) {
    Fail(absl::DataLossError(absl::StrCat("cannot read own snapshot at index ",
                                          log_.snapshot_index(), ": ",
                                          bytes.status().message())));
    return;
  }
  Message m = NewMessage(to, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  wire::v3::InstallSnapshot* is = m.mutable_install_snapshot();
  is->set_last_index(log_.snapshot_index());
  is->set_last_term(log_.snapshot_term());
  is->set_format(snapshot_format_);
  is->set_data(std::move(*bytes));
  pr->state = Progress::kSnapshot;
  pr->pending_snapshot = log_.snapshot_index();
  pr->snapshot_ticks = 0;
  Count(api::kCounterSnapshotsSent);
  out_.messages.push_back(std::move(m));
}

bool Raft::LoadSnapshotChunks() {
  if (snap_file_index_ == log_.snapshot_index() && !snap_chunks_.empty()) return true;
  snap_chunks_.clear();
  snap_file_index_ = 0;
  absl::StatusOr<std::string> bytes = storage_->ReadSnapshot();
  if (!bytes.ok()) {
    Fail(absl::DataLossError(absl::StrCat("cannot read own snapshot at index ",
                                          log_.snapshot_index(), ": ",
                                          bytes.status().message())));
    return false;
  }
  snap_file_ = std::move(*bytes);  // the chunks are views into it
  // No transport limit of its own: any unit a format-2 writer may produce.
  absl::StatusOr<std::vector<snapshots::format2::Chunk>> chunks =
      snapshots::format2::SplitForInstall(
          snap_file_,
          snapshots::format2::kMaxChunkBytes + snapshots::format2::kChunkRecordHeaderBytes);
  if (!chunks.ok()) {
    Fail(absl::DataLossError(absl::StrCat("cannot split own snapshot at index ",
                                          log_.snapshot_index(), " for install: ",
                                          chunks.status().message())));
    return false;
  }
  snap_chunks_ = std::move(*chunks);
  snap_file_index_ = log_.snapshot_index();
  return true;
}

void Raft::SendSnapshotChunk(NodeId to, Progress* pr) {
  if (!LoadSnapshotChunks()) return;
  absl::StatusOr<size_t> at = snapshots::format2::ChunkIndexAt(snap_chunks_, pr->chunk_offset);
  if (!at.ok()) {
    // Not a unit boundary of this file (a report about another file): start over.
    pr->chunk_offset = 0;
    at = size_t{0};
  }
  const snapshots::format2::Chunk& c = snap_chunks_[*at];
  Message m = NewMessage(to, wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK);
  wire::v3::InstallSnapshotChunk* is = m.mutable_install_snapshot_chunk();
  is->set_last_index(log_.snapshot_index());
  is->set_last_term(log_.snapshot_term());
  is->set_format(snapshot_format_);
  is->set_offset(c.offset);
  is->set_data(std::string(c.data));
  is->set_crc(c.crc);
  pr->chunk_sent = c.offset;
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

// ---------------------------------------------------------------------------
// Log and state machine.

uint64_t Raft::AppendLocal(wire::v3::EntryType type, const std::string& data) {
  Entry e;
  e.set_index(log_.last_index() + 1);
  e.set_term(term_);
  e.set_type(type);
  e.set_data(data);
  if (!AppendToLog({e})) return 0;
  return e.index();
}

bool Raft::AppendToLog(const std::vector<Entry>& entries) {
  if (absl::Status s = storage_->Append(entries); !s.ok()) {
    Fail(s);
    return false;
  }
  for (const Entry& e : entries) {
    log_.Append(e);
    if (e.type() == wire::v3::ENTRY_TYPE_CONFIG) {
      // Effective on append (thesis 4.1), before it commits.
      wire::v3::ConfigChange cc;
      if (cc.ParseFromString(e.data())) SetConfig(ConfigFromChange(cc, e.index()));
    }
  }
  return true;
}

bool Raft::TruncateLog(uint64_t index) {
  RAFTLOG_V1_CHECK(index > commit_);
  if (absl::Status s = storage_->TruncateFrom(index); !s.ok()) {
    Fail(s);
    return false;
  }
  log_.TruncateFrom(index);
  if (config_.index >= index) SetConfig(ConfigAt(log_.last_index()));
  return true;
}

ConfigState Raft::ConfigAt(uint64_t index) const {
  uint64_t i = std::min(index, log_.last_index());
  for (; i >= log_.first_index() && i > 0; --i) {
    const Entry* e = log_.At(i);
    if (e->type() != wire::v3::ENTRY_TYPE_CONFIG) continue;
    wire::v3::ConfigChange cc;
    if (!cc.ParseFromString(e->data())) continue;
    return ConfigFromChange(cc, i);
  }
  return base_config_;
}

void Raft::SetConfig(const ConfigState& config) {
  config_ = config;
  SyncProgress();
}

void Raft::ApplyCommitted() {
  while (applied_ < commit_ && fatal_.ok()) {
    const Entry* e = log_.At(applied_ + 1);
    RAFTLOG_V1_CHECK(e != nullptr);
    ApplyEntry(*e);
    applied_ = e->index();
    if (compact_for_downgrade_) {
      compact_for_downgrade_ = false;
      if (!Compact()) return;
      // Covered records of a higher cluster version left in a partly covered
      // segment would still make the lower release refuse the directory.
      if (absl::Status s = storage_->ScrubCoveredVersionEntries(cv_.current()); !s.ok()) {
        Fail(s);
        return;
      }
      Audit("downgrade_compacted", absl::StrCat("snapshot_index=", log_.snapshot_index(),
                                                " format=", snapshot_format_,
                                                " cluster_version=", cv_.current()));
    }
  }
  MaybeLeaveJoint();
  // A leader that removed itself leads until that change commits, then
  // steps down (thesis 4.2.2); outside the configuration it never campaigns.
  // Joint consensus: a leader in C_old only leads until LEAVE_JOINT commits.
  if (role_ == api::Role::kLeader && !IsVoter(options_.id) && config_.index <= commit_) {
    BecomeFollower(term_, 0);
  }
  ServeReads();
  MaybeCompact();
}

void Raft::ApplyEntry(const Entry& e) {
  out_.applied.push_back(
      api::AppliedEntry{e.index(), api::EntryId{e.term(), api::Fnv1a64(e.data())}});
  auto pending = pending_.find(e.index());
  switch (e.type()) {
    case wire::v3::ENTRY_TYPE_COMMAND: {
      wire::v3::Command cmd;
      if (!cmd.ParseFromString(e.data())) break;  // validated on receipt
      CommandResult result = kv_.Apply(cmd, e.index());
      if (result.duplicate) Count(kCounterDuplicateRequests);
      if (pending != pending_.end() && pending->second.client_id == cmd.client_id() &&
          pending->second.sequence == cmd.sequence()) {
        api::Reply r;
        r.client_id = cmd.client_id();
        r.sequence = cmd.sequence();
        r.status = result.status;
        r.value = result.value;
        r.found = result.found;
        r.succeeded = result.succeeded;
        r.index = result.index;
        r.leader_hint = leader_;
        r.hint_term = term_;
        out_.replies.push_back(std::move(r));
      }
      break;
    }
    case wire::v3::ENTRY_TYPE_CONFIG: {
      wire::v3::ConfigChange cc;
      if (!cc.ParseFromString(e.data())) break;
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
        if (cc.type() == wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT &&
            pending != pending_.end()) {
          joint_pending_ = pending->second;  // answered when LEAVE_JOINT applies
        } else {
          ReplyPending(e);
        }
        break;
      }
      Audit("config_change",
            absl::StrCat("index=", e.index(), " term=", e.term(), " ", ChangeName(cc.type()),
                         " node=", cc.node_id(), " voters=", VotersString(voters),
                         show_learners ? absl::StrCat(" learners=", VotersString(learners))
                                       : std::string()));
      ReplyPending(e);
      break;
    }
    case wire::v3::ENTRY_TYPE_CLUSTER_VERSION: {
      wire::v3::ClusterVersionChange cv;
      if (!cv.ParseFromString(e.data())) break;  // validated on receipt
      const uint32_t previous = cv_.current();
      cv_.Apply(e.index(), cv.version(), cv.downgrade());
      Count(kCounterClusterVersionChanges);
      Audit("cluster_version", absl::StrCat("index=", e.index(), " term=", e.term(),
                                            " version=", cv.version(), " previous=", previous,
                                            cv.downgrade() ? " downgrade" : ""));
      ReplyPending(e);
      // The downgrade procedure: stop using what the lower version lacks and
      // rewrite the snapshot in its format, so the directory no longer needs
      // a newer reader (done once applied_ covers this entry).
      // Always, not only when the format changes: the log up to here holds
      // CLUSTER_VERSION entries, which the lower release cannot read.
      if (cv.downgrade()) compact_for_downgrade_ = true;
      // Below cv 3 no read context goes out: rounds in flight would never
      // be acknowledged, so their reads are dropped (indeterminate).
      if (cv_.current() < 3) DropReads();
      break;
    }
    default:
      break;  // NOOP
  }
  if (pending != pending_.end()) pending_.erase(pending);
}

void Raft::ReplyPending(const Entry& e) {
  auto pending = pending_.find(e.index());
  if (pending == pending_.end()) return;
  api::Reply r;
  r.client_id = pending->second.client_id;
  r.sequence = pending->second.sequence;
  r.index = e.index();
  r.leader_hint = leader_;
  r.hint_term = term_;
  out_.replies.push_back(std::move(r));
}

void Raft::MaybeCompact() {
  if (applied_ > log_.snapshot_index() &&
      applied_ - log_.snapshot_index() > options_.snapshot_threshold) {
    Compact();
  }
}

bool Raft::Compact() {
  if (!fatal_.ok()) return false;
  if (applied_ <= log_.snapshot_index()) return true;
  snapshots::SnapshotState st;
  st.last_index = applied_;
  st.last_term = *log_.Term(applied_);
  ConfigState config = ConfigAt(applied_);
  // Formats 1 and 2 cannot hold a joint configuration: compaction waits
  // until LEAVE_JOINT is applied (joint lasts about one round trip).
  if (CompactionWaitsForJoint()) return true;
  st.voters = config.voters;
  st.learners = config.learners;
  st.voters_outgoing = config.voters_outgoing;
  st.config_index = config.index;
  st.cluster_version = cv_.current();
  kv_.ToSnapshot(&st);
  // Format 2 only once the committed cluster version is at least 2: a v1
  // peer, or a v1 binary rolled back onto this directory, reads format 1 only.
  // Format 3 only once it is at least 3: v2 reads formats 1 and 2 only.
  const uint32_t format = SnapshotFormatFor(cv_.current());
  if (format >= kSnapshotFormat3) {
    AddFormat3Metadata(applied_, VersionHistoryText(inherited_cv_history_, cv_), &st);
  }
  if (absl::Status s = storage_->SaveSnapshot(st, format); !s.ok()) {
    Fail(s);
    return false;
  }
  log_.CompactTo(applied_);
  base_config_ = config;
  snapshot_format_ = format;
  Count(api::kCounterCompactions);
  return true;
}

absl::Status Raft::CheckSnapshotVersion(const snapshots::SnapshotState& state, NodeId from) {
  if (state.cluster_version <= kMaxProtocol) return absl::OkStatus();
  Count(kCounterUnknownSnapshotFormat);
  return absl::FailedPreconditionError(absl::StrCat(
      "snapshot from node ", from, " records cluster version ", state.cluster_version,
      "; v3 speaks at most ", kMaxProtocol));
}

bool Raft::RestoreSnapshot(const snapshots::SnapshotState& state, uint32_t format,
                           absl::string_view bytes) {
  const uint64_t s = state.last_index;
  // Section 7: keep the log after the snapshot if it agrees at its boundary.
  const bool keep = log_.MatchTerm(s, state.last_term);
  // The sender's bytes as they are (a chunked install verified them chunk by
  // chunk against the writer's own checksums).
  if (absl::Status st = storage_->SaveSnapshotFile(s, bytes); !st.ok()) {
    Fail(st);
    return false;
  }
  if (keep) {
    log_.CompactTo(s);
  } else {
    if (absl::Status st = storage_->DiscardLog(s + 1); !st.ok()) {
      Fail(st);
      return false;
    }
    log_.Reset(s, state.last_term);
  }
  kv_.FromSnapshot(state);
  base_config_ =
      ConfigState{state.voters, state.config_index, state.learners, state.voters_outgoing};
  commit_ = s;
  applied_ = s;
  snapshot_format_ = format;
  const uint32_t previous_version = cv_.current();
  cv_.Reset(s, state.cluster_version);
  inherited_cv_history_ = InheritedHistory(state);
  if (keep) {
    // The kept log's covered part may hold a CLUSTER_VERSION record above the
    // snapshot's version (a downgrade this node did not apply itself): as
    // after a downgrade compaction.
    if (absl::Status st = storage_->ScrubCoveredVersionEntries(cv_.current()); !st.ok()) {
      Fail(st);
      return false;
    }
  }
  if (previous_version != cv_.current()) {
    Audit("cluster_version", absl::StrCat("index=", s, " from_snapshot=", s, " version=",
                                          cv_.current(), " previous=", previous_version));
  }
  ConfigState before = config_;
  SetConfig(ConfigAt(log_.last_index()));
  if (config_.voters != before.voters || config_.learners != before.learners ||
      config_.voters_outgoing != before.voters_outgoing) {
    const bool show_learners = !config_.learners.empty() || !before.learners.empty();
    Audit("config_change",
          absl::StrCat("index=", config_.index, " from_snapshot=", s,
                       " voters=", VotersString(config_.voters),
                       show_learners ? absl::StrCat(" learners=", VotersString(config_.learners))
                                     : std::string(),
                       config_.joint() || before.joint()
                           ? absl::StrCat(" voters_outgoing=",
                                          VotersString(config_.voters_outgoing))
                           : std::string()));
  }
  return true;
}

// ---------------------------------------------------------------------------
// Membership.

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
  auto insert = [](std::vector<NodeId>* ids, NodeId id) {
    ids->insert(std::upper_bound(ids->begin(), ids->end(), id), id);
  };
  auto erase = [](std::vector<NodeId>* ids, NodeId id) {
    ids->erase(std::find(ids->begin(), ids->end(), id));
  };
  wire::v3::ConfigChangeType type = wire::v3::CONFIG_CHANGE_TYPE_UNSPECIFIED;
  switch (req.op) {
    case api::Op::kAddVoter:
      if (IsVoter(t)) {
        Reply(req, absl::OkStatus(), config_.index);  // already so: nothing to do
        return;
      }
      if (IsLearner(t)) {
        Reply(req, absl::FailedPreconditionError(absl::StrCat(
                       "node ", t, " is a learner; promote it with kPromoteLearner")));
        return;
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
        return;
      }
      erase(&voters, t);
      if (voters.empty()) {
        Reply(req, absl::InvalidArgumentError("cannot remove the last voter"));
        return;
      }
      type = wire::v3::CONFIG_CHANGE_TYPE_REMOVE_VOTER;
      break;
    case api::Op::kAddLearner:
      if (IsLearner(t)) {
        Reply(req, absl::OkStatus(), config_.index);
        return;
      }
      if (IsVoter(t)) {
        Reply(req, absl::FailedPreconditionError(
                       absl::StrCat("node ", t, " is a voter; remove it first to demote it")));
        return;
      }
      insert(&learners, t);
      type = wire::v3::CONFIG_CHANGE_TYPE_ADD_LEARNER;
      break;
    case api::Op::kPromoteLearner: {
      if (IsVoter(t)) {
        Reply(req, absl::OkStatus(), config_.index);
        return;
      }
      if (!IsLearner(t)) {
        Reply(req, absl::FailedPreconditionError(
                       absl::StrCat("node ", t, " is not a learner; add it with kAddLearner")));
        return;
      }
      // Caught up: holds everything committed, so it can count for commit at
      // once without stalling the cluster.
      auto it = progress_.find(t);
      const uint64_t match = it == progress_.end() ? 0 : it->second.match;
      if (match < commit_) {
        Reply(req, absl::UnavailableError(absl::StrCat("learner ", t, " is not caught up (match ",
                                                       match, ", commit ", commit_,
                                                       "); retry later")));
        return;
      }
      erase(&learners, t);
      insert(&voters, t);
      type = wire::v3::CONFIG_CHANGE_TYPE_PROMOTE_LEARNER;
      break;
    }
    default:
      RAFTLOG_V1_CHECK(false);
  }
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

bool Raft::CompactionWaitsForJoint() const {
  return applied_ > log_.snapshot_index() && ConfigAt(applied_).joint() &&
         SnapshotFormatFor(cv_.current()) < kSnapshotFormat3;  // 1, 2: no voters_outgoing
}

// ---------------------------------------------------------------------------
// Cluster version.

void Raft::RecordProtocol(const Message& m) {
  if (role_ != api::Role::kLeader) return;
  ProtocolRange r;
  switch (m.body_case()) {
    case Message::kRequestVoteResponse:
      r = RangeFromWire(m.request_vote_response().min_protocol(),
                        m.request_vote_response().max_protocol());
      break;
    case Message::kAppendEntriesResponse:
      r = RangeFromWire(m.append_entries_response().min_protocol(),
                        m.append_entries_response().max_protocol());
      break;
    case Message::kInstallSnapshotResponse:
      r = RangeFromWire(m.install_snapshot_response().min_protocol(),
                        m.install_snapshot_response().max_protocol());
      break;
    case Message::kInstallSnapshotChunkResponse:
      r = RangeFromWire(m.install_snapshot_chunk_response().min_protocol(),
                        m.install_snapshot_chunk_response().max_protocol());
      break;
    case Message::kPreVoteResponse:
      r = RangeFromWire(m.pre_vote_response().min_protocol(),
                        m.pre_vote_response().max_protocol());
      break;
    default:
      return;  // requests carry no report
  }
  peer_protocol_[m.from()] = r;
}

MemberReports Raft::Members() const {
  MemberReports out;
  std::vector<NodeId> ids = quorum::Union(Voters());
  ids.insert(ids.end(), config_.learners.begin(), config_.learners.end());
  for (NodeId id : ids) {
    if (id == options_.id) {
      out[id] = ProtocolRange{kMinProtocol, kMaxProtocol};
      continue;
    }
    auto it = peer_protocol_.find(id);
    out[id] = it == peer_protocol_.end() ? std::nullopt
                                         : std::optional<ProtocolRange>(it->second);
  }
  return out;
}

uint64_t Raft::PendingVersionChange() const {
  uint64_t found = 0;
  for (uint64_t i = std::max(commit_ + 1, log_.first_index()); i <= log_.last_index(); ++i) {
    if (log_.At(i)->type() == wire::v3::ENTRY_TYPE_CLUSTER_VERSION) found = i;
  }
  return found;
}

bool Raft::RefuseUnsettled(const api::Request& req) {
  if (role_ != api::Role::kLeader) {
    ReplyNotLeader(req);
    return true;
  }
  if (!log_.MatchTerm(commit_, term_)) {
    Reply(req, absl::UnavailableError(
                   absl::StrCat("leader has not yet committed an entry of its term ", term_)));
    return true;
  }
  if (config_.index > commit_) {
    Reply(req, absl::UnavailableError(absl::StrCat("configuration change at index ",
                                                   config_.index, " is not committed yet")));
    return true;
  }
  if (config_.joint()) {  // LEAVE_JOINT not appended yet
    Reply(req, absl::UnavailableError(absl::StrCat(
                   "joint configuration at index ", config_.index, " is not left yet")));
    return true;
  }
  if (uint64_t at = PendingVersionChange(); at != 0) {
    Reply(req, absl::UnavailableError(
                   absl::StrCat("cluster version change at index ", at, " is not committed yet")));
    return true;
  }
  return false;
}

uint64_t Raft::AppendVersionChange(uint32_t version, bool downgrade) {
  wire::v3::ClusterVersionChange cv;
  cv.set_version(version);
  cv.set_previous(cv_.current());
  cv.set_downgrade(downgrade);
  uint64_t index = AppendLocal(wire::v3::ENTRY_TYPE_CLUSTER_VERSION, cv.SerializeAsString());
  if (index == 0) return 0;
  Audit(downgrade ? "downgrade_request" : "finalize",
        absl::StrCat("index=", index, " term=", term_, " version=", version,
                     " previous=", cv_.current()));
  return index;
}

void Raft::ProposeVersionChange(const api::Request& req) {
  if (RefuseUnsettled(req)) return;
  const bool raise = req.op == api::Op::kFinalize;
  const uint32_t current = cv_.current();
  absl::StatusOr<uint32_t> target = raise ? FinalizeTarget(req.version, current, Members())
                                          : DowngradeTarget(req.version, current, Members());
  if (!target.ok()) {
    Reply(req, target.status());
    return;
  }
  if (*target == current) {
    Reply(req, absl::OkStatus(), cv_.last_index());  // already there
    return;
  }
  if (raise && *target >= 3 && !options_.has_cluster_key) {
    // Cluster version 3 authenticates every peer message: never run it
    // unauthenticated.
    Reply(req, absl::FailedPreconditionError(absl::StrCat(
                   "no cluster key: cluster version ", *target,
                   " authenticates every peer message; set NodeOptions::cluster_key, the same "
                   "on every node, and restart them first")));
    return;
  }
  if (!raise && *target < 2 && !config_.learners.empty()) {
    // Cluster version 1 has no learners, and format 1 cannot hold them.
    Reply(req, absl::FailedPreconditionError(absl::StrCat(
                   "cannot downgrade to cluster version ", *target, " with learners ",
                   VotersString(config_.learners), "; promote or remove them first")));
    return;
  }
  uint64_t index = AppendVersionChange(*target, !raise);
  if (index == 0) return;
  pending_[index] = Pending{req.client_id, req.sequence, req.op};
  BroadcastAppend();
  MaybeCommit();
}

void Raft::MaybeAutoFinalize() {
  // Never undo an explicit downgrade: an operator lowered the version on
  // purpose (and must turn auto_finalize off before restarting nodes).
  if (role_ != api::Role::kLeader || cv_.downgraded()) return;
  if (!log_.MatchTerm(commit_, term_) || config_.index > commit_ ||
      PendingVersionChange() != 0) {
    return;
  }
  absl::StatusOr<uint32_t> target = FinalizeTarget(0, cv_.current(), Members());
  if (!target.ok()) return;
  // No cluster key: stop at 2 rather than run cluster version 3 unauthenticated.
  const uint32_t version = options_.has_cluster_key ? *target : std::min<uint32_t>(*target, 2);
  if (version <= cv_.current()) return;
  if (AppendVersionChange(version, false) == 0) return;
  BroadcastAppend();
  MaybeCommit();
}

// ---------------------------------------------------------------------------
// Client requests.

void Raft::Propose(const api::Request& req) {
  if (!fatal_.ok()) {
    Reply(req, absl::UnavailableError(absl::StrCat("node stopped: ", fatal_.message())));
    return;
  }
  if (IsClientOp(req.op)) {
    // cv >= 3: a Get that allows a stale answer is served by any node from
    // its applied state (below cv 3 the flag is ignored: through the log).
    if (req.op == api::Op::kGet && req.stale_read_ok && cv_.current() >= 3) {
      Count(kCounterStaleReads);
      ReplyRead(req, /*stale=*/true);
      return;
    }
    if (role_ != api::Role::kLeader) {
      ReplyNotLeader(req);
      return;
    }
    // Admission control (local, no gate): a bounded queue instead of an
    // unbounded one; the client backs off and retries. Reads waiting for
    // ReadIndex count too.
    const size_t inflight = pending_.size() + PendingReads();
    if (options_.max_inflight_requests > 0 && inflight >= options_.max_inflight_requests) {
      Count(api::kCounterOverloaded);
      Reply(req, absl::ResourceExhaustedError(absl::StrCat(
                     "overloaded: ", inflight, " requests pending on leader ",
                     options_.id, " (max_inflight_requests ", options_.max_inflight_requests,
                     "); retry later")));
      return;
    }
    if (req.op == api::Op::kGet && cv_.current() >= 3) {
      ProposeRead(req);  // ReadIndex: nothing appended
      return;
    }
    wire::v3::Command cmd;
    cmd.set_client_id(req.client_id);
    cmd.set_sequence(req.sequence);
    cmd.set_op(ToCommandOp(req.op));
    cmd.set_key(req.key);
    cmd.set_value(req.value);
    cmd.set_expected(req.expected);
    uint64_t index = AppendLocal(wire::v3::ENTRY_TYPE_COMMAND, cmd.SerializeAsString());
    if (index == 0) return;
    pending_[index] = Pending{req.client_id, req.sequence, req.op};
    BroadcastAppend();
    MaybeCommit();
    return;
  }
  switch (req.op) {
    case api::Op::kAddVoter:
    case api::Op::kRemoveVoter:
    case api::Op::kAddLearner:
    case api::Op::kPromoteLearner:
      ProposeConfigChange(req);
      return;
    case api::Op::kChangeConfig:
      ProposeJointChange(req);
      return;
    case api::Op::kFinalize:
    case api::Op::kDowngrade:
      ProposeVersionChange(req);
      return;
    case api::Op::kCompact:
      // Local to this node, on any role.
      if (CompactionWaitsForJoint()) {
        Reply(req, absl::UnavailableError(absl::StrCat(
                       "the configuration at applied index ", applied_,
                       " is joint and snapshot format ", SnapshotFormatFor(cv_.current()),
                       " cannot hold it; retry once LEAVE_JOINT is applied")));
        return;
      }
      if (Compact()) Reply(req, absl::OkStatus(), log_.snapshot_index());
      return;
    default:
      Reply(req, absl::UnimplementedError(
                     absl::StrCat("release v3 does not support ", api::OpName(req.op))));
      return;
  }
}

// ---------------------------------------------------------------------------
// Reads (cv >= 3).

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

// ---------------------------------------------------------------------------
// Outputs.

absl::Status Raft::Flush() {
  if (!fatal_.ok()) return fatal_;
  HardState hs{term_, vote_, commit_};
  if (hs != persisted_) {
    if (absl::Status s = storage_->SaveHardState(hs); !s.ok()) {
      Fail(s);
      return fatal_;
    }
    persisted_ = hs;
  }
  return absl::OkStatus();
}

Output Raft::TakeOutput() {
  Output out = std::move(out_);
  out_ = Output();
  for (Message& m : out.messages) StampRange(&m);
  if (!fatal_.ok()) out.messages.clear();  // may depend on unsynced state
  return out;
}

Message Raft::NewMessage(NodeId to, wire::v3::MessageType type) const {
  Message m;
  // The committed cluster version: 1 until finalize, so a v1 peer (which
  // refuses anything but 1) reads every message of a mixed cluster.
  m.set_protocol_version(std::min(std::max(cv_.current(), kMinProtocol), kMaxProtocol));
  m.set_type(type);
  m.set_from(options_.id);
  m.set_to(to);
  m.set_term(term_);
  return m;
}

void Raft::Reply(const api::Request& req, absl::Status status, uint64_t index) {
  api::Reply r;
  r.client_id = req.client_id;
  r.sequence = req.sequence;
  r.status = std::move(status);
  r.index = index;
  r.leader_hint = leader_;
  r.hint_term = term_;
  out_.replies.push_back(std::move(r));
}

void Raft::ReplyNotLeader(const api::Request& req) {
  Count(kCounterNotLeaderReplies);
  Reply(req, absl::FailedPreconditionError(absl::StrCat(
                 "node ", options_.id, " is not the leader; leader hint ", leader_, " (term ",
                 term_, ")")));
}

void Raft::Audit(const std::string& kind, const std::string& detail) {
  api::AuditEvent ev;
  ev.seq = ++audit_seq_;
  ev.kind = kind;
  ev.detail = detail;
  ev.chain = api::ChainDigest(audit_chain_, ev.seq, kind, detail);
  audit_chain_ = ev.chain;
  out_.audit.push_back(std::move(ev));
}

void Raft::Fail(const absl::Status& status) {
  if (fatal_.ok()) {
    fatal_ = absl::Status(status.code(), absl::StrCat("storage failure: ", status.message()));
  }
}

}  // namespace raftlog::v3
