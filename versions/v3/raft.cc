// The Raft core of release v3 (raft.h): construction, the dispatch of every
// input (Step, Tick, Propose) and the outputs. The handlers live with their
// concern: raft_election.cc, raft_replication.cc, raft_apply.cc,
// raft_snapshot.cc, raft_membership.cc, raft_cluster_version.cc,
// raft_read.cc, raft_admission.cc and raft_durable.cc.
#include "versions/v3/raft.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "versions/v3/check.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;

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
  RAFTLOG_V3_CHECK(options_.id != 0);
  RAFTLOG_V3_CHECK(options_.random != nullptr);
  RAFTLOG_V3_CHECK(options_.election_ticks > 0 && options_.heartbeat_ticks > 0);
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
    RejectStaleTerm(m, from_leader);
    return absl::OkStatus();
  }
  return StepInTerm(m);
}

void Raft::RejectStaleTerm(const Message& m, bool from_leader) {
  const wire::v3::MessageType type = m.type();
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
}

absl::Status Raft::StepInTerm(const Message& m) {
  const wire::v3::MessageType type = m.type();
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

// ---------------------------------------------------------------------------
// Client requests.

void Raft::Propose(const api::Request& req) {
  if (!fatal_.ok()) {
    Reply(req, absl::UnavailableError(absl::StrCat("node stopped: ", fatal_.message())));
    return;
  }
  if (IsClientOp(req.op)) {
    if (ServeStaleRead(req)) return;
    if (role_ != api::Role::kLeader) {
      ReplyNotLeader(req);
      return;
    }
    if (RefuseOverloaded(req)) return;
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
// Outputs.

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
