#include "snapshots/inspect.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/escaping.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/constants.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format3/format3.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots {
namespace {

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 |
         static_cast<uint32_t>(u[2]) << 16 | static_cast<uint32_t>(u[3]) << 24;
}

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      out += absl::StrFormat("\\u%04x", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string StatusText(const absl::Status& s) {
  if (s.ok()) return "ok";
  return absl::StrCat(absl::StatusCodeToString(s.code()), ": ", s.message());
}

std::string FormatStatus(const InspectReport& r) {
  if (!r.format.has_value()) return "-";
  if (r.info == nullptr) return "unknown";
  if (r.info->shipped) return "shipped";
  return r.info->decoder_linked ? "specified, not yet shipped" : "reserved, not yet shipped";
}

// The fields of a report as (key, text value, json value) triples, so that
// the text and JSON outputs cannot drift apart.
struct Field {
  std::string key, text, json;
  enum class In { kBoth, kTextOnly, kJsonOnly } in = In::kBoth;
};

std::vector<Field> Fields(const InspectReport& r, absl::string_view path,
                          const ReportOptions& options) {
  std::vector<Field> f;
  auto add = [&f](std::string key, std::string text, std::string json) {
    f.push_back({std::move(key), std::move(text), std::move(json)});
  };
  auto add_unknown = [&add](std::string key) { add(std::move(key), "-", "null"); };
  auto add_number = [&add](std::string key, uint64_t v) {
    add(std::move(key), absl::StrCat(v), absl::StrCat(v));
  };
  auto add_string = [&add](std::string key, absl::string_view v) {
    add(std::move(key), std::string(v), JsonString(v));
  };
  auto add_ids = [&add](std::string key, const std::vector<uint64_t>& ids) {
    add(std::move(key), absl::StrCat("{", absl::StrJoin(ids, ","), "}"),
        absl::StrCat("[", absl::StrJoin(ids, ","), "]"));
  };

  add_string("file", path);
  add_number("file_bytes", r.file_bytes);
  if (r.format.has_value()) {
    add_number("format", *r.format);
  } else {
    add_unknown("format");
  }
  add_string("format_status", FormatStatus(r));
  if (r.info != nullptr) {
    add_string("written_by", r.info->first_writer);
    add_string("min_reader", r.info->first_reader);
  } else {
    add_unknown("written_by");
    add_unknown("min_reader");
  }

  // The configuration comes from the decoded state or, for formats 2 and 3
  // whose body does not decode, from the verified head alone.
  const SnapshotState* config = r.state.has_value() ? &*r.state
                                : r.head.has_value() ? &*r.head
                                                     : nullptr;
  if (config != nullptr) {
    add_number("last_index", config->last_index);
    add_number("last_term", config->last_term);
    add_ids("voters", config->voters);
    add_ids("learners", config->learners);
    add_ids("voters_outgoing", config->voters_outgoing);
    add_number("config_index", config->config_index);
    add_number("cluster_version", config->cluster_version);
  } else {
    for (const char* key : {"last_index", "last_term", "voters", "learners", "voters_outgoing",
                            "config_index", "cluster_version"}) {
      add_unknown(key);
    }
  }
  if (r.state.has_value()) {
    const SnapshotState& s = *r.state;
    uint64_t kv_bytes = 0;
    for (const auto& [key, value] : s.kv) kv_bytes += key.size() + value.size();
    add_number("kv_pairs", s.kv.size());
    add_number("kv_bytes", kv_bytes);
    add_number("sessions", s.sessions.size());
  } else {
    for (const char* key : {"kv_pairs", "kv_bytes", "sessions"}) add_unknown(key);
  }
  if (config != nullptr) {
    add_number("metadata_entries", config->metadata.size());
    std::vector<std::string> text, json;
    for (const auto& [key, value] : config->metadata) {
      text.push_back(absl::StrCat(absl::CHexEscape(key), "=", absl::CHexEscape(value)));
      json.push_back(absl::StrCat(JsonString(key), ": ", JsonString(value)));
    }
    add("metadata", absl::StrCat("{", absl::StrJoin(text, ", "), "}"),
        absl::StrCat("{", absl::StrJoin(json, ", "), "}"));
  } else {
    add_unknown("metadata_entries");
    add_unknown("metadata");
  }

  if (r.container.has_value()) {
    const InspectReport::Container& c = *r.container;
    add_number("body_bytes", c.body_bytes);
    add_number("compressed_bytes", c.compressed_bytes);
    if (c.compressed_bytes > 0 && c.layout.ok()) {
      const std::string ratio =
          absl::StrFormat("%.2f", static_cast<double>(c.body_bytes) / c.compressed_bytes);
      add("compression_ratio", ratio, ratio);
    } else {
      add_unknown("compression_ratio");
    }
    add_number("chunk_bytes", c.chunk_bytes);
    add_number("chunk_count", c.chunk_count);
    add_number("zstd_level", c.zstd_level);
    size_t good = 0;
    const InspectReport::ChunkCheck* first_bad = nullptr;
    size_t first_bad_index = 0;
    for (size_t k = 0; k < c.chunks.size(); ++k) {
      if (c.chunks[k].crc_stored == c.chunks[k].crc_computed) {
        ++good;
      } else if (first_bad == nullptr) {
        first_bad = &c.chunks[k];
        first_bad_index = k;
      }
    }
    std::string verdict = absl::StrCat(good, " of ", c.chunk_count, " ok");
    if (first_bad != nullptr) {
      absl::StrAppend(&verdict, ", MISMATCH in chunk ", first_bad_index, " (offset ",
                      first_bad->offset, ")");
    } else if (c.chunks.size() < c.chunk_count) {
      absl::StrAppend(&verdict, ", ", c.chunk_count - c.chunks.size(), " not found");
    }
    add_string("chunks_verified", verdict);
  } else {
    for (const char* key : {"body_bytes", "compressed_bytes", "compression_ratio", "chunk_bytes",
                            "chunk_count", "zstd_level", "chunks_verified"}) {
      add_unknown(key);
    }
  }

  if (r.checksum_stored.has_value() && r.checksum_computed.has_value()) {
    const bool match = *r.checksum_stored == *r.checksum_computed;
    add_string("checksum_stored", Hex32(*r.checksum_stored));
    add_string("checksum_computed", Hex32(*r.checksum_computed));
    add("checksum", match ? "match" : "MISMATCH", match ? "\"match\"" : "\"mismatch\"");
  } else {
    add_unknown("checksum_stored");
    add_unknown("checksum_computed");
    add_unknown("checksum");
  }

  if (options.list_chunks && r.container.has_value()) {
    // Text: one line per chunk; JSON: one "chunks" array.
    std::vector<std::string> json;
    for (size_t k = 0; k < r.container->chunks.size(); ++k) {
      const InspectReport::ChunkCheck& c = r.container->chunks[k];
      const bool ok = c.crc_stored == c.crc_computed;
      f.push_back({absl::StrCat("chunk[", k, "]"),
                   absl::StrCat("offset=", c.offset, " data=", c.data_len,
                                " crc=", Hex32(c.crc_stored),
                                ok ? " ok"
                                   : absl::StrCat(" MISMATCH (computed ", Hex32(c.crc_computed),
                                                  ")")),
                   "", Field::In::kTextOnly});
      json.push_back(absl::StrCat("{\"offset\": ", c.offset, ", \"data_len\": ", c.data_len,
                                  ", \"crc_stored\": \"", Hex32(c.crc_stored),
                                  "\", \"crc_computed\": \"", Hex32(c.crc_computed),
                                  "\", \"ok\": ", ok ? "true" : "false", "}"));
    }
    f.push_back({"chunks", "", absl::StrCat("[", absl::StrJoin(json, ", "), "]"),
                 Field::In::kJsonOnly});
  }
  add_string("status", StatusText(r.status));
  return f;
}

// Fills the container part of a report for a format 2 or 3 file: head,
// metadata, chunk records with their checksums, trailer. Reads no
// decompressed byte; every failure just leaves fields unknown.
void InspectContainer(absl::string_view bytes, uint32_t format, InspectReport* r) {
  absl::StatusOr<format2::internal::Head> head = format2::internal::ReadHead(bytes, format);
  if (!head.ok()) return;
  absl::StatusOr<SnapshotState> head_state =
      format == kFormat2 ? format2::DecodeHead(bytes) : format3::DecodeHead(bytes);
  if (head_state.ok()) r->head = *std::move(head_state);
  InspectReport::Container c;
  c.body_bytes = head->body_bytes;
  c.chunk_bytes = head->chunk_bytes;
  c.chunk_count = head->chunk_count;
  c.zstd_level = head->zstd_level;
  format2::internal::Layout layout;
  layout.head = *std::move(head);
  c.layout = format2::internal::ReadChunks(bytes, &layout);
  c.compressed_bytes = layout.compressed_bytes;
  for (const format2::internal::ChunkRecord& rec : layout.chunks) {
    const absl::string_view unit = bytes.substr(
        static_cast<size_t>(rec.offset), format2::kChunkRecordHeaderBytes + rec.data_len);
    c.chunks.push_back({rec.offset, rec.data_len, rec.crc, Crc32c(unit)});
  }
  if (layout.trailer_offset != 0 &&
      layout.trailer_offset + format2::kTrailerBytes <= bytes.size()) {
    r->checksum_stored = LoadU32(bytes.data() + layout.trailer_offset);
    r->checksum_computed = Crc32c(bytes.substr(0, static_cast<size_t>(layout.trailer_offset)));
  }
  r->container = std::move(c);
}

}  // namespace

InspectReport Inspect(absl::string_view bytes) {
  InspectReport r;
  r.file_bytes = bytes.size();
  absl::StatusOr<uint32_t> format = PeekFormat(bytes);
  if (format.ok()) {
    r.format = *format;
    r.info = FindFormat(*format);
    if (*format == kFormat1 && bytes.size() >= kPreambleBytes + format1::kChecksumBytes) {
      const size_t body_end = bytes.size() - format1::kChecksumBytes;
      r.checksum_stored = LoadU32(bytes.data() + body_end);
      r.checksum_computed = Crc32c(bytes.substr(0, body_end));
    }
    if (format2::internal::IsContainerFormat(*format)) InspectContainer(bytes, *format, &r);
  }
  absl::StatusOr<SnapshotState> state = DecodeAny(bytes);
  r.status = state.status();
  if (state.ok()) r.state = *std::move(state);
  return r;
}

std::string ReportText(const InspectReport& report, absl::string_view path,
                       const ReportOptions& options) {
  std::string out;
  for (const Field& f : Fields(report, path, options)) {
    if (f.in == Field::In::kJsonOnly) continue;
    absl::StrAppend(&out, absl::StrFormat("%-18s %s\n", absl::StrCat(f.key, ":"), f.text));
  }
  return out;
}

std::string ReportJson(const InspectReport& report, absl::string_view path,
                       const ReportOptions& options) {
  std::vector<std::string> members;
  for (const Field& f : Fields(report, path, options)) {
    if (f.in == Field::In::kTextOnly) continue;
    members.push_back(absl::StrCat(JsonString(f.key), ": ", f.json));
  }
  return absl::StrCat("{\n  ", absl::StrJoin(members, ",\n  "), "\n}\n");
}

}  // namespace raftlog::snapshots
