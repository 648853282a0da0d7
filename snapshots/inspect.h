// The snapshot inspector's logic, apart from its command line
// (inspect_main.cc): what a file is, who wrote it, who can read it, what it
// holds and whether it is intact. It needs no release's code: only the
// format registry and the codecs in snapshots/.
#ifndef RAFTLOG_SNAPSHOTS_INSPECT_H_
#define RAFTLOG_SNAPSHOTS_INSPECT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "snapshots/codec.h"
#include "snapshots/state.h"

namespace raftlog::snapshots {

struct InspectReport {
  size_t file_bytes = 0;
  std::optional<uint32_t> format;     // set when the preamble could be read
  const FormatInfo* info = nullptr;   // registry entry, when the format is known
  // The checksum as stored and as recomputed, for formats with a whole-file
  // checksum (format 1) and files long enough to hold one.
  std::optional<uint32_t> checksum_stored;
  std::optional<uint32_t> checksum_computed;
  absl::Status status;                // the full decode's verdict
  std::optional<SnapshotState> state; // set when status.ok()
};

// Never fails: a file that is not a snapshot, or is corrupt, gets a report
// that says so in `status`.
InspectReport Inspect(absl::string_view bytes);

// One "key: value" line per field, fixed order; "-" for what is unknown.
std::string ReportText(const InspectReport& report, absl::string_view path);
// The same fields as one JSON object (null for what is unknown), fixed order.
std::string ReportJson(const InspectReport& report, absl::string_view path);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_INSPECT_H_
