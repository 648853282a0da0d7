// Constants of snapshot format 1. The grammar they belong to is in
// snapshots/FORMAT.md, section "Format 1"; change neither without the other.
// Format 1 is frozen since v1 shipped: no value here may change, and a field
// or flag bit that is ever retired keeps its line here, commented, and is
// never reused.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT1_CONSTANTS_H_
#define RAFTLOG_SNAPSHOTS_FORMAT1_CONSTANTS_H_

#include <cstddef>
#include <cstdint>

#include "snapshots/preamble.h"

namespace raftlog::snapshots::format1 {

// The number written after the magic (see snapshots/preamble.h).
inline constexpr uint32_t kFormatNumber = kFormat1;

// Header: last_index u64, last_term u64, config_index u64, voter_count u32.
inline constexpr size_t kHeaderFixedBytes = 8 + 8 + 8 + 4;
inline constexpr size_t kVoterBytes = 8;  // one u64 node id
// Section counts: kv_count u64, session_count u64.
inline constexpr size_t kCountBytes = 8;
// Smallest KV entry: key_len u32 + value_len u32 (both empty).
inline constexpr size_t kKvEntryMinBytes = 4 + 4;
// Smallest session: client_id, last_sequence, last_index (u64 each),
// flags u8, response_len u32, empty response.
inline constexpr size_t kSessionMinBytes = 8 + 8 + 8 + 1 + 4;
// Trailing CRC-32C (u32 little-endian) over every byte before it.
inline constexpr size_t kChecksumBytes = 4;
// The smallest well-formed file: preamble, header with no voters, two zero
// counts, checksum.
inline constexpr size_t kMinFileBytes =
    kPreambleBytes + kHeaderFixedBytes + 2 * kCountBytes + kChecksumBytes;

// Session flags byte. Bits 2..7 are reserved and must be zero.
inline constexpr uint8_t kSessionFound = 0x01;      // get: key existed
inline constexpr uint8_t kSessionSucceeded = 0x02;  // cas: swapped
inline constexpr uint8_t kSessionKnownFlags = kSessionFound | kSessionSucceeded;

// Limits. Anything declared beyond them is refused before allocation.
// A Raft configuration is a handful of nodes; 1024 is far beyond any real one.
inline constexpr uint32_t kMaxVoters = 1024;
// Keys, values and session responses carry a u32 length: at most 4 GiB - 1.
inline constexpr uint64_t kMaxFieldBytes = 0xFFFFFFFFu;

}  // namespace raftlog::snapshots::format1

#endif  // RAFTLOG_SNAPSHOTS_FORMAT1_CONSTANTS_H_
