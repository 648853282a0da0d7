// The inspector's view of the two other files of a data directory
// (snapshots/STORAGE.md): the hard state and a log segment. Like the snapshot
// inspector it needs no release's code: the framings come from the shared
// codec (storage_codec.h) and a record's body is read as the Entry fields
// every tag shares (1 index, 2 term, 3 type, 4 data), without a schema.
#ifndef RAFTLOG_SNAPSHOTS_INSPECT_DATADIR_H_
#define RAFTLOG_SNAPSHOTS_INSPECT_DATADIR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "snapshots/storage_codec.h"

namespace raftlog::snapshots {

enum class DataFileKind { kSnapshot, kHardState, kLogSegment };

// What `path` names in a data directory ("hardstate", "log/<20 digits>",
// "snap/<20 digits>", the last components of `path`), else what the bytes
// start with: the hard state's magic, else a log segment when its first
// record is whole with a good checksum (a segment has no header of its own),
// else a snapshot file (whose report says when it is not one).
DataFileKind ClassifyDataFile(absl::string_view path, absl::string_view bytes);

struct HardStateReport {
  size_t file_bytes = 0;
  std::optional<storage::HardStateFields> fields;
  absl::Status status;
};
HardStateReport InspectHardState(absl::string_view bytes);

struct SegmentReport {
  struct Record {
    size_t offset = 0;
    uint32_t length = 0;
    uint32_t crc_stored = 0;
    uint32_t crc_computed = 0;
    // The shared Entry fields, when the body parses as protobuf.
    std::optional<uint64_t> index, term, type;
    uint64_t data_bytes = 0;
  };
  size_t file_bytes = 0;
  std::optional<uint64_t> first_index;  // from the file name, when it has one
  std::vector<Record> records;          // every whole record with a good checksum
  // OK, or kDataLoss naming the first bad record's offset and what is wrong
  // (a torn tail and damage in the middle look the same to a reader that does
  // not know whether this is the newest segment: recovery tells them apart).
  absl::Status status;
};
SegmentReport InspectSegment(absl::string_view path, absl::string_view bytes);

// "key: value" lines (and one line per record with `list_records`), or one
// JSON object, in a fixed order.
std::string HardStateText(const HardStateReport& report, absl::string_view path);
std::string HardStateJson(const HardStateReport& report, absl::string_view path);
std::string SegmentText(const SegmentReport& report, absl::string_view path, bool list_records);
std::string SegmentJson(const SegmentReport& report, absl::string_view path, bool list_records);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_INSPECT_DATADIR_H_
