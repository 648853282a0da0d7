#include "snapshots/inspect.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/constants.h"
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
  return r.info->shipped ? "shipped" : "reserved, not yet shipped";
}

// The fields of a report as (key, text value, json value) triples, so that
// the text and JSON outputs cannot drift apart.
struct Field {
  std::string key, text, json;
};

std::vector<Field> Fields(const InspectReport& r, absl::string_view path) {
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

  if (r.state.has_value()) {
    const SnapshotState& s = *r.state;
    uint64_t kv_bytes = 0;
    for (const auto& [key, value] : s.kv) kv_bytes += key.size() + value.size();
    add_number("last_index", s.last_index);
    add_number("last_term", s.last_term);
    add_ids("voters", s.voters);
    add_ids("learners", s.learners);
    add_ids("voters_outgoing", s.voters_outgoing);
    add_number("config_index", s.config_index);
    add_number("cluster_version", s.cluster_version);
    add_number("kv_pairs", s.kv.size());
    add_number("kv_bytes", kv_bytes);
    add_number("sessions", s.sessions.size());
    add_number("metadata_entries", s.metadata.size());
  } else {
    for (const char* key : {"last_index", "last_term", "voters", "learners", "voters_outgoing",
                            "config_index", "cluster_version", "kv_pairs", "kv_bytes",
                            "sessions", "metadata_entries"}) {
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
  add_string("status", StatusText(r.status));
  return f;
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
  }
  absl::StatusOr<SnapshotState> state = DecodeAny(bytes);
  r.status = state.status();
  if (state.ok()) r.state = *std::move(state);
  return r;
}

std::string ReportText(const InspectReport& report, absl::string_view path) {
  std::string out;
  for (const Field& f : Fields(report, path)) {
    absl::StrAppend(&out, absl::StrFormat("%-18s %s\n", absl::StrCat(f.key, ":"), f.text));
  }
  return out;
}

std::string ReportJson(const InspectReport& report, absl::string_view path) {
  std::vector<std::string> members;
  for (const Field& f : Fields(report, path)) {
    members.push_back(absl::StrCat(JsonString(f.key), ": ", f.json));
  }
  return absl::StrCat("{\n  ", absl::StrJoin(members, ",\n  "), "\n}\n");
}

}  // namespace raftlog::snapshots
