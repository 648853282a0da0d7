// Hands a node's newest snapshot file to the checkers
// (check::Checker::OnSnapshotFile), for the simulator and the choice world.
#ifndef RAFTLOG_MATRIX_SIM_SNAPSHOT_FILE_H_
#define RAFTLOG_MATRIX_SIM_SNAPSHOT_FILE_H_

#include <cstdint>

#include "matrix/check/checker_set.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::sim {

// When the step changed the node's snapshot (index or format: from
// index_before and format_before to `after`'s), reads the newest file under `snap/` of `fs` (the
// layout every release shares: snapshots/STORAGE.md; names are zero-padded
// indexes, so the last in order is the newest) without going through any
// simulated fault, and calls OnSnapshotFile. Nothing when unchanged or when
// the directory holds no snapshot.
void ReportSnapshotFile(check::CheckerSet& checkers, api::MemFileSystem& fs, uint64_t time_us,
                        api::NodeId id, absl::string_view tag, uint64_t index_before,
                        uint32_t format_before, const api::ProtocolState& after);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_SNAPSHOT_FILE_H_
