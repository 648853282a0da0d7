// Protobuf wire-format bytes by hand, for bad-input tests and fuzz seeds:
// no tag's schema is needed to write a field, to find one, or to lie about
// its length. Also the seeded random source and byte mutator the tests share.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_WIRE_BYTES_H_
#define RAFTLOG_WIRE_CROSS_DECODE_WIRE_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::wire::cross_decode {

std::string Varint(uint64_t v);
// Key (number << 3 | wire type) followed by the payload.
std::string VarintField(uint64_t number, uint64_t value);
std::string BytesField(uint64_t number, absl::string_view payload);
// A length-delimited field that claims `claimed` bytes but carries `payload`.
std::string LyingBytesField(uint64_t number, uint64_t claimed, absl::string_view payload);

// One top-level field of a message, as byte offsets into it.
struct WireField {
  uint64_t number = 0;
  int wire_type = 0;
  size_t begin = 0;         // first byte of the key
  size_t length_begin = 0;  // wire type 2: first byte of the length varint
  size_t value_begin = 0;   // first byte of the value (after key, and length)
  size_t end = 0;           // one past the last byte
};

// The top-level fields of `bytes`, in order; nullopt when the bytes are not
// a sequence of well-formed fields (groups count as not well-formed).
std::optional<std::vector<WireField>> SplitFields(absl::string_view bytes);

// `bytes` with the length of its first length-delimited top-level field
// replaced by `claimed` (the payload stays as it was); nullopt if it has none.
std::optional<std::string> WithLyingLength(absl::string_view bytes, uint64_t claimed);

// splitmix64, as api::SeededRandom: identical everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Uniform(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  std::string Bytes(size_t n);

 private:
  uint64_t state_;
};

// A random sequence of 1..max_fields well-formed fields numbered 1..max_number,
// with small values more likely than large ones, and nested messages (a
// length-delimited field holding fields) up to `depth` levels: bytes a
// protobuf parser mostly accepts, so decoding reaches the checks after it.
std::string RandomMessage(Rng* rng, int max_fields, uint64_t max_number, int depth);

// One to four random edits of `input`: byte overwrite, an interesting 64-bit
// value, insertion, deletion, or a splice from one of `others` (may be
// empty), the way a fuzzer mutates.
std::string Mutate(std::string input, Rng* rng, const std::vector<std::string>& others);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_WIRE_BYTES_H_
