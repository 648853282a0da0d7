// The minimum release able to read a snapshot file: the larger of
//  - the first release that reads its format (snapshots/codec.h's registry,
//    the table of snapshots/FORMAT.md), and
//  - the cluster version recorded inside: format 1 implies 1 (FORMAT.md);
//    later formats record it in their head, read through the dispatcher
//    (snapshots::DecodeAny) when this build links the format's decoder.
// When the cluster version cannot be read (no decoder linked, or the decoder
// refuses the file: torn, corrupt, over limits), the format still bounds the
// answer from below: the result is the format's first reader with
// complete = false and a note saying why, which CheckDowngrade (downgrade.h)
// refuses to certify for a target at or above it.
#ifndef RAFTLOG_WIRE_MINVER_SNAPSHOT_H_
#define RAFTLOG_WIRE_MINVER_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wire/minver/requirement.h"

namespace raftlog::wire::minver {

// The cluster version recorded in a snapshot, or why it could not be read.
struct RecordedClusterVersion {
  std::optional<uint32_t> version;
  std::string unread_reason;  // set when !version
};

// Reads the cluster version recorded in a snapshot of `format`. An error
// status fails the whole computation (for readers that must not be
// second-guessed); LinkedClusterVersion never returns one.
using ClusterVersionReader = std::function<absl::StatusOr<RecordedClusterVersion>(
    uint32_t format, absl::string_view bytes)>;

// Format 1: 1 without decoding (FORMAT.md: format 1 implies 1); other
// formats: snapshots::DecodeAny when the registry says a decoder is linked.
absl::StatusOr<RecordedClusterVersion> LinkedClusterVersion(uint32_t format,
                                                           absl::string_view bytes);

// Errors: kInvalidArgument (not a snapshot), kDataLoss (torn preamble),
// kUnimplemented (a format number no release reads), kInvalidArgument for a
// recorded cluster version of 0, and the reader's errors.
absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes);
absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes,
                                                 const ClusterVersionReader& reader);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_SNAPSHOT_H_
