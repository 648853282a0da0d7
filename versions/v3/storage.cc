#include "versions/v3/storage.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format3/format3.h"
#include "snapshots/preamble.h"
#include "snapshots/storage_codec.h"
#include "versions/v3/check.h"

namespace raftlog::v3 {
namespace {

namespace codec = snapshots::storage;
using codec::kLogPrefix;
using codec::kSnapPrefix;
using codec::kTmpPrefix;
using codec::ParseNumberedName;

// True when a valid record holding an entry above `index` starts anywhere in
// data[from, end): then a bad record before it is damage, not a torn tail.
bool ValidRecordAfter(absl::string_view data, size_t from, uint64_t index) {
  return codec::ValidRecordAfter(data, from, [index](absl::string_view body) {
    Entry e;
    return e.ParseFromArray(body.data(), static_cast<int>(body.size())) && e.index() > index;
  });
}

}  // namespace

std::string Storage::SegmentName(uint64_t first_index) {
  return codec::NumberedName(kLogPrefix, first_index);
}

std::string Storage::SnapshotName(uint64_t last_index) {
  return codec::NumberedName(kSnapPrefix, last_index);
}

std::string Storage::EncodeRecord(const Entry& entry) {
  std::string out;
  codec::AppendRecord(&out, entry.SerializeAsString());
  return out;
}

std::string Storage::EncodeHardState(const HardState& hs) {
  return codec::EncodeHardState(hs.term, hs.vote, hs.commit);
}

absl::StatusOr<HardState> Storage::DecodeHardState(absl::string_view bytes) {
  absl::StatusOr<codec::HardStateFields> f =
      codec::DecodeHardState(bytes, kHardStateFile, "v3");
  if (!f.ok()) return f.status();
  HardState hs;
  hs.term = f->term;
  hs.vote = f->vote;
  hs.commit = f->commit;
  return hs;
}

absl::StatusOr<std::string> Storage::EncodeSnapshot(const snapshots::SnapshotState& state,
                                                    uint32_t format) {
  switch (format) {
    case snapshots::kFormat1:
      return snapshots::format1::Encode(state);
    case snapshots::kFormat2: {
      snapshots::format2::EncodeOptions options;
      options.chunk_bytes = kSnapshotChunkBytes;
      return snapshots::format2::Encode(state, options);
    }
    case snapshots::kFormat3: {
      snapshots::format3::EncodeOptions options;
      options.chunk_bytes = kSnapshotChunkBytes;
      return snapshots::format3::Encode(state, options);
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("snapshot format ", format, ": v3 writes formats 1, 2 and 3"));
  }
}

absl::StatusOr<Storage::DecodedSnapshot> Storage::DecodeSnapshot(absl::string_view bytes) {
  absl::StatusOr<uint32_t> format = snapshots::ReadPreamble(bytes);
  if (!format.ok()) return format.status();
  absl::StatusOr<snapshots::SnapshotState> state;
  switch (*format) {
    case snapshots::kFormat1:
      state = snapshots::format1::Decode(bytes);
      break;
    case snapshots::kFormat2:
      state = snapshots::format2::Decode(bytes);
      break;
    case snapshots::kFormat3:
      state = snapshots::format3::Decode(bytes);
      break;
    default:
      return absl::UnimplementedError(absl::StrCat(
          "snapshot format ", *format,
          "; v3 reads formats 1, 2 and 3 (a newer release wrote it)"));
  }
  if (!state.ok()) return state.status();
  return DecodedSnapshot{std::move(*state), *format};
}

absl::Status Storage::CheckSpeakable(uint32_t max_cluster_version) const {
  // The newest snapshot: its format, then the cluster version it records.
  absl::StatusOr<std::vector<std::string>> snaps = fs_->List(kSnapPrefix);
  if (!snaps.ok()) return snaps.status();
  if (!snaps->empty()) {
    const std::string& path = snaps->back();
    absl::StatusOr<std::string> bytes = fs_->Read(path);
    if (bytes.ok()) {
      absl::StatusOr<uint32_t> format = snapshots::ReadPreamble(*bytes);
      if (format.ok() && *format != snapshots::kFormat1 && *format != snapshots::kFormat2 &&
          *format != snapshots::kFormat3) {
        return absl::UnimplementedError(absl::StrCat(
            "snapshot file ", path, " is in format ", *format,
            "; v3 reads formats 1, 2 and 3 (a newer release wrote it); nothing was changed"));
      }
      if (format.ok() && (*format == snapshots::kFormat2 || *format == snapshots::kFormat3)) {
        absl::StatusOr<snapshots::SnapshotState> head =
            *format == snapshots::kFormat2 ? snapshots::format2::DecodeHead(*bytes)
                                           : snapshots::format3::DecodeHead(*bytes);
        if (head.ok() && head->cluster_version > max_cluster_version) {
          return absl::FailedPreconditionError(absl::StrCat(
              "snapshot file ", path, " records cluster version ", head->cluster_version,
              "; v3 speaks at most ", max_cluster_version,
              ": this data needs a newer release (nothing was changed)"));
        }
      }
    }
  }
  // Every readable CLUSTER_VERSION record of the log (damage is Open's call).
  absl::StatusOr<std::vector<std::string>> names = fs_->List(kLogPrefix);
  if (!names.ok()) return names.status();
  for (const std::string& path : *names) {
    absl::StatusOr<std::string> data = fs_->Read(path);
    if (!data.ok()) continue;
    size_t off = 0;
    while (off < data->size()) {
      codec::RecordRead rec = codec::ReadRecord(*data, off);
      if (!rec.ok()) break;
      Entry e;
      if (!e.ParseFromArray(rec.body.data(), static_cast<int>(rec.body.size()))) break;
      off = rec.end;
      if (!wire::v3::EntryType_IsValid(e.type())) {
        return absl::UnimplementedError(absl::StrCat(
            path, ": entry ", e.index(), " has type ", static_cast<int>(e.type()),
            ", unknown to v3 (a newer release wrote it); nothing was changed"));
      }
      if (e.type() != wire::v3::ENTRY_TYPE_CLUSTER_VERSION) continue;
      wire::v3::ClusterVersionChange cv;
      if (cv.ParseFromString(e.data()) && cv.version() > max_cluster_version) {
        return absl::FailedPreconditionError(absl::StrCat(
            path, ": entry ", e.index(), " sets cluster version ", cv.version(),
            "; v3 speaks at most ", max_cluster_version,
            ": this data needs a newer release (nothing was changed)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Storage::RemoveFile(const std::string& path) {
  if (deferring_) {
    pending_.push_back(Repair{path, std::nullopt});
    return absl::OkStatus();
  }
  if (absl::Status s = ApplyRepairs(); !s.ok()) return s;
  return fs_->Delete(path);
}

absl::Status Storage::ApplyRepairs() {
  if (deferring_ || pending_.empty()) return absl::OkStatus();
  std::vector<Repair> repairs = std::move(pending_);
  pending_.clear();
  for (const Repair& r : repairs) {
    absl::Status s = r.rewrite.has_value() ? WriteAtomically(r.path, *r.rewrite)
                                           : fs_->Delete(r.path);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Storage::WriteAtomically(const std::string& path, absl::string_view data) {
  if (deferring_) {
    pending_.push_back(Repair{path, std::string(data)});
    return absl::OkStatus();
  }
  if (absl::Status s = ApplyRepairs(); !s.ok()) return s;
  std::string tmp = absl::StrCat(kTmpPrefix, path.substr(0, path.find('/')));
  if (absl::Status s = fs_->Write(tmp, data); !s.ok()) return s;
  if (absl::Status s = fs_->Sync(tmp); !s.ok()) return s;
  return fs_->Rename(tmp, path);
}

absl::StatusOr<Recovered> Storage::Open() {
  absl::StatusOr<Recovered> r = Recover();
  if (!r.ok()) return r;
  if (absl::Status s = ApplyRepairs(); !s.ok()) return s;
  return r;
}

absl::StatusOr<Recovered> Storage::Recover() {
  pending_.clear();
  deferring_ = true;
  absl::StatusOr<Recovered> r = ReadAndPlanRepairs();
  deferring_ = false;
  if (!r.ok()) pending_.clear();
  return r;
}

absl::Status Storage::PlanScratchCleanup() {
  // Half-written scratch files never published: drop them.
  absl::StatusOr<std::vector<std::string>> tmps = fs_->List(kTmpPrefix);
  if (!tmps.ok()) return tmps.status();
  for (const std::string& t : *tmps) {
    if (absl::Status s = RemoveFile(t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Storage::ReadHardStateInto(Recovered& r) {
  absl::StatusOr<std::string> hs_bytes = fs_->Read(kHardStateFile);
  if (hs_bytes.ok()) {
    absl::StatusOr<HardState> hs = DecodeHardState(*hs_bytes);
    if (!hs.ok()) return hs.status();
    r.hard_state = *hs;
    r.has_hard_state = true;
    r.empty = false;
  } else if (hs_bytes.status().code() != absl::StatusCode::kNotFound) {
    return absl::Status(hs_bytes.status().code(),
                        absl::StrCat(kHardStateFile, ": ", hs_bytes.status().message()));
  }
  return absl::OkStatus();
}

// A corrupt newest snapshot is refused, not skipped: the log it compacted
// away is gone, so an older snapshot would silently lose committed entries.
absl::Status Storage::ReadNewestSnapshotInto(Recovered& r) {
  absl::StatusOr<std::vector<std::string>> snaps = fs_->List(kSnapPrefix);
  if (!snaps.ok()) return snaps.status();
  if (snaps->empty()) return absl::OkStatus();
  const std::string& path = snaps->back();
  std::optional<uint64_t> index = ParseNumberedName(path, kSnapPrefix);
  if (!index) return absl::DataLossError(absl::StrCat(path, ": unexpected file name"));
  absl::StatusOr<std::string> bytes = fs_->Read(path);
  if (!bytes.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", bytes.status().message()));
  }
  absl::StatusOr<DecodedSnapshot> decoded = DecodeSnapshot(*bytes);
  if (!decoded.ok()) {
    absl::StatusCode code = decoded.status().code() == absl::StatusCode::kUnimplemented
                                ? absl::StatusCode::kUnimplemented
                                : absl::StatusCode::kDataLoss;
    return absl::Status(code, absl::StrCat("snapshot file ", path, " (", bytes->size(),
                                           " bytes): ", decoded.status().message()));
  }
  snapshots::SnapshotState* state = &decoded->state;
  r.snapshot_format = decoded->format;
  if (state->last_index != *index) {
    return absl::DataLossError(absl::StrCat(path, ": holds last index ", state->last_index,
                                            ", its name says ", *index));
  }
  r.snapshot = std::move(*state);
  r.empty = false;
  has_snapshot_ = true;
  snapshot_index_ = r.snapshot->last_index;
  for (size_t i = 0; i + 1 < snaps->size(); ++i) {
    if (absl::Status s = RemoveFile((*snaps)[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Storage::ReadSegmentInto(const std::string& path, bool last_segment, LogScan& scan,
                                      Recovered& r) {
  const uint64_t snap_index = scan.snap_index;
  const uint64_t snap_term = scan.snap_term;
  uint64_t& expect = scan.expect;
  uint64_t& last_term = scan.last_term;
  std::optional<uint64_t>& term_at_snapshot = scan.term_at_snapshot;
  std::optional<uint64_t> first = ParseNumberedName(path, kLogPrefix);
  if (!first || *first == 0) {
    return absl::DataLossError(absl::StrCat(path, ": unexpected file name"));
  }
  absl::StatusOr<std::string> data = fs_->Read(path);
  if (!data.ok()) return absl::DataLossError(absl::StrCat(path, ": ", data.status().message()));
  Segment seg{*first, path, {}};
  uint64_t index = *first;
  size_t off = 0;
  while (off < data->size()) {
    codec::RecordRead rec = codec::ReadRecord(*data, off);
    std::string problem = std::move(rec.problem);
    const size_t end = rec.end;
    Entry entry;
    if (problem.empty() &&
        !entry.ParseFromArray(rec.body.data(), static_cast<int>(rec.body.size()))) {
      problem = "unparsable entry";
    }
    if (!problem.empty()) {
      if (last_segment && end == data->size() && !ValidRecordAfter(*data, off + 1, index)) {
        // Torn tail: the last write never completed; nothing after it.
        if (off == 0) {
          if (absl::Status s = RemoveFile(path); !s.ok()) return s;
        } else if (absl::Status s = WriteAtomically(path, data->substr(0, off)); !s.ok()) {
          return s;
        }
        r.torn_tail_truncations = 1;
        r.repairs.push_back(absl::StrCat(path, ": dropped torn record at offset ", off, " (",
                                         problem, "), ", data->size() - off, " bytes"));
        break;
      }
      return absl::DataLossError(absl::StrCat(
          path, ": corrupt record at offset ", off, " (", problem, ") followed by ",
          !last_segment          ? std::string("later segments")
          : end < data->size()   ? absl::StrCat(data->size() - end, " more bytes")
                                 : std::string("valid records"),
          "; refusing to drop acknowledged entries"));
    }
    if (entry.index() != index) {
      return absl::DataLossError(absl::StrCat(path, ": record at offset ", off, " holds index ",
                                              entry.index(), ", expected ", index));
    }
    if (index == snap_index) term_at_snapshot = entry.term();
    const bool other_history = term_at_snapshot.has_value() && *term_at_snapshot != snap_term;
    if (index > snap_index && !other_history) {
      if (index != expect) {
        return absl::DataLossError(absl::StrCat(path, ": gap in the log at offset ", off,
                                                ": expected index ", expect, ", found ", index));
      }
      if (entry.term() < last_term) {
        return absl::DataLossError(absl::StrCat(path, ": record at offset ", off, " has term ",
                                                entry.term(), " below the previous term ",
                                                last_term));
      }
      last_term = entry.term();
      r.entries.push_back(std::move(entry));
      ++expect;
    }
    seg.ends.push_back(end);
    ++index;
    off = end;
  }
  if (!seg.ends.empty()) {
    segments_.push_back(std::move(seg));
  } else if (off == 0 && data->empty()) {
    // An empty segment file (created, nothing synced into it): drop it.
    if (absl::Status s = RemoveFile(path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<Recovered> Storage::ReadAndPlanRepairs() {
  Recovered r;
  segments_.clear();
  if (absl::Status s = PlanScratchCleanup(); !s.ok()) return s;
  if (absl::Status s = ReadHardStateInto(r); !s.ok()) return s;
  if (absl::Status s = ReadNewestSnapshotInto(r); !s.ok()) return s;
  const uint64_t snap_index = r.snapshot ? r.snapshot->last_index : 0;
  const uint64_t snap_term = r.snapshot ? r.snapshot->last_term : 0;

  absl::StatusOr<std::vector<std::string>> names = fs_->List(kLogPrefix);
  if (!names.ok()) return names.status();
  if (!names->empty()) r.empty = false;
  LogScan scan{snap_index, snap_term, snap_index + 1, snap_term, std::nullopt};
  for (size_t k = 0; k < names->size(); ++k) {
    if (absl::Status s = ReadSegmentInto((*names)[k], k + 1 == names->size(), scan, r); !s.ok()) {
      return s;
    }
  }
  const std::optional<uint64_t>& term_at_snapshot = scan.term_at_snapshot;
  // A snapshot installed over a log that disagreed with it, with a crash
  // before the old log was discarded: what follows belongs to another history.
  if (term_at_snapshot.has_value() && *term_at_snapshot != snap_term) {
    r.repairs.push_back(absl::StrCat("log: discarded the entries after snapshot index ",
                                     snap_index,
                                     " (the log held term ", *term_at_snapshot,
                                     " there, the snapshot term ", snap_term, ")"));
    r.entries.clear();
    if (absl::Status s = DiscardLog(snap_index + 1); !s.ok()) return s;
  }
  next_index_ = r.entries.empty() ? snap_index + 1 : r.entries.back().index() + 1;
  if (absl::Status s = DeleteSegmentsCoveredBy(snap_index); !s.ok()) return s;
  if (!segments_.empty()) RAFTLOG_V3_CHECK(segments_.back().last() + 1 == next_index_);
  return r;
}

absl::Status Storage::SaveHardState(const HardState& hs) {
  return WriteAtomically(kHardStateFile, EncodeHardState(hs));
}

absl::Status Storage::Append(const std::vector<Entry>& entries) {
  if (absl::Status s = ApplyRepairs(); !s.ok()) return s;
  size_t i = 0;
  while (i < entries.size()) {
    RAFTLOG_V3_CHECK(entries[i].index() == next_index_);
    if (segments_.empty() || segments_.back().ends.size() >= kSegmentMaxEntries) {
      segments_.push_back(Segment{next_index_, SegmentName(next_index_), {}});
    }
    Segment& seg = segments_.back();
    std::string batch;
    uint64_t offset = seg.ends.empty() ? 0 : seg.ends.back();
    while (i < entries.size() && seg.ends.size() < kSegmentMaxEntries) {
      RAFTLOG_V3_CHECK(entries[i].index() == next_index_);
      std::string record = EncodeRecord(entries[i]);
      offset += record.size();
      batch += record;
      seg.ends.push_back(offset);
      ++next_index_;
      ++i;
    }
    if (absl::Status s = fs_->Append(seg.path, batch); !s.ok()) return s;
    if (absl::Status s = fs_->Sync(seg.path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Storage::TruncateFrom(uint64_t index) {
  RAFTLOG_V3_CHECK(index > snapshot_index_ && index <= next_index_);
  while (!segments_.empty() && segments_.back().first >= index) {
    if (absl::Status s = RemoveFile(segments_.back().path); !s.ok()) return s;
    segments_.pop_back();
  }
  if (!segments_.empty() && segments_.back().last() >= index) {
    Segment& seg = segments_.back();
    size_t keep = index - seg.first;  // >= 1: seg.first < index
    absl::StatusOr<std::string> data = fs_->Read(seg.path);
    if (!data.ok()) return data.status();
    if (absl::Status s = WriteAtomically(seg.path, data->substr(0, seg.ends[keep - 1])); !s.ok()) {
      return s;
    }
    seg.ends.resize(keep);
  }
  next_index_ = index;
  return absl::OkStatus();
}

absl::Status Storage::SaveSnapshot(const snapshots::SnapshotState& state, uint32_t format) {
  absl::StatusOr<std::string> bytes = EncodeSnapshot(state, format);
  if (!bytes.ok()) return bytes.status();
  return SaveSnapshotFile(state.last_index, *bytes);
}

absl::Status Storage::SaveSnapshotFile(uint64_t last_index, absl::string_view bytes) {
  std::string path = SnapshotName(last_index);
  if (absl::Status s = WriteAtomically(path, bytes); !s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> snaps = fs_->List(kSnapPrefix);
  if (!snaps.ok()) return snaps.status();
  for (const std::string& old : *snaps) {
    if (old == path) continue;
    if (absl::Status s = RemoveFile(old); !s.ok()) return s;
  }
  has_snapshot_ = true;
  snapshot_index_ = last_index;
  if (next_index_ <= snapshot_index_) next_index_ = snapshot_index_ + 1;
  return DeleteSegmentsCoveredBy(snapshot_index_);
}

absl::Status Storage::DeleteSegmentsCoveredBy(uint64_t index) {
  while (!segments_.empty() && segments_.front().last() <= index) {
    if (absl::Status s = RemoveFile(segments_.front().path); !s.ok()) return s;
    segments_.erase(segments_.begin());
  }
  return absl::OkStatus();
}

absl::Status Storage::DiscardLog(uint64_t next_index) {
  while (!segments_.empty()) {
    if (absl::Status s = RemoveFile(segments_.back().path); !s.ok()) return s;
    segments_.pop_back();
  }
  next_index_ = next_index;
  return absl::OkStatus();
}

absl::Status Storage::ScrubCoveredVersionEntries(uint32_t max_version) {
  if (segments_.empty() || segments_.front().first > snapshot_index_) return absl::OkStatus();
  Segment& seg = segments_.front();
  absl::StatusOr<std::string> data = fs_->Read(seg.path);
  if (!data.ok()) return data.status();
  if (data->size() < seg.ends.back()) {
    return absl::DataLossError(absl::StrCat(seg.path, ": shorter than its records"));
  }
  std::string out;
  std::vector<uint64_t> ends;
  bool changed = false;
  size_t off = 0;
  for (size_t k = 0; k < seg.ends.size(); ++k) {
    absl::string_view record = absl::string_view(*data).substr(off, seg.ends[k] - off);
    off = seg.ends[k];
    if (seg.first + k <= snapshot_index_ && record.size() >= kRecordHeaderBytes) {
      absl::string_view body = record.substr(kRecordHeaderBytes);
      Entry e;
      wire::v3::ClusterVersionChange cv;
      if (e.ParseFromArray(body.data(), static_cast<int>(body.size())) &&
          e.type() == wire::v3::ENTRY_TYPE_CLUSTER_VERSION && cv.ParseFromString(e.data()) &&
          cv.version() > max_version) {
        Entry noop;
        noop.set_index(e.index());
        noop.set_term(e.term());
        noop.set_type(wire::v3::ENTRY_TYPE_NOOP);
        out += EncodeRecord(noop);
        ends.push_back(out.size());
        changed = true;
        continue;
      }
    }
    out.append(record.data(), record.size());
    ends.push_back(out.size());
  }
  if (!changed) return absl::OkStatus();
  if (absl::Status s = WriteAtomically(seg.path, out); !s.ok()) return s;
  seg.ends = std::move(ends);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Storage::ReadSnapshot() const {
  if (!has_snapshot_) return absl::NotFoundError("no snapshot written yet");
  return fs_->Read(SnapshotName(snapshot_index_));
}

}  // namespace raftlog::v3
