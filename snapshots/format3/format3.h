// Snapshot format 3 (first written by release v3; read by v3 and later):
// format 2's chunked container plus, in the head, the joint configuration
// (voters_outgoing) and a metadata section of sorted key/value pairs.
// Grammar: snapshots/FORMAT.md, "Format 3" and "The chunked container";
// numbers: snapshots/format3/constants.h. Options, limits, determinism,
// error classes and the chunked install (snapshots/format2/install.h) are
// format 2's, through the same code.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT3_FORMAT3_H_
#define RAFTLOG_SNAPSHOTS_FORMAT3_FORMAT3_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format3 {

using EncodeOptions = format2::EncodeOptions;
using DecodeLimits = format2::DecodeLimits;

// Encodes `state`, which may hold everything SnapshotState has. Errors as
// format2::Encode (minus the format 3 refusals); voters_outgoing follows the
// voters' rules (sorted, unique, at most 1024); metadata counts against the
// 1 MiB head (kFailedPrecondition beyond).
absl::StatusOr<std::string> Encode(const SnapshotState& state,
                                   const EncodeOptions& options = EncodeOptions());

// Decodes a whole format-3 file. Errors as format2::Decode.
absl::StatusOr<SnapshotState> Decode(absl::string_view bytes,
                                     const DecodeLimits& limits = DecodeLimits());

// Reads only the head: configuration (joint included), cluster version and
// metadata; verifies the head checksum and nothing else.
absl::StatusOr<SnapshotState> DecodeHead(absl::string_view bytes);

// The downgrade procedure's rewrite (ARCHITECTURE.md, "Cluster version,
// finalize and the downgrade procedure": lower the cluster version, rewrite
// data, then roll back): returns `bytes` rewritten as format 2 for
// release v2, with the same compressed body (copied, not recompressed; each
// chunk record moved and resealed) and without the metadata, which format 2
// cannot carry and which is informational by rule. The input is fully
// decoded first (every checksum and the body), so memory is the state's.
// A format 2 input is returned unchanged once it decodes (idempotent).
// kFailedPrecondition, naming every reason, when the state does not allow
// it: a joint configuration in progress (voters_outgoing not empty), or a
// cluster version above 2 (lower it first, then snapshot again).
// Otherwise the errors of Decode.
absl::StatusOr<std::string> DowngradeToFormat2(absl::string_view bytes,
                                               const DecodeLimits& limits = DecodeLimits());

}  // namespace raftlog::snapshots::format3

#endif  // RAFTLOG_SNAPSHOTS_FORMAT3_FORMAT3_H_
