#include "wire/minver/log.h"

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wire/compat/since.h"
#include "wire/minver/message.h"
#include "wire/minver/payloads.h"

namespace raftlog::wire::minver {

absl::StatusOr<MinRelease> MinReleaseForLog(const google::protobuf::Descriptor* entry_type,
                                            const std::vector<std::string>& entries) {
  const std::optional<uint64_t> since = compat::SinceOf(entry_type);
  if (!since.has_value() || *since == 0 || *since > UINT32_MAX) {
    return absl::NotFoundError(absl::StrCat("message ", entry_type->full_name(),
                                            " has no usable (raftlog.wire.message_since) "
                                            "annotation: annotate it in its .proto"));
  }
  MinRelease min;
  min.release = static_cast<uint32_t>(*since);
  min.element = absl::StrCat("message ", entry_type->full_name(), " since ", *since);
  min.where = entries.empty() ? "log (no entries)" : "log";
  std::optional<MinRelease> cluster_version;  // the last one set is in effect
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<Walked> entry = WalkBytes(entry_type, entries[i], WirePayloads(),
                                             absl::StrCat("log entry ", i + 1, ": "));
    if (!entry.ok()) return entry.status();
    Combine(entry->min, &min);
    if (entry->cluster_version.has_value()) cluster_version = entry->cluster_version;
  }
  if (cluster_version.has_value()) Combine(*cluster_version, &min);
  return min;
}

absl::StatusOr<std::vector<std::string>> SplitLengthPrefixed(absl::string_view bytes) {
  std::vector<std::string> records;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t record_start = pos;
    uint64_t length = 0;
    int shift = 0;
    bool done = false;
    while (pos < bytes.size()) {
      const uint8_t byte = static_cast<uint8_t>(bytes[pos++]);
      // Ten bytes at most, and the tenth carries only bit 63.
      if (shift > 63 || (shift == 63 && (byte & 0x7e) != 0)) {
        return absl::DataLossError(absl::StrCat("log record ", records.size() + 1, " at offset ",
                                                record_start, ": length prefix overlong"));
      }
      length |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        done = true;
        break;
      }
    }
    if (!done) {
      return absl::DataLossError(absl::StrCat("log record ", records.size() + 1, " at offset ",
                                              record_start, ": length prefix truncated"));
    }
    if (length > bytes.size() - pos) {
      return absl::DataLossError(absl::StrCat("log record ", records.size() + 1, " at offset ",
                                              record_start, ": declares ", length,
                                              " bytes, only ", bytes.size() - pos, " remain"));
    }
    records.emplace_back(bytes.substr(pos, static_cast<size_t>(length)));
    pos += static_cast<size_t>(length);
  }
  return records;
}

void AppendLengthPrefixed(absl::string_view record, std::string* out) {
  uint64_t length = record.size();
  while (length >= 0x80) {
    out->push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  out->push_back(static_cast<char>(length));
  out->append(record.data(), record.size());
}

}  // namespace raftlog::wire::minver
