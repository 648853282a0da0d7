// Snapshot files: every snapshot a node holds decodes in full with the
// format's codec (snapshots/FORMAT.md), covers what its name says, and, in
// format 3, carries the metadata the format promises readers and operators:
//  - `writer`: a release tag, not empty;
//  - `created_at_index`: the decimal last index the state includes;
//  - `cluster_version_history`, when present (the head release writes it:
//    versions/v3/RELEASE.md): `index:version[:downgrade]`, comma-separated,
//    oldest first (from `0:1`, or from the index and version of a snapshot
//    without a history the node was installed from), indexes never
//    decreasing, versions in 1..255, the last version the snapshot's own
//    cluster version.
// The metadata is informational (no reader needs it to rebuild the state),
// which is exactly why nothing else would notice it going wrong.
//
// Observations: OnSnapshotFile (checker.h). Judged once per (node, file).
#ifndef RAFTLOG_MATRIX_CHECK_SNAPSHOT_METADATA_H_
#define RAFTLOG_MATRIX_CHECK_SNAPSHOT_METADATA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "matrix/check/checker.h"
#include "snapshots/state.h"

namespace raftlog::check {

class SnapshotMetadata : public Checker {
 public:
  static constexpr int kMaxReports = 8;
  static constexpr char kHistoryKey[] = "cluster_version_history";

  SnapshotMetadata() : Checker("snapshot_metadata") {}
  void OnSnapshotFile(const SnapshotFile& file) override;
  uint64_t files_judged() const { return files_judged_; }

  // OK, or what is wrong with a cluster-version history ending at
  // `cluster_version`.
  static absl::Status CheckHistory(absl::string_view history, uint32_t cluster_version);

 private:
  // OK, or what is wrong with `st`'s format-3 metadata.
  static absl::Status CheckFormat3(const snapshots::SnapshotState& st);

  uint64_t files_judged_ = 0;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_SNAPSHOT_METADATA_H_
