#include "snapshots/codec.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format3/format3.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots {

const std::vector<FormatInfo>& KnownFormats() {
  // Keep in step with the registry table in FORMAT.md. A retired format keeps
  // its row; a number is never reused. Format 0 is deliberately absent.
  static const std::vector<FormatInfo>* const kFormats = new std::vector<FormatInfo>{
      {kFormat1, /*shipped=*/true, "v1", "v1", "plain, one CRC-32C over the file",
       /*decoder_linked=*/true},
      {kFormat2, /*shipped=*/true, "v2", "v2",
       "zstd in CRC-32C-checked chunks (chunked install), learners, cluster version",
       /*decoder_linked=*/true},
      {kFormat3, /*shipped=*/false, "v3", "v3",
       "format 2 plus the joint configuration and a metadata section",
       /*decoder_linked=*/true},
  };
  return *kFormats;
}

const FormatInfo* FindFormat(uint32_t format) {
  for (const FormatInfo& info : KnownFormats()) {
    if (info.format == format) return &info;
  }
  return nullptr;
}

absl::StatusOr<uint32_t> PeekFormat(absl::string_view bytes) { return ReadPreamble(bytes); }

absl::StatusOr<SnapshotState> DecodeAny(absl::string_view bytes) {
  return DecodeAny(bytes, format2::DecodeLimits());
}

absl::StatusOr<SnapshotState> DecodeAny(absl::string_view bytes,
                                        const format2::DecodeLimits& limits) {
  absl::StatusOr<uint32_t> format = PeekFormat(bytes);
  if (!format.ok()) return format.status();
  switch (*format) {
    case kFormat1:
      return format1::Decode(bytes);
    case kFormat2:
      return format2::Decode(bytes, limits);
    case kFormat3:
      return format3::Decode(bytes, limits);
    default:
      break;
  }
  std::vector<uint32_t> readable;
  for (const FormatInfo& info : KnownFormats()) {
    if (info.decoder_linked) readable.push_back(info.format);
  }
  const std::string linked = absl::StrJoin(readable, ", ");
  const FormatInfo* info = FindFormat(*format);
  if (info == nullptr) {
    return absl::UnimplementedError(absl::StrCat(
        "snapshot format ", *format, " is unknown: no release reads it (this build reads formats ",
        linked, ")"));
  }
  return absl::UnimplementedError(absl::StrCat(
      "snapshot format ", *format, " needs release ", info->first_reader,
      " or later to read", info->shipped ? "" : " (format not yet shipped)",
      "; this build reads formats ", linked));
}

}  // namespace raftlog::snapshots
