#include "golden/twins.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "golden/schema.h"
#include "google/protobuf/descriptor.h"
#include "snapshots/codec.h"
#include "snapshots/preamble.h"

namespace raftlog::golden {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Which message an entry's `data` holds, by the entry's `type` value. The
// names are the schema's own (wire/<tag>/raft.proto); a type not listed is
// shown raw.
struct PayloadRow {
  const char* entry_type;
  const char* message;
};
constexpr PayloadRow kEntryPayloads[] = {
    {"ENTRY_TYPE_COMMAND", "Command"},
    {"ENTRY_TYPE_CONFIG", "ConfigChange"},
};

std::string Quote(absl::string_view s) { return absl::StrCat("\"", absl::CEscape(s), "\""); }

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

std::string Indent(absl::string_view text, absl::string_view prefix) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    absl::StrAppend(&out, prefix, line, "\n");
  }
  return out;
}

std::string Ids(const std::vector<uint64_t>& ids) {
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

bool LooksLikeSnapshot(absl::string_view bytes) {
  return bytes.substr(0, snapshots::kSnapshotMagicBytes) ==
         absl::string_view(snapshots::kSnapshotMagic, snapshots::kSnapshotMagicBytes);
}

// The decoded payload of an Entry message (fields `type` and `data`), or "".
std::string EntryPayload(absl::string_view tag, const Message& entry) {
  const Descriptor* d = entry.GetDescriptor();
  const FieldDescriptor* type = d->FindFieldByName("type");
  const FieldDescriptor* data = d->FindFieldByName("data");
  if (d->name() != "Entry" || type == nullptr || data == nullptr ||
      type->cpp_type() != FieldDescriptor::CPPTYPE_ENUM ||
      data->type() != FieldDescriptor::TYPE_BYTES) {
    return "";
  }
  const Reflection* r = entry.GetReflection();
  const std::string type_name = r->GetEnum(entry, type)->name();
  const std::string bytes = r->GetString(entry, data);
  for (const PayloadRow& row : kEntryPayloads) {
    if (type_name != row.entry_type) continue;
    absl::StatusOr<std::unique_ptr<Message>> payload = ParseWire(tag, row.message, bytes);
    if (!payload.ok()) return absl::StrCat("data: ", payload.status().message(), "\n");
    return absl::StrCat("data as ", (*payload)->GetDescriptor()->full_name(), ":\n",
                        Indent(ToText(**payload), "  "));
  }
  if (bytes.empty()) return "";
  return absl::StrCat("data: ", bytes.size(), " bytes, no payload type known for ", type_name,
                      "\n");
}

// Walks `m`, appending a section for every Entry payload and embedded snapshot.
void DescribeNested(absl::string_view tag, const Message& m, const std::string& path,
                    std::string* out) {
  if (std::string p = EntryPayload(tag, m); !p.empty()) {
    absl::StrAppend(out, path.empty() ? "entry" : path, ".", p);
  }
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string base = path.empty() ? f->name() : absl::StrCat(path, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          DescribeNested(tag, r->GetRepeatedMessage(m, f, i), absl::StrCat(base, "[", i, "]"),
                         out);
        }
      } else {
        DescribeNested(tag, r->GetMessage(m, f), base, out);
      }
    } else if (f->type() == FieldDescriptor::TYPE_BYTES && !f->is_repeated()) {
      const std::string bytes = r->GetString(m, f);
      if (LooksLikeSnapshot(bytes)) {
        absl::StrAppend(out, base, ": an embedded snapshot:\n",
                        Indent(SnapshotTwin(bytes, base), "  "));
      }
    }
  }
}

}  // namespace

std::string SnapshotTwin(absl::string_view bytes, absl::string_view name) {
  // Built from the codec's decoded SnapshotState and the format registry
  // only (not from the inspector's report, whose layout may grow), so a
  // released tag's twin changes only if its format's codec does.
  std::string out = absl::StrCat(
      "# Golden snapshot: every field of the decoded SnapshotState (strings C-escaped).\n",
      "file: ", name, "\nfile_bytes: ", bytes.size(), "\n");
  absl::StatusOr<uint32_t> format = snapshots::PeekFormat(bytes);
  if (!format.ok()) {
    absl::StrAppend(&out, "format: unknown (", format.status().ToString(), ")\n");
    return out;
  }
  absl::StrAppend(&out, "format: ", *format);
  if (const snapshots::FormatInfo* info = snapshots::FindFormat(*format); info != nullptr) {
    absl::StrAppend(&out, " (first written by ", info->first_writer, ", first read by ",
                    info->first_reader, ")");
  }
  absl::StrAppend(&out, "\n");
  absl::StatusOr<snapshots::SnapshotState> state = snapshots::DecodeAny(bytes);
  if (!state.ok()) {
    absl::StrAppend(&out, "decode: ", state.status().ToString(), "\n");
    return out;
  }
  const snapshots::SnapshotState& s = *state;
  absl::StrAppend(&out, "decode: ok\n");
  absl::StrAppend(&out, "last_index: ", s.last_index, "\nlast_term: ", s.last_term, "\n");
  absl::StrAppend(&out, "config_index: ", s.config_index, "\nvoters: ", Ids(s.voters),
                  "\nlearners: ", Ids(s.learners), "\nvoters_outgoing: ",
                  Ids(s.voters_outgoing), "\n");
  absl::StrAppend(&out, "cluster_version: ", s.cluster_version, "\n");
  absl::StrAppend(&out, "kv: ", s.kv.size(), " pairs, key order\n");
  for (const auto& [k, v] : s.kv) absl::StrAppend(&out, "  ", Quote(k), " = ", Quote(v), "\n");
  absl::StrAppend(&out, "sessions: ", s.sessions.size(), ", client order\n");
  for (const snapshots::Session& x : s.sessions) {
    absl::StrAppend(&out, "  client ", x.client_id, " last_sequence ", x.last_sequence,
                    " last_index ", x.last_index, " found ", x.found ? "true" : "false",
                    " succeeded ", x.succeeded ? "true" : "false", " response ",
                    Quote(x.response), "\n");
  }
  absl::StrAppend(&out, "metadata: ", s.metadata.size(), " entries\n");
  for (const auto& [k, v] : s.metadata) {
    absl::StrAppend(&out, "  ", Quote(k), " = ", Quote(v), "\n");
  }
  return out;
}

std::string WireTwin(absl::string_view tag, absl::string_view bytes) {
  std::string out = absl::StrCat("# Golden wire message of release ", tag, " (", bytes.size(),
                                 " bytes) as ", WirePackage(tag), ".Message in text format.\n");
  absl::StatusOr<std::unique_ptr<Message>> m = ParseWire(tag, "Message", bytes);
  if (!m.ok()) {
    absl::StrAppend(&out, "# not parsable: ", m.status().ToString(), "\n");
    return out;
  }
  absl::StrAppend(&out, "# type: ", TypeValueName(**m), "\n", ToText(**m));
  std::string nested;
  DescribeNested(tag, **m, "", &nested);
  if (!nested.empty()) {
    absl::StrAppend(&out, "# Decoded payloads (comments; not part of the message):\n",
                    Indent(nested, "# "));
  }
  return out;
}

std::string SegmentTwin(const DiskLayout& layout, absl::string_view bytes,
                        absl::string_view source) {
  std::string out = absl::StrCat("# Golden log segment of release ", layout.tag, ": ", source,
                                 ", ", bytes.size(), " bytes, framing of versions/",
                                 layout.defined_by, "/storage.h, record bodies ",
                                 layout.entry_message, "\n");
  absl::StatusOr<std::vector<SegmentRecord>> records = ParseSegment(layout, bytes);
  if (!records.ok()) {
    absl::StrAppend(&out, "not parsable: ", records.status().ToString(), "\n");
    return out;
  }
  absl::StrAppend(&out, "records: ", records->size(), "\n");
  const std::string entry_name =
      layout.entry_message.substr(layout.entry_message.rfind('.') + 1);
  for (size_t i = 0; i < records->size(); ++i) {
    const SegmentRecord& r = (*records)[i];
    absl::StrAppend(&out, "record ", i, " offset ", r.offset, " length ", r.length, " crc ",
                    Hex32(r.crc_stored), r.crc_stored == r.crc_computed ? " ok" : " MISMATCH",
                    "\n");
    absl::StatusOr<std::unique_ptr<Message>> e = ParseWire(layout.tag, entry_name, r.body);
    if (!e.ok()) {
      absl::StrAppend(&out, "  not parsable: ", e.status().ToString(), "\n");
      continue;
    }
    absl::StrAppend(&out, Indent(ToText(**e), "  "));
    if (std::string p = EntryPayload(layout.tag, **e); !p.empty()) {
      absl::StrAppend(&out, Indent(p, "  "));
    }
  }
  return out;
}

std::string HardStateTwin(const DiskLayout& layout, absl::string_view bytes) {
  std::string out = absl::StrCat("# Golden hard state of release ", layout.tag, ": ",
                                 bytes.size(), " bytes, framing of versions/", layout.defined_by,
                                 "/storage.h\n");
  absl::StatusOr<HardStateRecord> hs = ParseHardState(layout, bytes);
  if (!hs.ok()) {
    absl::StrAppend(&out, "not parsable: ", hs.status().ToString(), "\n");
    return out;
  }
  absl::StrAppend(&out, "magic: RLHS\nversion: ", hs->version, "\nterm: ", hs->term,
                  "\nvote: ", hs->vote, "\ncommit: ", hs->commit, "\ncrc32c: ",
                  Hex32(hs->crc_stored), " (computed ", Hex32(hs->crc_computed), ", ",
                  hs->crc_stored == hs->crc_computed ? "match" : "MISMATCH", ")\n");
  return out;
}

}  // namespace raftlog::golden
