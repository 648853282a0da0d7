// The chunked snapshot install fuzz target's input (install_fuzz.cc): what a
// receiver's ChunkAssembler (snapshots/format2/install.h) is fed.
//
// Layout:
//   byte 0:  flags. bits 0-1: formats the receiver reads (0: {2}, 1: {2, 3},
//            2: {3}, 3: {2, 3}); bit 2: the first message is a persisted
//            partial file to Resume from instead of a chunk; bit 3: decode
//            with a 4 KiB body cap instead of the default.
//   then messages until the input ends:
//     op       1 byte. bits 0-1: where the chunk claims to start: 0 at the
//              assembler's next_offset(), 1 at `delta` before it, 2 at
//              `delta` after it, 3 at `delta` itself; bit 2: the crc is
//              the 4 bytes after the data (as stored in a file) instead of
//              the CRC-32C of the data.
//     delta    2 bytes, little-endian
//     length   2 bytes, little-endian (clamped to what is left)
//     data     `length` bytes, then 4 crc bytes when op bit 2 is set
// EncodeInstallInput writes a real transfer in this layout (the seeds).
#ifndef RAFTLOG_SNAPSHOTS_INSTALL_FUZZ_H_
#define RAFTLOG_SNAPSHOTS_INSTALL_FUZZ_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::snapshots {

// The chunks SplitForInstall makes of `file`, every one at next_offset()
// with its stored crc, behind `flags`.
absl::StatusOr<std::string> EncodeInstallInput(absl::string_view file, uint8_t flags);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_INSTALL_FUZZ_H_
