#include "matrix/sim/snapshot_file.h"

#include <string>
#include <vector>

namespace raftlog::sim {

void ReportSnapshotFile(check::CheckerSet& checkers, api::MemFileSystem& fs, uint64_t time_us,
                        api::NodeId id, absl::string_view tag, uint64_t index_before,
                        uint32_t format_before, const api::ProtocolState& after) {
  if (after.snapshot_index == 0) return;
  if (after.snapshot_index == index_before && after.snapshot_format == format_before) {
    return;
  }
  absl::StatusOr<std::vector<std::string>> names = fs.List("snap/");
  if (!names.ok() || names->empty()) return;
  const std::string& newest = names->back();
  absl::StatusOr<std::string> bytes = fs.Read(newest);
  if (!bytes.ok()) return;
  checkers.OnSnapshotFile(check::SnapshotFile{time_us, id, tag, &after, newest, *bytes});
}

}  // namespace raftlog::sim
