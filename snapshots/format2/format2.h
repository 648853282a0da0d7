// Snapshot format 2 (first written by release v2, once the cluster version
// is at least 2; read by v2 and later): the preamble, a small uncompressed
// head (configuration with learners, cluster version, sizes), then the body
// (KV pairs and the session table, as in format 1) as one zstd frame cut into
// chunk records, each with its file offset, length and CRC-32C, and a
// trailer with the CRC-32C of the whole file.
// Grammar and limits: snapshots/FORMAT.md, "Format 2" and "The chunked
// container"; numbers: snapshots/format2/constants.h. Chunked transfer of a
// file (InstallSnapshot): snapshots/format2/install.h.
//
// Which format a release writes, and when, is release code: this codec
// records cluster_version as it is given (see FORMAT.md, "Format 2").
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_FORMAT2_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_FORMAT2_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format2 {

// Encodes `state`. Deterministic: equal states and options give equal bytes
// (with the same libzstd version; see FORMAT.md, "Determinism").
// kFailedPrecondition: the state holds what format 2 cannot carry (a joint
// configuration, metadata: format 3), more than kMaxIds ids in a list, a
// field over 4 GiB, or a head over kMaxHeadFieldsBytes.
// kInvalidArgument: options out of range, unsorted or duplicate ids or
// sessions, cluster_version 0.
// kResourceExhausted: the body exceeds options.max_body_bytes.
absl::StatusOr<std::string> Encode(const SnapshotState& state,
                                   const EncodeOptions& options = EncodeOptions());

// Decodes a whole format-2 file, streaming the body chunk by chunk into the
// state: beyond the input and the result it holds one zstd window (at most
// 8 MiB; about chunk_bytes for files this encoder wrote) and a 128 KiB
// buffer. kInvalidArgument: not a snapshot. kUnimplemented: another format.
// kResourceExhausted: the declared body size exceeds limits.max_body_bytes.
// kDataLoss: anything truncated, corrupt, inconsistent or non-canonical,
// including output beyond or short of the declared body size.
absl::StatusOr<SnapshotState> Decode(absl::string_view bytes,
                                     const DecodeLimits& limits = DecodeLimits());

// Reads only the head (configuration, cluster version; no KV pairs or
// sessions), verifying the head checksum and nothing else: what the
// inspector shows for a file whose body is damaged.
absl::StatusOr<SnapshotState> DecodeHead(absl::string_view bytes);

}  // namespace raftlog::snapshots::format2

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_FORMAT2_H_
