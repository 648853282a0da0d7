// CRC-32C of a concatenation from the CRCs of its parts, without the bytes:
//   Crc32cCombine(Crc32c(a), Crc32c(b), b.size()) == Crc32c(a + b).
// Lets the chunked container (formats 2 and 3) check and write its
// whole-file checksum from the per-unit checksums it computes anyway, so no
// byte is read twice. Same polynomial as snapshots/crc32c.h.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CRC32C_COMBINE_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CRC32C_COMBINE_H_

#include <cstdint>

namespace raftlog::snapshots::format2::internal {

// O(log len2) time, no tables beyond 32 words computed at compile time.
uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, uint64_t len2);

}  // namespace raftlog::snapshots::format2::internal

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CRC32C_COMBINE_H_
