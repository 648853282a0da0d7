// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected), as used by every
// checksum this project writes to disk or wire. Standard test vector:
// Crc32c("123456789") == 0xE3069283.
#ifndef RAFTLOG_SNAPSHOTS_CRC32C_H_
#define RAFTLOG_SNAPSHOTS_CRC32C_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace raftlog {

// CRC of `data` continuing from `crc` (the CRC of the preceding bytes; 0 to
// start): Crc32c(a + b) == Crc32c(b, Crc32c(a)).
uint32_t Crc32c(absl::string_view data, uint32_t crc = 0);

}  // namespace raftlog

#endif  // RAFTLOG_SNAPSHOTS_CRC32C_H_
