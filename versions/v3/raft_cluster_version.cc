// Raft core, the cluster version (cluster_version.h): protocol reports,
// finalize and downgrade requests, auto-finalize, and the guard every admin
// request passes (a settled leader).
#include "versions/v3/raft.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "versions/v3/raft_internal.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using raft_internal::VotersString;

}  // namespace

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

void Raft::ApplyClusterVersionEntry(const Entry& e) {
  wire::v3::ClusterVersionChange cv;
  if (!cv.ParseFromString(e.data())) return;  // validated on receipt
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
}

}  // namespace raftlog::v3
