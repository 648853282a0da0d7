#include "golden/layout.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/storage_codec.h"
#include "versions/registry.h"

namespace raftlog::golden {
namespace {

// One row per tag whose storage.h defines a layout. Keep in step with those
// headers; a row is frozen with its tag.
struct LayoutRow {
  const char* tag;
  const char* hard_state_path;
  const char* segment_prefix;
  const char* snapshot_prefix;
  HardStateFraming hard_state;
  SegmentFraming segments;
};
constexpr LayoutRow kLayouts[] = {
    {"v1", "hardstate", "log/", "snap/", HardStateFraming::kRlhsV1,
     SegmentFraming::kLengthCrcBodyV1},
};

namespace codec = snapshots::storage;

}  // namespace

absl::StatusOr<DiskLayout> LayoutFor(absl::string_view tag) {
  const std::vector<api::ReleaseInfo>& releases = AllReleases();
  size_t pos = releases.size();
  for (size_t i = 0; i < releases.size(); ++i) {
    if (releases[i].tag == tag) pos = i;
  }
  if (pos == releases.size()) {
    return absl::NotFoundError(
        absl::StrCat("no registered release ", tag, " (registered: ", ReleaseTagList(), ")"));
  }
  for (size_t i = pos + 1; i-- > 0;) {
    for (const LayoutRow& row : kLayouts) {
      if (releases[i].tag != row.tag) continue;
      DiskLayout l;
      l.tag = std::string(tag);
      l.defined_by = row.tag;
      l.hard_state_path = row.hard_state_path;
      l.segment_prefix = row.segment_prefix;
      l.snapshot_prefix = row.snapshot_prefix;
      l.entry_message = absl::StrCat("raftlog.wire.", tag, ".Entry");
      l.hard_state = row.hard_state;
      l.segments = row.segments;
      return l;
    }
  }
  return absl::NotFoundError(absl::StrCat("no disk layout for ", tag,
                                          " or any older tag; add a row to golden/layout.cc"));
}

std::string SnapshotPath(const DiskLayout& layout, uint64_t last_index) {
  return codec::NumberedName(layout.snapshot_prefix, last_index);
}

absl::StatusOr<HardStateRecord> ParseHardState(const DiskLayout& layout,
                                               absl::string_view bytes) {
  switch (layout.hard_state) {
    case HardStateFraming::kRlhsV1:
      break;
  }
  return codec::DecodeHardState(bytes, "hard state", "this parser");
}

std::string EncodeHardState(const DiskLayout& layout, uint64_t term, uint64_t vote,
                            uint64_t commit) {
  switch (layout.hard_state) {
    case HardStateFraming::kRlhsV1:
      break;
  }
  return codec::EncodeHardState(term, vote, commit);
}

absl::StatusOr<std::vector<SegmentRecord>> ParseSegment(const DiskLayout& layout,
                                                        absl::string_view bytes) {
  switch (layout.segments) {
    case SegmentFraming::kLengthCrcBodyV1:
      break;
  }
  std::vector<SegmentRecord> out;
  size_t off = 0;
  while (off < bytes.size()) {
    codec::RecordRead rec = codec::ReadRecord(bytes, off);
    if (!rec.ok()) {
      return absl::DataLossError(
          absl::StrCat("segment: record at offset ", off, ": ", rec.problem));
    }
    SegmentRecord r;
    r.offset = off;
    r.length = rec.length;
    r.crc_stored = rec.crc_stored;
    r.crc_computed = rec.crc_computed;
    r.body = std::string(rec.body);
    off = rec.end;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace raftlog::golden
