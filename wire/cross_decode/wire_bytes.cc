#include "wire/cross_decode/wire_bytes.h"

#include <algorithm>
#include <utility>

namespace raftlog::wire::cross_decode {
namespace {

// Reads a varint at *pos; false when it runs off the end or past 10 bytes.
bool ReadVarint(absl::string_view bytes, size_t* pos, uint64_t* value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= bytes.size()) return false;
    const uint8_t b = static_cast<uint8_t>(bytes[(*pos)++]);
    if (shift == 63 && b > 1) return false;
    v |= uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) {
      *value = v;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

std::string VarintField(uint64_t number, uint64_t value) {
  return Varint(number << 3) + Varint(value);
}

std::string BytesField(uint64_t number, absl::string_view payload) {
  return LyingBytesField(number, payload.size(), payload);
}

std::string LyingBytesField(uint64_t number, uint64_t claimed, absl::string_view payload) {
  std::string out = Varint((number << 3) | 2) + Varint(claimed);
  out.append(payload.data(), payload.size());
  return out;
}

std::optional<std::vector<WireField>> SplitFields(absl::string_view bytes) {
  std::vector<WireField> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    WireField f;
    f.begin = pos;
    uint64_t key = 0;
    if (!ReadVarint(bytes, &pos, &key)) return std::nullopt;
    f.number = key >> 3;
    f.wire_type = static_cast<int>(key & 7);
    if (f.number == 0) return std::nullopt;
    uint64_t v = 0;
    switch (f.wire_type) {
      case 0:
        f.value_begin = pos;
        if (!ReadVarint(bytes, &pos, &v)) return std::nullopt;
        break;
      case 1:
        f.value_begin = pos;
        if (bytes.size() - pos < 8) return std::nullopt;
        pos += 8;
        break;
      case 5:
        f.value_begin = pos;
        if (bytes.size() - pos < 4) return std::nullopt;
        pos += 4;
        break;
      case 2:
        f.length_begin = pos;
        if (!ReadVarint(bytes, &pos, &v)) return std::nullopt;
        f.value_begin = pos;
        if (v > bytes.size() - pos) return std::nullopt;
        pos += static_cast<size_t>(v);
        break;
      default:
        return std::nullopt;
    }
    f.end = pos;
    out.push_back(f);
  }
  return out;
}

std::optional<std::string> WithLyingLength(absl::string_view bytes, uint64_t claimed) {
  std::optional<std::vector<WireField>> fields = SplitFields(bytes);
  if (!fields.has_value()) return std::nullopt;
  for (const WireField& f : *fields) {
    if (f.wire_type != 2) continue;
    std::string out(bytes.substr(0, f.length_begin));
    out += Varint(claimed);
    out.append(bytes.data() + f.value_begin, bytes.size() - f.value_begin);
    return out;
  }
  return std::nullopt;
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Rng::Bytes(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = Next();
    for (size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<char>(v >> (8 * k));
  }
  return out;
}

std::string RandomMessage(Rng* rng, int max_fields, uint64_t max_number, int depth) {
  std::string out;
  const int n = 1 + static_cast<int>(rng->Uniform(static_cast<uint64_t>(max_fields)));
  for (int i = 0; i < n; ++i) {
    const uint64_t number = 1 + rng->Uniform(max_number);
    switch (rng->Uniform(depth > 0 ? 5 : 4)) {
      case 0:  // small varint: the values a validator compares
        out += VarintField(number, rng->Uniform(8));
        break;
      case 1:  // any varint
        out += VarintField(number, rng->Next() >> rng->Uniform(64));
        break;
      case 2:
        out += BytesField(number, rng->Bytes(rng->Uniform(16)));
        break;
      case 3:  // fixed64 / fixed32
        if (rng->Uniform(2) == 0) {
          out += Varint((number << 3) | 1) + rng->Bytes(8);
        } else {
          out += Varint((number << 3) | 5) + rng->Bytes(4);
        }
        break;
      default:
        out += BytesField(number, RandomMessage(rng, max_fields, max_number, depth - 1));
        break;
    }
  }
  return out;
}

std::string Mutate(std::string input, Rng* rng, const std::vector<std::string>& others) {
  const int edits = 1 + static_cast<int>(rng->Uniform(4));
  for (int e = 0; e < edits; ++e) {
    if (input.empty()) {
      input = rng->Bytes(1 + rng->Uniform(8));
      continue;
    }
    const size_t at = rng->Uniform(input.size());
    switch (rng->Uniform(5)) {
      case 0:
        input[at] = static_cast<char>(rng->Next());
        break;
      case 1: {  // an interesting value, as a fuzzer would try
        static constexpr uint64_t kValues[] = {0,
                                               1,
                                               0x7F,
                                               0x80,
                                               0xFFFFFFFFull,
                                               0x4000000,  // 64 MiB
                                               ~uint64_t{0},
                                               uint64_t{1} << 63};
        const std::string v = Varint(kValues[rng->Uniform(8)]);
        input.replace(at, std::min(v.size(), input.size() - at), v);
        break;
      }
      case 2:
        input.insert(at, rng->Bytes(1 + rng->Uniform(8)));
        break;
      case 3:
        input.erase(at, 1 + rng->Uniform(8));
        break;
      default: {
        if (others.empty()) break;
        const std::string& other = others[rng->Uniform(others.size())];
        if (other.empty()) break;
        const size_t from = rng->Uniform(other.size());
        input.replace(at, rng->Uniform(16), other.substr(from, rng->Uniform(32)));
        break;
      }
    }
  }
  return input;
}

}  // namespace raftlog::wire::cross_decode
