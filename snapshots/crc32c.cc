// Table-driven CRC-32C (slicing-by-8), with SSE4.2's CRC32 instruction where
// the CPU has it (checked at run time). All paths compute the same function:
// crc32c_test checks them against each other and against published vectors,
// and the goldens' digests pin the result on every machine they are checked
// on. The tables are built at compile time from the reflected polynomial.
#include "snapshots/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#include "snapshots/crc32c_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define RAFTLOG_CRC32C_X86 1
#endif

namespace raftlog {
namespace crc32c_internal {
namespace {

// 0x1EDC6F41 with its bits reversed (the reflected form).
constexpr uint32_t kReflectedPoly = 0x82F63B78u;

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// kTables[0] is the classic byte table; kTables[k][b] is the CRC of byte b
// followed by k zero bytes, which lets one step fold 8 bytes at once.
constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kReflectedPoly : (c >> 1);
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

inline uint32_t Byte(uint32_t c, unsigned char b) { return kTables[0][(c ^ b) & 0xFFu] ^ (c >> 8); }

// Little-endian loads (the reflected CRC consumes bytes in memory order).
inline uint32_t Load32(const char* p) {
  unsigned char b[4];
  std::memcpy(b, p, 4);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

#ifdef RAFTLOG_CRC32C_X86
__attribute__((target("sse4.2"))) uint32_t Sse42(uint32_t c, const char* p, size_t n) {
  // Byte steps up to 8-byte alignment, 8-byte steps, then the tail.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    c = _mm_crc32_u8(c, static_cast<unsigned char>(*p++));
    --n;
  }
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = _mm_crc32_u64(c64, v);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n > 0) {
    c = _mm_crc32_u8(c, static_cast<unsigned char>(*p++));
    --n;
  }
  return c;
}

bool CpuHasSse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#endif

Fn Select() {
  if (Fn hw = Hardware()) return hw;
  return &Slicing8;
}

const Fn kSelected = Select();

}  // namespace

uint32_t Bytewise(uint32_t c, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) c = Byte(c, static_cast<unsigned char>(p[i]));
  return c;
}

uint32_t Slicing8(uint32_t c, const char* p, size_t n) {
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    c = Byte(c, static_cast<unsigned char>(*p++));
    --n;
  }
  while (n >= 8) {
    const uint32_t lo = Load32(p) ^ c;
    const uint32_t hi = Load32(p + 4);
    c = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^ kTables[5][(lo >> 16) & 0xFFu] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFu] ^ kTables[2][(hi >> 8) & 0xFFu] ^
        kTables[1][(hi >> 16) & 0xFFu] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = Byte(c, static_cast<unsigned char>(*p++));
    --n;
  }
  return c;
}

Fn Hardware() {
#ifdef RAFTLOG_CRC32C_X86
  static const bool has = CpuHasSse42();
  if (has) return &Sse42;
#endif
  return nullptr;
}

Fn Selected() { return kSelected != nullptr ? kSelected : Select(); }

const char* SelectedName() { return Selected() == &Slicing8 ? "slicing-by-8" : "sse4.2"; }

}  // namespace crc32c_internal

uint32_t Crc32c(absl::string_view data, uint32_t crc) {
  // The register holds the complement of the running CRC (initial value
  // 0xFFFFFFFF, final xor 0xFFFFFFFF), which is what makes chaining through
  // the public value work: Crc32c(b, Crc32c(a)) == Crc32c(a + b).
  return ~crc32c_internal::Selected()(~crc, data.data(), data.size());
}

}  // namespace raftlog
