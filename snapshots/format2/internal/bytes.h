// Little-endian integers and a bounds-checked reader for the chunked
// container (formats 2 and 3). Internal: include only from snapshots/.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BYTES_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/constants.h"

namespace raftlog::snapshots::format2::internal {

#define F2_RETURN_IF_ERROR(expr)  \
  do {                            \
    absl::Status _st = (expr);    \
    if (!_st.ok()) return _st;    \
  } while (0)

inline void StoreU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFFu);
}
inline void StoreU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFFu);
}
inline void PutU32(uint32_t v, std::string* out) {
  char b[4];
  StoreU32(b, v);
  out->append(b, 4);
}
inline void PutU64(uint64_t v, std::string* out) {
  char b[8];
  StoreU64(b, v);
  out->append(b, 8);
}
inline uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 |
         static_cast<uint32_t>(u[2]) << 16 | static_cast<uint32_t>(u[3]) << 24;
}
inline uint64_t LoadU64(const char* p) {
  return static_cast<uint64_t>(LoadU32(p)) | static_cast<uint64_t>(LoadU32(p + 4)) << 32;
}

// Unit checksums (head_crc, chunk_crc) are stored masked, as LevelDB stores
// the CRCs it embeds in data: the trailer's CRC-32C covers them, and a CRC
// stored right after the bytes it covers makes any CRC over both a constant
// (the CRC residue), so unmasked unit checksums would leave the whole-file
// checksum depending on the unit lengths only. FORMAT.md, "Checksums".
inline uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
inline uint32_t UnmaskCrc(uint32_t masked) {
  const uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Bounds-checked little-endian reader over part of a file. `base` is the
// file offset of data[0], so messages name absolute offsets (as a hex dump
// shows them). Every error is kDataLoss.
class Reader {
 public:
  Reader(absl::string_view data, size_t base) : data_(data), base_(base) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t offset() const { return base_ + pos_; }
  // True once a read asked for more bytes than remain (a truncation, or a
  // corrupt length).
  bool ran_out() const { return ran_out_; }

  absl::Status U32(uint32_t* v, absl::string_view what) {
    absl::string_view b;
    F2_RETURN_IF_ERROR(Bytes(4, &b, what));
    *v = LoadU32(b.data());
    return absl::OkStatus();
  }
  absl::Status U64(uint64_t* v, absl::string_view what) {
    absl::string_view b;
    F2_RETURN_IF_ERROR(Bytes(8, &b, what));
    *v = LoadU64(b.data());
    return absl::OkStatus();
  }
  absl::Status Bytes(uint64_t n, absl::string_view* v, absl::string_view what) {
    if (n > remaining()) {
      ran_out_ = true;
      return absl::DataLossError(absl::StrCat("truncated: ", what, " at offset ", offset(),
                                              " needs ", n, " bytes but ", remaining(),
                                              " remain"));
    }
    *v = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return absl::OkStatus();
  }
  // Refuses a declared element count the remaining bytes cannot hold at
  // `min_bytes` per element. Run before any reserve() or loop.
  absl::Status CheckCount(uint64_t count, size_t min_bytes, absl::string_view what) {
    if (count > remaining() / min_bytes) {
      ran_out_ = true;
      return absl::DataLossError(absl::StrCat("declared ", what, " count ", count,
                                              " at offset ", offset(), " needs at least ",
                                              min_bytes, " bytes each but only ", remaining(),
                                              " bytes remain"));
    }
    return absl::OkStatus();
  }

 private:
  absl::string_view data_;
  size_t base_;
  size_t pos_ = 0;
  bool ran_out_ = false;
};

}  // namespace raftlog::snapshots::format2::internal

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_BYTES_H_
