// Constants of snapshot format 2 and of the chunked zstd container it
// defines (format 3 reuses the container; see snapshots/format3/constants.h).
// The grammar they belong to is in snapshots/FORMAT.md, sections "Format 2"
// and "The chunked container"; change neither without the other.
// Format 2 is frozen once v2 ships: from then on no value here may change,
// and a field or flag bit that is ever retired keeps its line here,
// commented, and is never reused.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_CONSTANTS_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_CONSTANTS_H_

#include <cstddef>
#include <cstdint>

#include "snapshots/preamble.h"

namespace raftlog::snapshots::format2 {

// The number written after the magic (see snapshots/preamble.h).
inline constexpr uint32_t kFormatNumber = kFormat2;

// --- Head ------------------------------------------------------------------
// head := preamble head_len:u32 head_fields:bytes(head_len) head_crc:u32
inline constexpr size_t kHeadLenBytes = 4;
inline constexpr size_t kHeadCrcBytes = 4;
// Fixed part of head_fields: last_index, last_term, config_index, body_bytes
// (u64 each), cluster_version, chunk_bytes, chunk_count, zstd_level (u32 each).
inline constexpr size_t kHeadFixedBytes = 4 * 8 + 4 * 4;
// Node-id lists: count u32, then count u64 ids.
inline constexpr size_t kIdCountBytes = 4;
inline constexpr size_t kIdBytes = 8;
// head_fields of format 2 with no voters and no learners.
inline constexpr size_t kMinHeadFieldsBytes = kHeadFixedBytes + 2 * kIdCountBytes;
// The smallest head: preamble, head_len, the smallest head_fields, head_crc.
inline constexpr size_t kMinHeadBytes =
    kPreambleBytes + kHeadLenBytes + kMinHeadFieldsBytes + kHeadCrcBytes;

// Absolute file offsets of the fixed head fields.
inline constexpr size_t kOffsetHeadLen = 12;
inline constexpr size_t kOffsetLastIndex = 16;
inline constexpr size_t kOffsetLastTerm = 24;
inline constexpr size_t kOffsetConfigIndex = 32;
inline constexpr size_t kOffsetBodyBytes = 40;
inline constexpr size_t kOffsetClusterVersion = 48;
inline constexpr size_t kOffsetChunkBytes = 52;
inline constexpr size_t kOffsetChunkCount = 56;
inline constexpr size_t kOffsetZstdLevel = 60;
inline constexpr size_t kOffsetVoterCount = 64;
inline constexpr size_t kOffsetFirstVoter = 68;

// --- Chunk records and trailer -------------------------------------------------
// chunk_record := chunk_offset:u64 data_len:u32 data:bytes(data_len) chunk_crc:u32
inline constexpr size_t kChunkRecordHeaderBytes = 8 + 4;
inline constexpr size_t kChunkCrcBytes = 4;
inline constexpr size_t kChunkOverheadBytes = kChunkRecordHeaderBytes + kChunkCrcBytes;
// trailer := file_crc:u32, the CRC-32C of every byte before it.
inline constexpr size_t kTrailerBytes = 4;
// head_crc and chunk_crc are stored masked (FORMAT.md, "Checksums"):
// mask(c) = ((c >> 15) | (c << 17)) + kCrcMaskDelta. The trailer is not.
inline constexpr uint32_t kCrcMaskDelta = 0xA282EAD8u;

// The compressed stream (all chunk data, in order) is exactly one zstd frame
// (RFC 8878), magic 28 B5 2F FD.
inline constexpr uint32_t kZstdFrameMagic = 0xFD2FB528u;

// --- Body (the zstd frame's content) -------------------------------------------
// body := kv_count:u64 kv_pair* session_count:u64 session*, encoded exactly
// as format 1's kv_section and session_table.
inline constexpr size_t kCountBytes = 8;
// Smallest KV entry: key_len u32 + value_len u32 (both empty).
inline constexpr size_t kKvEntryMinBytes = 4 + 4;
// Smallest session: client_id, last_sequence, last_index (u64 each),
// flags u8, response_len u32, empty response.
inline constexpr size_t kSessionMinBytes = 8 + 8 + 8 + 1 + 4;
// The body of a state with no pairs and no sessions.
inline constexpr size_t kMinBodyBytes = 2 * kCountBytes;

// Session flags byte. Bits 2..7 are reserved and must be zero.
inline constexpr uint8_t kSessionFound = 0x01;      // get: key existed
inline constexpr uint8_t kSessionSucceeded = 0x02;  // cas: swapped
inline constexpr uint8_t kSessionKnownFlags = kSessionFound | kSessionSucceeded;

// --- Limits ----------------------------------------------------------------------
// Fixed by the format (a file beyond them is malformed: kDataLoss).
// Per node-id list (voters, learners; format 3 adds voters_outgoing).
inline constexpr uint32_t kMaxIds = 1024;
// head_fields, whatever the format puts in it (format 3's metadata included).
inline constexpr uint32_t kMaxHeadFieldsBytes = 1u << 20;  // 1 MiB
// Compressed bytes per chunk record.
inline constexpr uint32_t kMinChunkBytes = 64;
inline constexpr uint32_t kMaxChunkBytes = 64u << 20;  // 64 MiB
// zstd levels a writer may use; recorded in the head.
inline constexpr int kMinZstdLevel = 1;
inline constexpr int kMaxZstdLevel = 19;
// The frame's window is at most 2^23 bytes (8 MiB); readers refuse larger.
// Writers use min(the level's window, the largest power of two <= chunk_bytes,
// 2^23), at least 2^10, so that a reader holds about one chunk of window.
inline constexpr int kMaxWindowLog = 23;
inline constexpr int kMinWindowLog = 10;
// Keys, values and session responses carry a u32 length.
inline constexpr uint64_t kMaxFieldBytes = 0xFFFFFFFFu;

// Defaults of the configurable limits and options (snapshots/format2/options.h).
inline constexpr int kDefaultZstdLevel = 3;
inline constexpr uint32_t kDefaultChunkBytes = 1u << 20;         // 1 MiB
inline constexpr uint64_t kDefaultMaxBodyBytes = uint64_t{1} << 30;  // 1 GiB

}  // namespace raftlog::snapshots::format2

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_CONSTANTS_H_
