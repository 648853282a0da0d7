// Test helpers for snapshot format 3: sample states with a joint
// configuration and metadata. Byte surgery on the container is format 2's
// (snapshots/format2/testing.h). testonly.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT3_TESTING_H_
#define RAFTLOG_SNAPSHOTS_FORMAT3_TESTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "snapshots/format3/format3.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format3::testing {

// Format 2's sample states plus a joint configuration (voters_outgoing),
// metadata with binary bytes, and cluster version 3.
SnapshotState SmallState();
SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions);
// SmallState as the downgrade procedure leaves it before the rewrite: no
// joint configuration, cluster version 2, metadata kept.
SnapshotState DowngradableState();

// Encodes with format 3 or aborts.
std::string MustEncode(const SnapshotState& state, const EncodeOptions& options = {});

// Sample format 3 files, the fuzz seeds.
std::vector<std::string> SampleFiles();

}  // namespace raftlog::snapshots::format3::testing

#endif  // RAFTLOG_SNAPSHOTS_FORMAT3_TESTING_H_
