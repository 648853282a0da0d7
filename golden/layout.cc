#include "golden/layout.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"
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

constexpr char kRlhsMagic[] = "RLHS";
constexpr uint32_t kRlhsVersion = 1;
constexpr size_t kRlhsBytes = 36;
constexpr size_t kRecordHeaderBytes = 8;

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t GetFixed32(absl::string_view in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}
uint64_t GetFixed64(absl::string_view in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

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
  return absl::StrFormat("%s%020u", layout.snapshot_prefix, last_index);
}

absl::StatusOr<HardStateRecord> ParseHardState(const DiskLayout& layout,
                                               absl::string_view bytes) {
  switch (layout.hard_state) {
    case HardStateFraming::kRlhsV1:
      break;
  }
  if (bytes.size() != kRlhsBytes) {
    return absl::DataLossError(
        absl::StrCat("hard state: ", bytes.size(), " bytes, the framing has ", kRlhsBytes));
  }
  if (bytes.substr(0, 4) != absl::string_view(kRlhsMagic, 4)) {
    return absl::DataLossError("hard state: bad magic at offset 0");
  }
  HardStateRecord r;
  r.version = GetFixed32(bytes, 4);
  r.term = GetFixed64(bytes, 8);
  r.vote = GetFixed64(bytes, 16);
  r.commit = GetFixed64(bytes, 24);
  r.crc_stored = GetFixed32(bytes, kRlhsBytes - 4);
  r.crc_computed = Crc32c(bytes.substr(0, kRlhsBytes - 4));
  if (r.crc_stored != r.crc_computed) {
    return absl::DataLossError(absl::StrCat("hard state: checksum mismatch at offset ",
                                            kRlhsBytes - 4));
  }
  if (r.version != kRlhsVersion) {
    return absl::UnimplementedError(
        absl::StrCat("hard state: framing version ", r.version, " (this parser reads 1)"));
  }
  return r;
}

std::string EncodeHardState(const DiskLayout& layout, uint64_t term, uint64_t vote,
                            uint64_t commit) {
  switch (layout.hard_state) {
    case HardStateFraming::kRlhsV1:
      break;
  }
  std::string out(kRlhsMagic, 4);
  PutFixed32(&out, kRlhsVersion);
  PutFixed64(&out, term);
  PutFixed64(&out, vote);
  PutFixed64(&out, commit);
  PutFixed32(&out, Crc32c(out));
  return out;
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
    const size_t left = bytes.size() - off;
    if (left < kRecordHeaderBytes) {
      return absl::DataLossError(
          absl::StrCat("segment: short record header at offset ", off, " (", left, " bytes)"));
    }
    SegmentRecord r;
    r.offset = off;
    r.length = GetFixed32(bytes, off);
    r.crc_stored = GetFixed32(bytes, off + 4);
    if (r.length > left - kRecordHeaderBytes) {
      return absl::DataLossError(absl::StrCat("segment: record at offset ", off, " declares ",
                                              r.length, " bytes, ", left - kRecordHeaderBytes,
                                              " left"));
    }
    std::string len;
    PutFixed32(&len, r.length);
    r.body = std::string(bytes.substr(off + kRecordHeaderBytes, r.length));
    r.crc_computed = Crc32c(r.body, Crc32c(len));
    if (r.crc_stored != r.crc_computed) {
      return absl::DataLossError(absl::StrCat("segment: checksum mismatch in record at offset ",
                                              off));
    }
    off += kRecordHeaderBytes + r.length;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace raftlog::golden
