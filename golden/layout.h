// How each release lays out its data directory, read with the shared codec of
// snapshots/STORAGE.md (snapshots/storage_codec.h) rather than with the
// release's private decoders. The frozen releases wrote their goldens with
// their own copies of the framing, so a reader that disagrees with a frozen
// writer shows up as a golden that does not parse; the head release writes
// through the same codec, and its goldens pin the bytes, so a change of the
// codec shows up as a golden diff.
//
// A cut release inherits its parent's layout (scripts/cut_release.sh copies
// storage unchanged); a release that changes its on-disk format adds its own
// row to kLayouts in layout.cc, and its framing here.
#ifndef RAFTLOG_GOLDEN_LAYOUT_H_
#define RAFTLOG_GOLDEN_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/storage_codec.h"

namespace raftlog::golden {

// The framings known here. Each is specified by the storage.h of the tag that
// introduced it; numbers are never reused.
enum class HardStateFraming {
  // versions/v1/storage.h: 36 bytes, "RLHS", u32 version = 1, u64 term,
  // u64 vote, u64 commit, u32 CRC32C of the 32 bytes before it; little-endian.
  kRlhsV1,
};
enum class SegmentFraming {
  // versions/v1/storage.h: records of u32 length, u32 CRC32C(length bytes +
  // body), body (a serialized <package>.Entry); little-endian.
  kLengthCrcBodyV1,
};

struct DiskLayout {
  std::string tag;                // the release this layout is for
  std::string defined_by;         // the tag whose storage.h specifies it
  std::string hard_state_path;    // "hardstate"
  std::string segment_prefix;     // "log/"
  std::string snapshot_prefix;    // "snap/"
  std::string entry_message;      // "raftlog.wire.<tag>.Entry": a segment record body
  HardStateFraming hard_state = HardStateFraming::kRlhsV1;
  SegmentFraming segments = SegmentFraming::kLengthCrcBodyV1;
};

// The path of the snapshot file covering `last_index` ("snap/<20 digits>").
std::string SnapshotPath(const DiskLayout& layout, uint64_t last_index);

// The layout of `tag`: its own row, or the row of the newest older registered
// tag that has one. kNotFound for a tag the registry does not know.
absl::StatusOr<DiskLayout> LayoutFor(absl::string_view tag);

// The fields of a hard-state file as the shared codec reads them.
using HardStateRecord = snapshots::storage::HardStateFields;

// kDataLoss on a wrong size, bad magic or checksum mismatch (naming the
// offset); kUnimplemented on a framing version this code does not know.
absl::StatusOr<HardStateRecord> ParseHardState(const DiskLayout& layout, absl::string_view bytes);
std::string EncodeHardState(const DiskLayout& layout, uint64_t term, uint64_t vote,
                            uint64_t commit);

struct SegmentRecord {
  size_t offset = 0;  // of the record header in the file
  uint32_t length = 0;
  uint32_t crc_stored = 0;
  uint32_t crc_computed = 0;
  std::string body;
};

// Every record of a segment file. kDataLoss naming the offset on a short
// header, a length beyond the file or a checksum mismatch: a golden segment
// is always whole (the release synced it before the copy was taken).
absl::StatusOr<std::vector<SegmentRecord>> ParseSegment(const DiskLayout& layout,
                                                        absl::string_view bytes);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_LAYOUT_H_
