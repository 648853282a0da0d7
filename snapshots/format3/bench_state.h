// A large, deterministic, realistic state for the benchmark and the memory
// test: zero-padded keys ("user/00001234/profile") and text-like values
// drawn from a fixed vocabulary (zstd level 3 compresses them about 3:1),
// a session table, and everything format 3 adds. testonly.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT3_BENCH_STATE_H_
#define RAFTLOG_SNAPSHOTS_FORMAT3_BENCH_STATE_H_

#include <cstdint>

#include "snapshots/state.h"

namespace raftlog::snapshots::format3::testing {

// A state whose serialized body is about `body_bytes` (within one value),
// with values of value_bytes_mean bytes on average (uniform in [m/2, 3m/2)).
SnapshotState BenchState(uint64_t body_bytes, uint32_t value_bytes_mean, uint64_t seed);

}  // namespace raftlog::snapshots::format3::testing

#endif  // RAFTLOG_SNAPSHOTS_FORMAT3_BENCH_STATE_H_
