// Raft core, snapshots (Raft 7): sending one (format 1 whole, formats 2 and
// 3 in verified chunks), installing one received, and compaction into one.
#include "versions/v3/raft.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "snapshots/format3/constants.h"
#include "versions/v3/check.h"
#include "versions/v3/raft_internal.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using raft_internal::InheritedHistory;
using raft_internal::kMetaClusterVersionHistory;
using raft_internal::VotersString;

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

}  // namespace

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
  RAFTLOG_V3_CHECK(file.ok());
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

bool Raft::CompactionWaitsForJoint() const {
  return applied_ > log_.snapshot_index() && ConfigAt(applied_).joint() &&
         SnapshotFormatFor(cv_.current()) < kSnapshotFormat3;  // 1, 2: no voters_outgoing
}

}  // namespace raftlog::v3
