#include "matrix/sim/trace.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "versions/api/node.h"

namespace raftlog::sim {
namespace {

uint64_t FoldU64(uint64_t h, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  return api::Fnv1a64(absl::string_view(buf, 8), h);
}

}  // namespace

uint64_t BytesDigest(absl::string_view bytes) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0x243F6A8885A308D3ull ^ (bytes.size() * kMul);
  const char* p = bytes.data();
  size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

std::string KeyEvents(absl::string_view text, size_t tail) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  std::string out;
  size_t tail_from = lines.size() > tail ? lines.size() - tail : 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view l = lines[i];
    size_t sp = l.find(' ');
    absl::string_view kind = sp == l.npos ? l : l.substr(sp + 1);
    kind = kind.substr(0, kind.find(' '));
    bool noise = kind == "deliver" || kind == "drop" || kind == "ticks";
    if (noise && i < tail_from) continue;
    absl::StrAppend(&out, l, "\n");
  }
  return out;
}

void Trace::Add(uint64_t time_us, absl::string_view kind, absl::string_view detail) {
  ++events_;
  uint64_t h = FoldU64(digest_, time_us);
  h = api::Fnv1a64(kind, h);
  h = api::Fnv1a64(absl::string_view("\0", 1), h);
  digest_ = api::Fnv1a64(detail, h);
  if (keep_ > 0) Keep(absl::StrCat(time_us, " ", kind, " ", detail));
}

void Trace::AddDelivery(uint64_t time_us, uint64_t from, uint64_t to, uint64_t bytes_digest,
                        absl::string_view type, bool dropped) {
  ++events_;
  // The hottest event: its fields are mixed into one word first (the bytes
  // digest already covers the message, type included), then chained.
  uint64_t x = time_us * 0x9E3779B97F4A7C15ull;
  x ^= ((from << 32) ^ to ^ (dropped ? 1ull << 63 : 0)) * 0xC2B2AE3D27D4EB4Full;
  x ^= bytes_digest;
  x ^= x >> 31;
  digest_ = FoldU64(digest_, x);
  if (keep_ > 0) {
    Keep(absl::StrFormat("%d %s %d->%d %s %016x", time_us, dropped ? "drop" : "deliver", from,
                         to, std::string(type), bytes_digest));
  }
}

void Trace::AddNumbers(uint64_t time_us, absl::string_view kind, uint64_t a, uint64_t b) {
  ++events_;
  uint64_t h = FoldU64(digest_, time_us);
  h = api::Fnv1a64(kind, h);
  h = FoldU64(h, a);
  digest_ = FoldU64(h, b);
  if (keep_ > 0) Keep(absl::StrCat(time_us, " ", kind, " ", a, " ", b));
}

void Trace::Keep(std::string line) {
  lines_.push_back(std::move(line));
  if (lines_.size() > keep_) lines_.pop_front();
}

std::string Trace::Tail(size_t n) const {
  std::string out;
  size_t start = lines_.size() > n ? lines_.size() - n : 0;
  for (size_t i = start; i < lines_.size(); ++i) absl::StrAppend(&out, lines_[i], "\n");
  return out;
}

}  // namespace raftlog::sim
