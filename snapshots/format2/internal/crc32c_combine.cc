// Polynomial arithmetic modulo the CRC-32C polynomial in the reflected bit
// order, after zlib's crc32_combine (multmodp / x2nmodp): appending len2
// bytes multiplies the first CRC by x^(8*len2) mod P, and the conditioning
// (initial value and final xor) cancels out, so
//   crc(a + b) = crc(a) * x^(8*|b|) mod P  xor  crc(b).
#include "snapshots/format2/internal/crc32c_combine.h"

#include <array>

namespace raftlog::snapshots::format2::internal {
namespace {

constexpr uint32_t kReflectedPoly = 0x82F63B78u;  // 0x1EDC6F41 reflected

// a * b mod P, both in reflected order (bit 31 holds x^0).
constexpr uint32_t MulModP(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31;
  uint32_t p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ kReflectedPoly : b >> 1;
  }
  return p;
}

// kX2n[k] = x^(2^k) mod P.
constexpr std::array<uint32_t, 32> MakeX2nTable() {
  std::array<uint32_t, 32> t{};
  uint32_t p = 1u << 30;  // x^1
  t[0] = p;
  for (int k = 1; k < 32; ++k) t[k] = p = MulModP(p, p);
  return t;
}

constexpr std::array<uint32_t, 32> kX2n = MakeX2nTable();

// x^(n * 2^k) mod P.
uint32_t X2nModP(uint64_t n, unsigned k) {
  uint32_t p = 1u << 31;  // x^0
  while (n != 0) {
    if (n & 1) p = MulModP(kX2n[k & 31], p);
    n >>= 1;
    ++k;
  }
  return p;
}

}  // namespace

uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  return MulModP(X2nModP(len2, 3), crc1) ^ crc2;
}

}  // namespace raftlog::snapshots::format2::internal
