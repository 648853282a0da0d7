// The body of the chunked container: KV pairs and sessions, serialized as in
// format 1, compressed as one zstd frame cut into chunk records. Streaming
// both ways: the writer never holds the uncompressed body, the reader never
// holds more than its fixed output buffer of it. Internal to the container.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BODY_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BODY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format2::internal {

// Decompressed bytes the reader holds at a time (beyond zstd's own window).
inline constexpr size_t kReadBufferBytes = 128 << 10;
// Uncompressed bytes the writer stages before handing them to zstd.
inline constexpr size_t kWriteStageBytes = 128 << 10;
// Strings at least this long go to zstd directly instead of via the stage.
inline constexpr size_t kDirectFeedBytes = 32 << 10;
// A long value is read into a string that grows with the bytes that really
// arrive, never reserved ahead by more than this (a lying length costs no
// more than this before the stream runs dry).
inline constexpr size_t kReserveAheadBytes = 1 << 20;
// Sessions reserved ahead of the session table's real bytes (about 4 MiB).
inline constexpr size_t kMaxSessionReserve = 1 << 16;

// Size of SerializeBody(state). REQUIRES: field lengths fit a u32.
uint64_t BodyBytes(const SnapshotState& state);

// Compresses the body (from `state`, or `raw` when state is null) as one
// zstd frame of body_bytes content and appends it to *out as chunk records
// of at most chunk_bytes data each; the first record starts at out->size().
// Returns the records written. kInternal only if zstd itself fails.
absl::StatusOr<std::vector<ChunkRecord>> WriteBody(const SnapshotState* state,
                                                   absl::string_view raw, uint64_t body_bytes,
                                                   int zstd_level, int window_log,
                                                   uint32_t chunk_bytes, std::string* out);

// Decompresses the chunks of `layout` (each verified against its chunk_crc
// before any of it reaches zstd) and parses the body into state->kv and
// state->sessions. kDataLoss for any corruption, lie or non-canonical body.
absl::Status ReadBody(absl::string_view file, const Layout& layout, SnapshotState* state);

}  // namespace raftlog::snapshots::format2::internal

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BODY_H_
