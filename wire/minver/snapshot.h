// The minimum release able to read a snapshot file: the larger of
//  - the first release that reads its format (snapshots/codec.h's registry,
//    the table of snapshots/FORMAT.md), and
//  - the cluster version recorded inside: format 1 implies 1 (FORMAT.md);
//    later formats record it in their head, read through the format's
//    decoder when this build links one (snapshots::DecodeAny).
// When the build links no decoder for the format, the cluster version cannot
// be read: the result is the format's first reader with complete = false,
// which CheckDowngrade (downgrade.h) never certifies.
#ifndef RAFTLOG_WIRE_MINVER_SNAPSHOT_H_
#define RAFTLOG_WIRE_MINVER_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wire/minver/requirement.h"

namespace raftlog::wire::minver {

// Reads the cluster version recorded in a snapshot of `format`; nullopt when
// this build cannot read it (no decoder). Errors are the decoder's.
using ClusterVersionReader =
    std::function<absl::StatusOr<std::optional<uint32_t>>(uint32_t format, absl::string_view bytes)>;

// Format 1: 1 without decoding; other formats: snapshots::DecodeAny when the
// registry says a decoder is linked, else nullopt.
absl::StatusOr<std::optional<uint32_t>> LinkedClusterVersion(uint32_t format,
                                                            absl::string_view bytes);

// Errors: kInvalidArgument (not a snapshot), kDataLoss (torn preamble, or the
// decoder's verdict), kUnimplemented (a format number no release reads),
// kInvalidArgument for a recorded cluster version of 0.
absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes);
absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes,
                                                 const ClusterVersionReader& reader);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_SNAPSHOT_H_
