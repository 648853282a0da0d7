// The preamble every snapshot file begins with, whatever its format number,
// so that one dispatcher (snapshots/codec.h) can pick the decoder.
// Spec: snapshots/FORMAT.md, section "Preamble". These bytes never change.
//
//   offset 0  magic   8 bytes  "RLSNAP\r\n" = 52 4C 53 4E 41 50 0D 0A
//   offset 8  format  uint32, little-endian
//
// The "\r\n" makes a text-mode transfer that rewrites line endings visible
// as a bad magic, as PNG's signature does.
#ifndef RAFTLOG_SNAPSHOTS_PREAMBLE_H_
#define RAFTLOG_SNAPSHOTS_PREAMBLE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::snapshots {

inline constexpr char kSnapshotMagic[] = "RLSNAP\r\n";  // 8 bytes, no NUL on disk
inline constexpr size_t kSnapshotMagicBytes = 8;
inline constexpr size_t kPreambleBytes = kSnapshotMagicBytes + 4;

// Format numbers (FORMAT.md, "Format number registry"). Never reused.
inline constexpr uint32_t kFormat1 = 1;  // shipped by v1
inline constexpr uint32_t kFormat2 = 2;  // reserved for v2, not yet shipped
inline constexpr uint32_t kFormat3 = 3;  // reserved for v3, not yet shipped

// Reads the preamble and returns the format number, without judging it (any
// value is returned; whether a decoder exists is the caller's question).
// kInvalidArgument: the bytes do not start with the magic ("not a snapshot").
// kDataLoss: fewer than kPreambleBytes bytes and what is there is a prefix of
// a preamble (an empty or torn file).
absl::StatusOr<uint32_t> ReadPreamble(absl::string_view bytes);

// Appends the preamble for `format` to `out`.
void AppendPreamble(uint32_t format, std::string* out);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_PREAMBLE_H_
