// Byte-at-a-time table-driven CRC-32C. The table is built at compile time
// from the reflected polynomial; no hardware instructions, so the result is
// the same on every machine the goldens are checked on.
#include "snapshots/crc32c.h"

#include <array>
#include <cstddef>

namespace raftlog {
namespace {

// 0x1EDC6F41 with its bits reversed (the reflected form).
constexpr uint32_t kReflectedPoly = 0x82F63B78u;

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) {
      c = (c & 1u) ? (c >> 1) ^ kReflectedPoly : (c >> 1);
    }
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

}  // namespace

uint32_t Crc32c(absl::string_view data, uint32_t crc) {
  // The register holds the complement of the running CRC (initial value
  // 0xFFFFFFFF, final xor 0xFFFFFFFF), which is what makes chaining through
  // the public value work: Crc32c(b, Crc32c(a)) == Crc32c(a + b).
  uint32_t c = ~crc;
  for (size_t i = 0; i < data.size(); ++i) {
    c = kTable[(c ^ static_cast<unsigned char>(data[i])) & 0xFFu] ^ (c >> 8);
  }
  return ~c;
}

}  // namespace raftlog
