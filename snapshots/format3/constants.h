// Constants of snapshot format 3. Format 3 is the chunked container of
// format 2 (snapshots/format2/constants.h: head, chunk records, trailer,
// body, limits) with format number 3 and a head extension of its own. The
// grammar is in snapshots/FORMAT.md, section "Format 3"; change neither
// without the other. Frozen once v3 ships: no value here may change, and a
// retired field keeps its line, commented, and is never reused.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT3_CONSTANTS_H_
#define RAFTLOG_SNAPSHOTS_FORMAT3_CONSTANTS_H_

#include <cstddef>
#include <cstdint>

#include "snapshots/format2/constants.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format3 {

// The number written after the magic (see snapshots/preamble.h).
inline constexpr uint32_t kFormatNumber = kFormat3;

// The head extension, after the learner list:
//   extension  := outgoing_count:u32 outgoing_id:u64 * outgoing_count
//                 metadata_count:u32 meta_entry * metadata_count
//   meta_entry := key_len:u32 key:bytes(key_len) value_len:u32 value:bytes(value_len)
inline constexpr size_t kExtensionMinBytes = 4 + 4;
inline constexpr size_t kMetadataEntryMinBytes = 4 + 4;
// head_fields of format 3 with no ids and no metadata.
inline constexpr size_t kMinHeadFieldsBytes = format2::kMinHeadFieldsBytes + kExtensionMinBytes;
inline constexpr size_t kMinHeadBytes = format2::kMinHeadBytes + kExtensionMinBytes;

// Limits: voters_outgoing holds at most format2::kMaxIds ids; metadata is
// bounded by the head (format2::kMaxHeadFieldsBytes, 1 MiB, everything in
// head_fields included).

// Conventional metadata keys. Metadata is informational: no reader may need
// it to rebuild the state, because the downgrade to format 2 drops it. The
// codec does not interpret these; releases and tools do.
inline constexpr char kMetaWriter[] = "writer";                // release tag, e.g. "v3"
inline constexpr char kMetaCreatedAtIndex[] = "created_at_index";  // decimal log index
inline constexpr char kMetaDowngrade[] = "downgrade";          // how to go back, for humans

}  // namespace raftlog::snapshots::format3

#endif  // RAFTLOG_SNAPSHOTS_FORMAT3_CONSTANTS_H_
