#include "snapshots/format1/testing.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/format1.h"

namespace raftlog::snapshots::format1::testing {
namespace {

// splitmix64: tiny, deterministic, no global state.
uint64_t Next(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string RandomBytes(uint64_t* s, size_t max_len) {
  std::string out(Next(s) % (max_len + 1), '\0');
  for (char& c : out) c = static_cast<char>(Next(s) & 0xFF);
  return out;
}

}  // namespace

SnapshotState EmptyState() { return SnapshotState(); }

SnapshotState SmallState() {
  SnapshotState s;
  s.last_index = 42;
  s.last_term = 7;
  s.voters = {1, 2, 3};
  s.config_index = 5;
  s.kv[std::string("a\0b", 3)] = "with nul";
  s.kv["key"] = "value";
  s.kv[std::string("\xff\x00", 2)] = "";
  s.kv[""] = std::string("\0\0", 2);
  Session a;
  a.client_id = 10;
  a.last_sequence = 3;
  a.last_index = 40;
  a.response = "v";
  a.found = true;
  Session b;
  b.client_id = 11;
  b.last_sequence = 1;
  b.last_index = 41;
  b.succeeded = true;
  s.sessions = {a, b};
  return s;
}

SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions) {
  uint64_t s = seed;
  SnapshotState st;
  st.last_index = Next(&s) % 1000000;
  st.last_term = Next(&s) % 1000;
  st.config_index = st.last_index / 2;
  uint64_t id = 0;
  for (int i = 0, n = 1 + static_cast<int>(Next(&s) % 7); i < n; ++i) {
    id += 1 + Next(&s) % 5;
    st.voters.push_back(id);
  }
  while (static_cast<int>(st.kv.size()) < kv_pairs) {
    st.kv[RandomBytes(&s, 24)] = RandomBytes(&s, 64);
  }
  uint64_t client = 0;
  for (int i = 0; i < sessions; ++i) {
    client += 1 + Next(&s) % 1000;
    Session x;
    x.client_id = client;
    x.last_sequence = Next(&s) % 100000;
    x.last_index = Next(&s) % (st.last_index + 1);
    x.response = RandomBytes(&s, 16);
    x.found = (Next(&s) & 1) != 0;
    x.succeeded = (Next(&s) & 1) != 0;
    st.sessions.push_back(x);
  }
  return st;
}

std::string MustEncode(const SnapshotState& state) {
  absl::StatusOr<std::string> bytes = Encode(state);
  if (!bytes.ok()) {
    std::fprintf(stderr, "MustEncode: %s\n", bytes.status().ToString().c_str());
    std::abort();
  }
  return *std::move(bytes);
}

void PutU32At(std::string* file, size_t offset, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*file)[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void PutU64At(std::string* file, size_t offset, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*file)[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void Reseal(std::string* file) {
  const size_t body_end = file->size() - 4;
  PutU32At(file, body_end, Crc32c(absl::string_view(*file).substr(0, body_end)));
}

std::vector<std::string> SampleFiles() {
  return {MustEncode(EmptyState()), MustEncode(SmallState()),
          MustEncode(GeneratedState(1, 3, 2)), MustEncode(GeneratedState(2, 20, 10))};
}

}  // namespace raftlog::snapshots::format1::testing
