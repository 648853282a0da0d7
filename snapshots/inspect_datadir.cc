#include "snapshots/inspect_datadir.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "util/json.h"

namespace raftlog::snapshots {
namespace {

using google::protobuf::internal::WireFormatLite;

// The last two components of `path` ("log/000...21" from "/x/log/000...21").
absl::string_view DataDirName(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos || slash == 0) return path;
  size_t before = path.rfind('/', slash - 1);
  return before == absl::string_view::npos ? path : path.substr(before + 1);
}

absl::string_view BaseName(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// Reads the Entry fields every tag shares. False when the body is not
// protobuf at all.
bool ReadEntryFields(absl::string_view body, SegmentReport::Record* r) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(body.data()),
                                            static_cast<int>(body.size()));
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto wire = WireFormatLite::GetTagWireType(tag);
    uint64_t v = 0;
    if (field >= 1 && field <= 3 && wire == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&v)) return false;
      (field == 1 ? r->index : field == 2 ? r->term : r->type) = v;
    } else if (field == 4 && wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t n = 0;
      if (!in.ReadVarint32(&n) || !in.Skip(static_cast<int>(n))) return false;
      r->data_bytes = n;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

std::string Opt(const std::optional<uint64_t>& v) { return v ? absl::StrCat(*v) : "-"; }

void JsonOpt(util::JsonWriter& w, absl::string_view key, const std::optional<uint64_t>& v) {
  w.Key(key);
  v ? w.Uint(*v) : w.Null();
}

}  // namespace

DataFileKind ClassifyDataFile(absl::string_view path, absl::string_view bytes) {
  const absl::string_view name = DataDirName(path);
  if (BaseName(path) == storage::kHardStateFile) return DataFileKind::kHardState;
  if (storage::ParseNumberedName(name, storage::kLogPrefix)) return DataFileKind::kLogSegment;
  if (storage::ParseNumberedName(name, storage::kSnapPrefix)) return DataFileKind::kSnapshot;
  if (absl::StartsWith(bytes, absl::string_view(storage::kHardStateMagic, 4))) {
    return DataFileKind::kHardState;
  }
  if (!bytes.empty() && storage::ReadRecord(bytes, 0).ok()) return DataFileKind::kLogSegment;
  return DataFileKind::kSnapshot;
}

HardStateReport InspectHardState(absl::string_view bytes) {
  HardStateReport r;
  r.file_bytes = bytes.size();
  absl::StatusOr<storage::HardStateFields> f = storage::DecodeHardState(bytes);
  if (f.ok()) {
    r.fields = *f;
  } else {
    r.status = f.status();
  }
  return r;
}

SegmentReport InspectSegment(absl::string_view path, absl::string_view bytes) {
  SegmentReport r;
  r.file_bytes = bytes.size();
  r.first_index = storage::ParseNumberedName(DataDirName(path), storage::kLogPrefix);
  size_t off = 0;
  while (off < bytes.size()) {
    storage::RecordRead rec = storage::ReadRecord(bytes, off);
    if (!rec.ok()) {
      r.status = absl::DataLossError(absl::StrCat("record at offset ", off, ": ", rec.problem));
      break;
    }
    SegmentReport::Record out;
    out.offset = off;
    out.length = rec.length;
    out.crc_stored = rec.crc_stored;
    out.crc_computed = rec.crc_computed;
    if (!ReadEntryFields(rec.body, &out)) {
      r.status = absl::DataLossError(absl::StrCat("record at offset ", off,
                                                  ": the body is not a serialized Entry"));
      break;
    }
    const uint64_t expected = r.first_index.value_or(0) + r.records.size();
    if (r.first_index && out.index != expected) {
      r.status = absl::DataLossError(absl::StrCat("record at offset ", off, " holds index ",
                                                  Opt(out.index), ", expected ", expected));
      r.records.push_back(std::move(out));
      break;
    }
    r.records.push_back(std::move(out));
    off = rec.end;
  }
  return r;
}

std::string HardStateText(const HardStateReport& r, absl::string_view path) {
  std::string out = absl::StrCat("file: ", path, "\nkind: hard state\nbytes: ", r.file_bytes,
                                 "\n");
  if (r.fields) {
    absl::StrAppend(&out, "framing version: ", r.fields->version, "\nterm: ", r.fields->term,
                    "\nvote: ", r.fields->vote, "\ncommit: ", r.fields->commit,
                    "\nchecksum: ", r.fields->crc_stored, " (recomputed ",
                    r.fields->crc_computed, ")\n");
  }
  absl::StrAppend(&out, "status: ", r.status.ok() ? "ok" : r.status.ToString(), "\n");
  return out;
}

std::string HardStateJson(const HardStateReport& r, absl::string_view path) {
  util::JsonWriter w;
  w.BeginObject().Field("file", path).Field("kind", "hardstate");
  w.Field("bytes", uint64_t{r.file_bytes});
  if (r.fields) {
    w.Field("framing_version", uint64_t{r.fields->version}).Field("term", r.fields->term);
    w.Field("vote", r.fields->vote).Field("commit", r.fields->commit);
  }
  w.Field("status", r.status.ok() ? std::string("ok") : r.status.ToString());
  w.EndObject();
  return w.str() + "\n";
}

std::string SegmentText(const SegmentReport& r, absl::string_view path, bool list_records) {
  std::string out = absl::StrCat("file: ", path, "\nkind: log segment\nbytes: ", r.file_bytes,
                                 "\nfirst index: ", Opt(r.first_index),
                                 "\nrecords: ", r.records.size(), "\n");
  if (!r.records.empty()) {
    absl::StrAppend(&out, "indexes: ", Opt(r.records.front().index), "..",
                    Opt(r.records.back().index), "\n");
  }
  if (list_records) {
    for (const SegmentReport::Record& rec : r.records) {
      absl::StrAppend(&out, "record: offset ", rec.offset, " length ", rec.length, " index ",
                      Opt(rec.index), " term ", Opt(rec.term), " type ", Opt(rec.type),
                      " data ", rec.data_bytes, " bytes\n");
    }
  }
  absl::StrAppend(&out, "status: ", r.status.ok() ? "ok" : r.status.ToString(), "\n");
  return out;
}

std::string SegmentJson(const SegmentReport& r, absl::string_view path, bool list_records) {
  util::JsonWriter w;
  w.BeginObject().Field("file", path).Field("kind", "log_segment");
  w.Field("bytes", uint64_t{r.file_bytes});
  JsonOpt(w, "first_index", r.first_index);
  w.Field("records", uint64_t{r.records.size()});
  if (list_records) {
    w.Key("record_list").BeginArray();
    for (const SegmentReport::Record& rec : r.records) {
      w.BeginObject().Field("offset", uint64_t{rec.offset}).Field("length", uint64_t{rec.length});
      JsonOpt(w, "index", rec.index);
      JsonOpt(w, "term", rec.term);
      JsonOpt(w, "type", rec.type);
      w.Field("data_bytes", rec.data_bytes).EndObject();
    }
    w.EndArray();
  }
  w.Field("status", r.status.ok() ? std::string("ok") : r.status.ToString());
  w.EndObject();
  return w.str() + "\n";
}

}  // namespace raftlog::snapshots
