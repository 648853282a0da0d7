// The data directory's two framings besides the snapshot file, as specified
// in snapshots/STORAGE.md: the hard state ("RLHS" version 1) and the log
// segment record (length, CRC32C, body). One codec for every reader and
// writer outside the frozen releases: the head release's storage, the golden
// parser and the inspector. The frozen releases keep their own copies; the
// goldens they wrote are read with this codec, so a drift between a frozen
// writer and this reader shows up as a golden that does not parse.
//
// The codec knows bytes, not entries: a record's body is a serialized
// raftlog.wire.<tag>.Entry, which only the caller (who links its tag's
// schema) parses. No function here allocates per record except where it
// returns a copy.
#ifndef RAFTLOG_SNAPSHOTS_STORAGE_CODEC_H_
#define RAFTLOG_SNAPSHOTS_STORAGE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::snapshots::storage {

// File names (STORAGE.md, "File names").
inline constexpr char kHardStateFile[] = "hardstate";
inline constexpr char kLogPrefix[] = "log/";
inline constexpr char kSnapPrefix[] = "snap/";
inline constexpr char kTmpPrefix[] = "tmp/";
inline constexpr size_t kNumberDigits = 20;

// Hard state (STORAGE.md, "Hard state").
inline constexpr char kHardStateMagic[] = "RLHS";
inline constexpr uint32_t kHardStateVersion = 1;
inline constexpr size_t kHardStateBytes = 36;

// Log segment records (STORAGE.md, "Log segment").
inline constexpr size_t kRecordHeaderBytes = 8;
// How far recovery looks past a bad record for a valid one (start positions).
inline constexpr size_t kMaxTornScanBytes = size_t{16} << 20;

// "<prefix><n, zero-padded to 20 digits>".
std::string NumberedName(absl::string_view prefix, uint64_t n);
// The number in "<prefix><20 digits>", or nullopt for any other name.
std::optional<uint64_t> ParseNumberedName(absl::string_view name, absl::string_view prefix);

struct HardStateFields {
  uint32_t version = 0;
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  uint32_t crc_stored = 0;
  uint32_t crc_computed = 0;
};

std::string EncodeHardState(uint64_t term, uint64_t vote, uint64_t commit);
// kDataLoss on a wrong size, bad magic or checksum mismatch, naming the
// offset; kUnimplemented on another framing version. Messages start with
// `file` and name `reader` ("v3") as what reads version 1.
absl::StatusOr<HardStateFields> DecodeHardState(absl::string_view bytes,
                                                absl::string_view file = kHardStateFile,
                                                absl::string_view reader = "this build");

// CRC32C over the 4 little-endian length bytes followed by the body.
uint32_t RecordCrc(uint32_t length, absl::string_view body);
// Appends one record (header + body) to `out`.
void AppendRecord(std::string* out, absl::string_view body);

// One record read at `offset` of a segment's bytes. When `problem` is empty
// the header and checksum are good and `body` views `data`; `end` is the
// offset just past the record (data.size() when the length runs past it).
struct RecordRead {
  size_t offset = 0;
  uint32_t length = 0;
  uint32_t crc_stored = 0;
  uint32_t crc_computed = 0;
  absl::string_view body;
  size_t end = 0;
  std::string problem;  // "truncated header (N bytes)", "truncated record
                        // (length L, N bytes left)", "checksum mismatch"
  bool ok() const { return problem.empty(); }
};
// REQUIRES: offset < data.size().
RecordRead ReadRecord(absl::string_view data, size_t offset);

// True when a complete record with a valid checksum whose body `accept`s
// starts anywhere in data[from, end), scanning at most kMaxTornScanBytes
// start positions. A torn write leaves only a prefix of the last append, so
// after a torn record there is never such a record; finding one means the bad
// record is damage in the middle (a damaged length can make a middle record
// look torn).
bool ValidRecordAfter(absl::string_view data, size_t from,
                      absl::FunctionRef<bool(absl::string_view body)> accept);

}  // namespace raftlog::snapshots::storage

#endif  // RAFTLOG_SNAPSHOTS_STORAGE_CODEC_H_
