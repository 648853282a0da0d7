// Test helpers for snapshot format 1: sample states and byte surgery on
// encoded files. testonly.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT1_TESTING_H_
#define RAFTLOG_SNAPSHOTS_FORMAT1_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "snapshots/state.h"

namespace raftlog::snapshots::format1::testing {

// Absolute offsets of the fixed header fields in a format 1 file.
inline constexpr size_t kOffsetFormat = 8;
inline constexpr size_t kOffsetLastIndex = 12;
inline constexpr size_t kOffsetLastTerm = 20;
inline constexpr size_t kOffsetConfigIndex = 28;
inline constexpr size_t kOffsetVoterCount = 36;
inline constexpr size_t kOffsetFirstVoter = 40;

// The all-defaults state (no voters, no data, no sessions).
SnapshotState EmptyState();
// Three voters, binary keys (NULs, 0xFF), an empty value, two sessions.
SnapshotState SmallState();
// A deterministic pseudo-random state of the given size (same seed, same state).
SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions);

// Encodes or aborts: for states the test knows are encodable.
std::string MustEncode(const SnapshotState& state);

// Recomputes the trailing CRC-32C so that a deliberately altered body passes
// the checksum and reaches the parser. REQUIRES: file->size() >= 4.
void Reseal(std::string* file);

// Overwrites a little-endian integer at `offset`. REQUIRES: it fits.
void PutU32At(std::string* file, size_t offset, uint32_t v);
void PutU64At(std::string* file, size_t offset, uint64_t v);

// A small fixed set of encoded files (each sample state above, plus some
// sizes) used as test inputs and as the fuzz seed corpus.
std::vector<std::string> SampleFiles();

}  // namespace raftlog::snapshots::format1::testing

#endif  // RAFTLOG_SNAPSHOTS_FORMAT1_TESTING_H_
