#include "snapshots/preamble.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace raftlog::snapshots {

absl::StatusOr<uint32_t> ReadPreamble(absl::string_view bytes) {
  const absl::string_view magic(kSnapshotMagic, kSnapshotMagicBytes);
  const size_t have = std::min(bytes.size(), kSnapshotMagicBytes);
  if (bytes.substr(0, have) != magic.substr(0, have)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a snapshot: file starts with \"",
        absl::CHexEscape(bytes.substr(0, kSnapshotMagicBytes)),
        "\", expected magic \"RLSNAP\\r\\n\""));
  }
  if (bytes.size() < kPreambleBytes) {
    return absl::DataLossError(absl::StrCat(
        "snapshot truncated: ", bytes.size(), " bytes, shorter than the ",
        kPreambleBytes, "-byte preamble (magic + format number)"));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + kSnapshotMagicBytes;
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

void AppendPreamble(uint32_t format, std::string* out) {
  out->append(kSnapshotMagic, kSnapshotMagicBytes);
  for (int shift = 0; shift < 32; shift += 8) {
    out->push_back(static_cast<char>((format >> shift) & 0xFFu));
  }
}

}  // namespace raftlog::snapshots
