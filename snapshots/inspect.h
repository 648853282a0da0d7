// The snapshot inspector's logic, apart from its command line
// (inspect_main.cc): what a file is, who wrote it, who can read it, what it
// holds and whether it is intact. It needs no release's code: only the
// format registry and the codecs in snapshots/. For formats 2 and 3 it also
// reads the chunked container without decompressing: sizes, chunk records
// and each chunk's checksum, and the head's metadata.
#ifndef RAFTLOG_SNAPSHOTS_INSPECT_H_
#define RAFTLOG_SNAPSHOTS_INSPECT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "snapshots/codec.h"
#include "snapshots/state.h"

namespace raftlog::snapshots {

struct InspectReport {
  size_t file_bytes = 0;
  std::optional<uint32_t> format;     // set when the preamble could be read
  const FormatInfo* info = nullptr;   // registry entry, when the format is known
  // The whole-file checksum as stored and as recomputed: format 1's last 4
  // bytes (files long enough to hold them); formats 2 and 3: the trailer,
  // once the chunk records lead to it.
  std::optional<uint32_t> checksum_stored;
  std::optional<uint32_t> checksum_computed;
  absl::Status status;                // the full decode's verdict
  std::optional<SnapshotState> state; // set when status.ok()

  // Formats 2 and 3 (the chunked container), when the head verified.
  struct ChunkCheck {
    uint64_t offset = 0;  // file offset of the record
    uint32_t data_len = 0;
    uint32_t crc_stored = 0;
    uint32_t crc_computed = 0;
  };
  struct Container {
    uint64_t body_bytes = 0;        // declared uncompressed body
    uint64_t compressed_bytes = 0;  // chunk data found
    uint32_t chunk_bytes = 0;
    uint32_t chunk_count = 0;       // declared
    uint32_t zstd_level = 0;
    std::vector<ChunkCheck> chunks; // every record found, checksums computed
    absl::Status layout;            // the walk of the records and the trailer
  };
  std::optional<Container> container;
  // What the head alone carries (configuration, cluster version, metadata),
  // when it verified: shown even when the body does not decode.
  std::optional<SnapshotState> head;
};

struct ReportOptions {
  // One line (or JSON object) per chunk record with its checksum verdict
  // (the inspector's --verify).
  bool list_chunks = false;
};

// Never fails: a file that is not a snapshot, or is corrupt, gets a report
// that says so in `status`.
InspectReport Inspect(absl::string_view bytes);

// One "key: value" line per field, fixed order; "-" for what is unknown.
std::string ReportText(const InspectReport& report, absl::string_view path,
                       const ReportOptions& options = ReportOptions());
// The same fields as one JSON object (null for what is unknown), fixed order.
std::string ReportJson(const InspectReport& report, absl::string_view path,
                       const ReportOptions& options = ReportOptions());

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_INSPECT_H_
