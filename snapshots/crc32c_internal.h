// The CRC-32C implementations behind Crc32c(), exposed for the equivalence
// test and the benchmark only. Every one computes exactly the same function
// (crc32c.h); Crc32c() picks the fastest the CPU supports, once.
#ifndef RAFTLOG_SNAPSHOTS_CRC32C_INTERNAL_H_
#define RAFTLOG_SNAPSHOTS_CRC32C_INTERNAL_H_

#include <cstddef>
#include <cstdint>

namespace raftlog::crc32c_internal {

// Each takes and returns the inverted register (~crc), so that callers
// chain them freely; Crc32c(data, crc) == ~Fn(~crc, data, size).
using Fn = uint32_t (*)(uint32_t register_value, const char* data, size_t size);

// One table lookup per byte: the reference (the original implementation).
uint32_t Bytewise(uint32_t c, const char* data, size_t size);
// Eight tables, eight bytes per step; portable, same result on every CPU.
uint32_t Slicing8(uint32_t c, const char* data, size_t size);
// SSE4.2's CRC32 instruction (which computes exactly CRC-32C), 8 bytes per
// instruction. Null when the CPU (or the compiler's target) lacks it.
Fn Hardware();
// The implementation Crc32c() uses.
Fn Selected();
const char* SelectedName();

}  // namespace raftlog::crc32c_internal

#endif  // RAFTLOG_SNAPSHOTS_CRC32C_INTERNAL_H_
