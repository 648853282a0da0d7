// Snapshot format 1: plain (uncompressed), one CRC32C over the whole file.
// Grammar and limits: snapshots/FORMAT.md, section "Format 1".
// Frozen once v1 shipped: the goldens under golden/v1/ prove the bytes.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT1_FORMAT1_H_
#define RAFTLOG_SNAPSHOTS_FORMAT1_FORMAT1_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format1 {

// Encodes `state`. kFailedPrecondition when the state holds what format 1
// cannot carry (learners, a joint configuration, cluster version != 1,
// metadata). Deterministic: equal states give equal bytes.
absl::StatusOr<std::string> Encode(const SnapshotState& state);

// Decodes a whole format-1 file. kDataLoss on a checksum mismatch, truncation
// or a malformed body; kUnimplemented when the preamble names another format;
// kInvalidArgument when it is not a snapshot at all (bad magic). Never reads
// past `bytes`, never allocates more than the input size justifies.
absl::StatusOr<SnapshotState> Decode(absl::string_view bytes);

}  // namespace raftlog::snapshots::format1

#endif  // RAFTLOG_SNAPSHOTS_FORMAT1_FORMAT1_H_
