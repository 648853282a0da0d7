// The Raft core of release v3: Step(message) / Tick() / Propose(request) in,
// an Output value out (etcd raft's Step/Ready shape). No I/O of its own other
// than through Storage, which syncs before returning; so by the time an input
// returns, everything the queued messages and replies depend on is durable
// once Flush() (the hard state) has succeeded.
//
// What v1 implemented, kept as is (Raft paper and thesis section numbers):
//  - leader election with randomized timeouts in [election_ticks,
//    2*election_ticks) drawn from env.random (5.2), vote restriction (5.4.1);
//  - replication with the consistency check and fast backtracking by
//    conflicting term (5.3), a per-follower probe/replicate state;
//  - commit only of entries of the leader's current term by counting replicas
//    (5.4.2); a new leader appends a NOOP of its term so it can commit;
//  - single-server membership changes (thesis 4.1): one at a time, effective
//    on APPEND (not commit), refused with kUnavailable while a change is
//    uncommitted or before the leader committed an entry of its term; a node
//    that is not a voter of its configuration never campaigns; a leader that
//    removed itself steps down once that change commits;
//  - compaction into a snapshot when more than snapshot_threshold applied
//    entries are in the log, or on Op::kCompact; a follower behind the
//    leader's first index gets the snapshot (7);
//  - every client operation, Get included, goes through the log; sessions make
//    them exactly-once (kv.h).
// What v2 adds, each gated on the COMMITTED cluster version
// (cluster_version.h), never on this binary's version:
//  - protocol range reports on every response, finalize (CLUSTER_VERSION
//    entries), the cluster-version history; a v2 node speaks protocol
//    `cluster version` on the wire, so a v1 peer reads everything it gets
//    until finalize;
//  - cv >= 2: pre-vote (a node whose election timer fires becomes
//    kPreCandidate and asks PreVote first) and check-quorum (a leader that
//    has not heard from a quorum within an election timeout steps down;
//    while a live leader is known, higher-term RequestVotes are ignored);
//  - cv >= 2: learners (Op::kAddLearner, kPromoteLearner; kRemoveVoter of a
//    learner removes it): they receive replication but neither vote, nor
//    campaign, nor count for commit or check-quorum; promotion needs the
//    learner to hold everything committed; one change at a time as in v1;
//  - admission control (local, no gate): a leader with max_inflight_requests
//    client requests pending answers more with kResourceExhausted;
//  - cv >= 2: snapshots are written in format 2 (zstd, chunked) and sent as
//    InstallSnapshotChunk messages, one verified unit at a time, resumable;
//    below it format 1 in one InstallSnapshot, as v1. Format 1 and 2 are
//    always read.
// What v3 adds, gated the same way:
//  - cv >= 3: joint consensus (thesis 4.3) for arbitrary voter changes
//    (Op::kChangeConfig): ENTER_JOINT puts C_new & C_old in effect on append;
//    elections, pre-votes, commit and check-quorum then need a majority of
//    both (quorum.h); once it commits the leader appends LEAVE_JOINT, and a
//    leader outside C_new steps down when that commits. Compaction never
//    writes a joint configuration into a format that cannot hold it (1, 2).
#ifndef RAFTLOG_VERSIONS_V3_RAFT_H_
#define RAFTLOG_VERSIONS_V3_RAFT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "snapshots/format2/install.h"
#include "versions/api/env.h"
#include "versions/api/node.h"
#include "versions/v3/cluster_version.h"
#include "versions/v3/kv.h"
#include "versions/v3/log.h"
#include "versions/v3/quorum.h"
#include "versions/v3/storage.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {

// Snapshot format 1 (v1's) is written below cluster version 2 and always read;
// format 2 (zstd, chunked install) is written at cluster version 2; format 3
// (format 2's container plus the joint configuration and a metadata section)
// once it is at least 3. All three are always read.
inline constexpr uint32_t kSnapshotFormat = 1;
inline constexpr uint32_t kSnapshotFormat2 = 2;
inline constexpr uint32_t kSnapshotFormat3 = 3;
inline constexpr uint32_t SnapshotFormatFor(uint32_t cluster_version) {
  return cluster_version >= 3   ? kSnapshotFormat3
         : cluster_version >= 2 ? kSnapshotFormat2
                                : kSnapshotFormat;
}
// At most this many entries per AppendEntries message. Every release sends
// at most 64 (v1, v2 and v3 alike), so the receiver refuses more
// (Node::Validate, kInvalidArgument, counted as a decode error) instead of
// letting a peer's entry count decide how much it appends and syncs at once.
inline constexpr size_t kMaxEntriesPerAppend = 64;
// The largest peer message Node::Deliver parses: 128 MiB. The largest a
// release sends is an InstallSnapshot of format 1 (the whole snapshot in one
// message) or a chunk of format 2/3 (at most snapshots/format2's
// kMaxChunkBytes, 64 MiB, plus its record header). Larger bytes are refused
// unparsed (kResourceExhausted, counted as a decode error). wire/v3/raft.proto
// documents it beside Message.
inline constexpr size_t kMaxMessageBytes = size_t{128} << 20;

// Counters of v1 and v2 beyond the well-known ones in versions/api/node.h.
inline constexpr char kCounterTornTail[] = "torn_tail_truncations";
inline constexpr char kCounterStaleTerm[] = "stale_term_messages";
// AppendEntries or InstallSnapshot from another node claiming to lead this
// node's own term: a peer broke election safety.
inline constexpr char kCounterSecondLeaderInTerm[] = "second_leader_in_term";
inline constexpr char kCounterCommittedOverwrite[] = "committed_overwrite_refused";
inline constexpr char kCounterUnknownSnapshotFormat[] = "unknown_snapshot_formats";
inline constexpr char kCounterConfigChanges[] = "config_changes_applied";
inline constexpr char kCounterDuplicateRequests[] = "duplicate_requests";
inline constexpr char kCounterNotLeaderReplies[] = "not_leader_replies";
// Since v2.
inline constexpr char kCounterClusterVersionChanges[] = "cluster_version_changes";
inline constexpr char kCounterPreVotes[] = "pre_votes_started";
inline constexpr char kCounterCheckQuorumStepDowns[] = "check_quorum_step_downs";
inline constexpr char kCounterVotesIgnoredInLease[] = "votes_ignored_in_lease";
// Since v3: Gets answered by ReadIndex (no log entry) and as stale reads.
inline constexpr char kCounterReadIndexReads[] = "read_index_reads";
inline constexpr char kCounterStaleReads[] = "stale_reads";
// Feature-path counters (since v3), each counted where the path completes;
// RELEASE.md, "Feature counters", lists every path counter of v3.
// A follower finished installing a snapshot received from a leader (either
// message kind), by the snapshot's format.
inline constexpr char kCounterSnapshotInstallsFormat1[] = "snapshot_installs_format_1";
inline constexpr char kCounterSnapshotInstallsFormat2[] = "snapshot_installs_format_2";
inline constexpr char kCounterSnapshotInstallsFormat3[] = "snapshot_installs_format_3";
// A follower installed a snapshot assembled from InstallSnapshotChunk messages.
inline constexpr char kCounterChunkedInstalls[] = "chunked_installs_completed";
// A leader appended ENTER_JOINT (the joint configuration takes effect on it
// at once) / LEAVE_JOINT. Counted on the appending leader only, not on the
// followers that receive the entry.
inline constexpr char kCounterJointEntered[] = "joint_entered";
inline constexpr char kCounterJointLeft[] = "joint_left";
// A leader appended an ADD_LEARNER / PROMOTE_LEARNER configuration entry.
inline constexpr char kCounterLearnersAdded[] = "learners_added";
inline constexpr char kCounterLearnersPromoted[] = "learners_promoted";
// A node applied a downgrade entry and rewrote its data for the lower
// release (compacted into the lower format, scrubbed covered records).
inline constexpr char kCounterDowngradeRewrites[] = "downgrade_rewrites";
// A node applied a committed CLUSTER_VERSION entry that raised its cluster
// version (a finalize; cluster_version_changes also counts downgrades).
inline constexpr char kCounterFinalizeApplied[] = "finalize_applied";
// Node drops of peer messages (each also counts auth_failures): a MAC present
// but not valid; no MAC where one is required (cv 3); and, overlapping both,
// a dropped message that claimed a protocol version below the committed one.
inline constexpr char kCounterAuthDropsForged[] = "auth_drops_forged";
inline constexpr char kCounterAuthDropsUnauthenticated[] = "auth_drops_unauthenticated";
inline constexpr char kCounterAuthDropsOlderVersion[] = "auth_drops_older_version";

using Counters = std::map<std::string, uint64_t>;

struct RaftOptions {
  api::NodeId id = 0;
  int election_ticks = 10;
  int heartbeat_ticks = 1;
  uint64_t snapshot_threshold = 1000;
  api::Random* random = nullptr;  // not owned
  // Leader: raise the cluster version as soon as every member reports that
  // it supports a higher one (unless the latest change was a downgrade).
  bool auto_finalize = false;
  // Leader: client requests pending (appended, not yet applied) at most;
  // more are answered kResourceExhausted "overloaded". 0: no limit.
  uint64_t max_inflight_requests = 1000;
  // NodeOptions::cluster_key is set. Without one, finalize to cluster
  // version 3 (which authenticates every peer message) is refused and
  // auto-finalize stops at 2.
  bool has_cluster_key = false;
};

// A configuration and the index of the entry (or snapshot) that set it.
struct ConfigState {
  std::vector<api::NodeId> voters;  // sorted, unique
  uint64_t index = 0;
  std::vector<api::NodeId> learners;  // sorted, unique, disjoint from voters (since v2)
  // Joint consensus (since v3): C_old while joint, else empty; sorted, unique.
  std::vector<api::NodeId> voters_outgoing;
  bool joint() const { return !voters_outgoing.empty(); }
};

// What an input produced. Messages may leave only after Flush() succeeded.
struct Output {
  std::vector<wire::v3::Message> messages;
  std::vector<api::Reply> replies;
  std::vector<api::AppliedEntry> applied;
  std::vector<api::AuditEvent> audit;
};

class Raft {
 public:
  // `storage` and `counters` are not owned and must outlive the Raft.
  Raft(const RaftOptions& options, Storage* storage, Counters* counters);

  // Restores from what Storage::Open recovered and applies the committed
  // entries. On an empty directory with `bootstrap_voters`, writes the
  // initial configuration as entry 1 (term 1), identical on every
  // bootstrapping voter; with none, waits to be replicated to (join).
  absl::Status Restore(const Recovered& recovered,
                       const std::vector<api::NodeId>& bootstrap_voters);

  // One message from a peer, decoded and validated by Node (contiguous
  // entries with known types and sane terms).
  absl::Status Step(const wire::v3::Message& m);
  void Tick();
  void Propose(const api::Request& request);
  // Persists the hard state if it changed. Must succeed before the outputs
  // of the current input leave the node.
  absl::Status Flush();
  Output TakeOutput();

  // Starts an election now, as an election timeout below cv 2 would (tests
  // and Tick).
  void Campaign();
  // Starts a pre-vote now, as an election timeout at cv >= 2 would: becomes
  // kPreCandidate without changing term or vote; Campaign() only once a
  // quorum says it would win (thesis 9.6).
  void PreCampaign();

  // Observers.
  api::NodeId id() const { return options_.id; }
  uint64_t term() const { return term_; }
  api::NodeId vote() const { return vote_; }
  api::Role role() const { return role_; }
  api::NodeId leader() const { return leader_; }
  uint64_t commit_index() const { return commit_; }
  uint64_t applied_index() const { return applied_; }
  const RaftLog& log() const { return log_; }
  const KvStore& kv() const { return kv_; }
  const ConfigState& config() const { return config_; }
  uint32_t snapshot_format() const { return snapshot_format_; }
  // The committed cluster version and its history of (index, version).
  uint32_t cluster_version() const { return cv_.current(); }
  const ClusterVersionHistory& cluster_version_history() const { return cv_; }
  // Leader: what each peer reported of its protocol range in this term.
  const std::map<api::NodeId, ProtocolRange>& peer_protocols() const { return peer_protocol_; }
  const absl::Status& fatal() const { return fatal_; }
  // An audit event about an input Node dropped before the core saw it (an
  // authentication failure), in this node's chain.
  void RecordAudit(const std::string& kind, const std::string& detail) { Audit(kind, detail); }
  // The configuration in effect at `index` (latest config entry at or before
  // it, else the snapshot's).
  ConfigState ConfigAt(uint64_t index) const;

 private:
  struct Progress {
    enum State { kProbe, kReplicate, kSnapshot };
    uint64_t match = 0;
    uint64_t next = 1;
    State state = kProbe;
    bool probe_sent = false;      // kProbe: one AppendEntries in flight
    uint64_t pending_snapshot = 0;
    int snapshot_ticks = 0;       // kSnapshot: ticks since it was sent
    uint64_t removed_at = 0;      // no longer a voter since this config index
    // Chunked install (format 2): the receiver's verified prefix as last
    // reported, and the offset of the chunk in flight, of snapshot
    // `chunk_snapshot`. Stop-and-wait: the next chunk leaves when the one in
    // flight is acknowledged; a refused or lost one is resent from
    // chunk_offset after the snapshot timeout.
    uint64_t chunk_snapshot = 0;
    uint64_t chunk_offset = 0;
    uint64_t chunk_sent = 0;
    // Check-quorum (cv >= 2): heard from in the current election period.
    bool recent_active = false;
    // ReadIndex (cv >= 3): the highest read_context this peer echoed in this
    // term.
    uint64_t read_ack = 0;
  };
  // ReadIndex (cv >= 3): linearizable Gets waiting for a heartbeat round
  // (context) to be acknowledged by a quorum, then for applied >= read_index.
  struct ReadRound {
    uint64_t read_index = 0;
    std::vector<api::Request> reads;
  };
  struct Pending {
    uint64_t client_id = 0;
    uint64_t sequence = 0;
    api::Op op = api::Op::kGet;
  };

  // A voter of either half of the configuration (joint or not).
  bool IsVoter(api::NodeId id) const;
  bool IsLearner(api::NodeId id) const;
  // The voter configuration every quorum is counted in (quorum.h).
  quorum::JointConfig Voters() const;
  // Add/remove voter (v1's), add/promote/remove learner (cv >= 2).
  void ProposeConfigChange(const api::Request& req);
  // The configuration req.op asks for, from the current one in `voters`,
  // `learners`; false when req was answered instead (nothing to do, refused).
  bool PlanConfigChange(const api::Request& req, std::vector<api::NodeId>* voters,
                        std::vector<api::NodeId>* learners, wire::v3::ConfigChangeType* type);
  // Applies a committed CONFIG entry (audit, reply); `pending` is the
  // request waiting on it, if any.
  void ApplyConfigEntry(const Entry& e, const Pending* pending);
  // Op::kChangeConfig (cv >= 3): appends ENTER_JOINT (C_new & C_old).
  void ProposeJointChange(const api::Request& req);
  // Leader: once the joint configuration committed, appends LEAVE_JOINT.
  void MaybeLeaveJoint();
  // The configuration at the applied index is joint and the snapshot format
  // the cluster version writes cannot hold it: compaction waits.
  bool CompactionWaitsForJoint() const;
  // Every member of the configuration (voters and learners) with what this
  // leader knows of its protocol range; itself with its own.
  MemberReports Members() const;
  // The index of a CLUSTER_VERSION entry in the log that is not committed
  // yet (the latest), or 0.
  uint64_t PendingVersionChange() const;
  // Refuses (and answers) an admin request that needs a settled leader:
  // not leader, no entry of its term committed, a configuration or
  // cluster-version change in flight. True when refused.
  bool RefuseUnsettled(const api::Request& req);
  void ProposeVersionChange(const api::Request& req);
  // Appends a CLUSTER_VERSION entry (and audits finalize / downgrade_request);
  // returns its index, 0 on a storage failure.
  uint64_t AppendVersionChange(uint32_t version, bool downgrade);
  void MaybeAutoFinalize();
  // Applies a committed CLUSTER_VERSION entry (a finalize or a downgrade).
  void ApplyClusterVersionEntry(const Entry& e);
  void RecordProtocol(const wire::v3::Message& m);
  // True when `acks` holds a quorum of the configuration's voters (joint: a
  // majority of each half, quorum.h): the one place a ReadIndex round is
  // decided.
  bool HasQuorum(const std::set<api::NodeId>& acks) const;

  // ReadIndex (cv >= 3, thesis 6.4). A linearizable Get on the leader joins
  // read_queue_; a round starts (read_index = commit index, a new context
  // on a heartbeat to every peer) once the leader committed an entry of its
  // term; a round acknowledged by a quorum moves its reads to
  // read_confirmed_, answered once applied >= read_index. Leadership lost:
  // every read is dropped unanswered.
  void ProposeRead(const api::Request& req);
  // cv >= 3: answers a Get with stale_read_ok from the applied state; true
  // when answered.
  bool ServeStaleRead(const api::Request& req);
  bool MaybeStartReadRound(bool force);
  void AdvanceReads();
  void ServeReads();
  void DropReads();
  size_t PendingReads() const;
  // A Get answered from the applied state, without the log (ReadIndex or
  // stale); `stale` marks the reply (Reply::succeeded, see RELEASE.md).
  void ReplyRead(const api::Request& req, bool stale);

  // Roles.
  void ResetForTerm(uint64_t term);
  void BecomeFollower(uint64_t term, api::NodeId leader);
  void BecomeCandidate();
  void BecomeLeader();

  // Admission control: answers kResourceExhausted when the leader already
  // holds max_inflight_requests client requests; true when refused.
  bool RefuseOverloaded(const api::Request& req);

  // Handlers.
  // A message of a lower term: counted, answered with this node's term.
  void RejectStaleTerm(const wire::v3::Message& m, bool from_leader);
  // A message of this node's term (after any term change): to its handler.
  absl::Status StepInTerm(const wire::v3::Message& m);
  void HandleRequestVote(const wire::v3::Message& m);
  void HandleVoteResponse(const wire::v3::Message& m);
  void HandlePreVote(const wire::v3::Message& m);
  void HandlePreVoteResponse(const wire::v3::Message& m);
  // Leader, once per election timeout at cv >= 2: steps down unless a quorum
  // of voters was heard from in the period.
  void CheckQuorum();
  // cv >= 2 and a live leader is known (this node, or one heard from within
  // an election timeout): votes for a higher term are ignored.
  bool InLease() const;
  absl::Status HandleAppendEntries(const wire::v3::Message& m);
  void HandleAppendResponse(const wire::v3::Message& m);
  absl::Status HandleInstallSnapshot(const wire::v3::Message& m);
  void HandleSnapshotResponse(const wire::v3::Message& m);
  absl::Status HandleSnapshotChunk(const wire::v3::Message& m);
  void HandleSnapshotChunkResponse(const wire::v3::Message& m);
  // Counts an installed snapshot by its format (the feature counters).
  void CountInstalledFormat(uint32_t format);
  // A snapshot install finished (either message kind): match and resume.
  void SnapshotInstalledOn(api::NodeId peer, uint64_t match);

  // Leader replication.
  void SendAppend(api::NodeId to, bool heartbeat);
  void SendSnapshot(api::NodeId to, Progress* pr);
  void SendSnapshotChunk(api::NodeId to, Progress* pr);
  // Loads and splits the current snapshot file into install units (cached
  // per snapshot index). False on a storage failure (the node stops).
  bool LoadSnapshotChunks();
  void BroadcastAppend();
  void MaybeCommit();
  void SyncProgress();
  void MaybeForgetRemoved(api::NodeId peer);

  // Log and state machine.
  uint64_t AppendLocal(wire::v3::EntryType type, const std::string& data);
  bool AppendToLog(const std::vector<Entry>& entries);
  bool TruncateLog(uint64_t index);
  void SetConfig(const ConfigState& config);
  void ApplyCommitted();
  void ApplyEntry(const Entry& e);
  void ReplyPending(const Entry& e);
  void MaybeCompact();
  bool Compact();
  // Installs a snapshot received from a leader, keeping its bytes as sent.
  bool RestoreSnapshot(const snapshots::SnapshotState& state, uint32_t format,
                       absl::string_view bytes);
  // kFailedPrecondition (counted) for a snapshot recording a cluster version
  // this binary cannot speak.
  absl::Status CheckSnapshotVersion(const snapshots::SnapshotState& state, api::NodeId from);

  // Outputs.
  wire::v3::Message NewMessage(api::NodeId to, wire::v3::MessageType type) const;
  void Reply(const api::Request& r, absl::Status status, uint64_t index = 0);
  void ReplyNotLeader(const api::Request& r);
  void Audit(const std::string& kind, const std::string& detail);
  void Fail(const absl::Status& status);  // a storage error: stop the node
  void Count(const char* name) { ++(*counters_)[name]; }

  RaftOptions options_;
  Storage* storage_;
  Counters* counters_;

  uint64_t term_ = 0;
  api::NodeId vote_ = 0;
  uint64_t commit_ = 0;
  HardState persisted_;
  api::Role role_ = api::Role::kFollower;
  api::NodeId leader_ = 0;
  uint64_t applied_ = 0;

  RaftLog log_;
  KvStore kv_;
  ConfigState config_;
  ConfigState base_config_;  // as of log_.snapshot_index()
  uint32_t snapshot_format_ = 0;
  ClusterVersionHistory cv_;
  // The cluster-version history older than cv_'s base, as the newest format-3
  // snapshot's metadata recorded it (informational: written into the next
  // format-3 snapshot's metadata; empty when the snapshot had none).
  std::string inherited_cv_history_;
  bool compact_for_downgrade_ = false;  // set by applying a downgrade entry
  std::map<api::NodeId, ProtocolRange> peer_protocol_;  // leader, this term

  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_timeout_ = 0;
  std::map<api::NodeId, bool> votes_;
  std::map<api::NodeId, Progress> progress_;
  std::map<uint64_t, Pending> pending_;  // leader: log index -> request
  // Leader: the kChangeConfig request whose ENTER_JOINT applied, answered
  // when the LEAVE_JOINT this leader appends applies.
  std::optional<Pending> joint_pending_;
  // Leader, ReadIndex: reads not in a round yet, rounds in flight by
  // context, reads confirmed and waiting for apply (read_index, request).
  std::vector<api::Request> read_queue_;
  std::map<uint64_t, ReadRound> read_rounds_;
  std::vector<std::pair<uint64_t, api::Request>> read_confirmed_;
  uint64_t read_context_ = 0;  // the latest round started (never reused)

  // Leader: the current snapshot file split for a chunked install; the
  // chunks are views into snap_file_.
  std::string snap_file_;
  uint64_t snap_file_index_ = 0;
  std::vector<snapshots::format2::Chunk> snap_chunks_;
  // Follower: the chunked install in progress, of (index, term).
  std::unique_ptr<snapshots::format2::ChunkAssembler> assembler_;
  uint64_t assembling_index_ = 0;
  uint64_t assembling_term_ = 0;

  uint64_t audit_seq_ = 0;
  uint64_t audit_chain_ = 0;
  Output out_;
  absl::Status fatal_;
};

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_RAFT_H_
