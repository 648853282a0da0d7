// Durable storage of release v3, through api::FileSystem only.
//
// On-disk layout of a v3 data directory: v2's, except that the snapshot file
// may also be in format 3 (written only once the cluster version is 3) and log
// records may hold joint configurations (ENTER_JOINT, LEAVE_JOINT). v2's own
// layout is v1's, unchanged, except that the
// snapshot file may be in format 2 (written only once the cluster version is
// at least 2) and log records may hold v2's entry types (CLUSTER_VERSION,
// learner configurations), which v1 cannot use. A v2 data directory whose
// snapshot is format 1 and whose log after the snapshot holds no v2-only
// entry is a valid v1 data directory (the downgrade procedure ends there).
//   hardstate            36 bytes: "RLHS", u32 version (1), u64 term, u64 vote,
//                        u64 commit, u32 CRC32C of the 32 bytes before it.
//                        All integers little-endian. Replaced whole: written to
//                        tmp/hardstate, Synced, Renamed.
//   log/<first index>    a log segment (index zero-padded to 20 digits): a
//                        sequence of records, each
//                          u32 length, u32 CRC32C(length bytes + body), body
//                        where body is a serialized raftlog.wire.v3.Entry. The
//                        entries of a segment are contiguous, starting at the
//                        index in its name; at most kSegmentMaxEntries each.
//   snap/<last index>    a snapshot in format 1, 2 or 3 (snapshots/FORMAT.md),
//                        published by tmp/snap + Sync + Rename. Only the newest
//                        is kept.
//   tmp/*                scratch space; leftovers are deleted on Open.
//
// Durability: every mutating call returns only after the data it wrote is
// Synced (or published by Rename), so the caller may emit what depends on it.
//
// Recovery (Open): a bad record (short, checksum mismatch, unparsable) that is
// the LAST thing in the LAST segment, with no valid record anywhere after its
// start, is a torn write: it is dropped, the segment rewritten, and
// Recovered::torn_tail_truncations says so. Any other
// bad record (in the middle, or in an earlier segment), an index gap, a
// corrupt hard state or a corrupt newest snapshot is refused with kDataLoss
// naming the file and offset: that data was acknowledged and is now gone, so
// only an operator may decide what to do.
//
// Before Open touches anything (it deletes scratch files, repairs torn tails),
// CheckSpeakable reads the directory without writing and refuses data this
// binary cannot speak: a snapshot in a format it does not read
// (kUnimplemented), or a cluster version above what it speaks, in the
// snapshot or in a CLUSTER_VERSION log entry (kFailedPrecondition).
#ifndef RAFTLOG_VERSIONS_V3_STORAGE_H_
#define RAFTLOG_VERSIONS_V3_STORAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "snapshots/state.h"
#include "snapshots/storage_codec.h"
#include "versions/api/env.h"
#include "absl/strings/string_view.h"
#include "versions/v3/log.h"

namespace raftlog::v3 {

struct HardState {
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  bool operator==(const HardState& o) const {
    return term == o.term && vote == o.vote && commit == o.commit;
  }
  bool operator!=(const HardState& o) const { return !(*this == o); }
};

// What Open() found.
struct Recovered {
  bool empty = true;  // no hard state, no snapshot, no log: a fresh directory
  bool has_hard_state = false;
  HardState hard_state;
  std::optional<snapshots::SnapshotState> snapshot;  // the newest one
  uint32_t snapshot_format = 0;                       // its format (1, 2 or 3)
  // Contiguous, starting at (snapshot ? snapshot->last_index : 0) + 1.
  std::vector<Entry> entries;
  uint64_t torn_tail_truncations = 0;  // 0 or 1
  // Human-readable repairs Open made ("log/...: dropped torn record at ...").
  std::vector<std::string> repairs;
};

class Storage {
 public:
  static constexpr size_t kSegmentMaxEntries = 64;
  // The framings are snapshots/STORAGE.md's, encoded by snapshots/storage_codec.h.
  static constexpr const char* kHardStateFile = snapshots::storage::kHardStateFile;
  static constexpr size_t kRecordHeaderBytes = snapshots::storage::kRecordHeaderBytes;
  static constexpr size_t kHardStateBytes = snapshots::storage::kHardStateBytes;
  // Compressed bytes per chunk of a format-2 snapshot: the unit of chunked
  // InstallSnapshot messages.
  static constexpr uint32_t kSnapshotChunkBytes = 64 * 1024;

  // `fs` is not owned and must outlive the Storage.
  explicit Storage(api::FileSystem* fs) : fs_(fs) {}

  // Read-only: refuses a directory whose snapshot format this binary does
  // not read (kUnimplemented) or whose snapshot or log states a cluster
  // version above `max_cluster_version` (kFailedPrecondition), naming the
  // file. Damage is left to Open() to judge. Writes nothing.
  absl::Status CheckSpeakable(uint32_t max_cluster_version) const;

  // Recovers the directory (repairing a torn tail, see above). Must be called
  // once, before anything else, also on an empty directory. Recover() then
  // ApplyRepairs().
  absl::StatusOr<Recovered> Open();
  // Open without writing: reads and judges the directory and keeps the
  // repairs it would make (scratch files, older snapshots, a torn tail, an
  // empty segment, segments a snapshot covers) pending, in order. They are
  // made by ApplyRepairs(), or before the first write of any other call. A
  // caller that refuses the directory after reading it (the node's own checks
  // of the hard state against the log) leaves it exactly as it found it.
  absl::StatusOr<Recovered> Recover();
  absl::Status ApplyRepairs();

  absl::Status SaveHardState(const HardState& hs);
  // Appends and syncs. REQUIRES: entries contiguous, the first at next_index().
  absl::Status Append(const std::vector<Entry>& entries);
  // Removes the entries at `index` and after (deleting later segments last to
  // first, then rewriting the one holding `index`, so a crash in between
  // leaves a prefix). REQUIRES: snapshot_index() < index <= next_index().
  absl::Status TruncateFrom(uint64_t index);
  // Publishes `state` as the newest snapshot in `format` (1, 2 or 3), then
  // deletes older snapshot files and the log segments it covers entirely.
  absl::Status SaveSnapshot(const snapshots::SnapshotState& state, uint32_t format);
  // As SaveSnapshot, for a file already encoded (a chunked install keeps the
  // sender's bytes). REQUIRES: `bytes` decodes to a snapshot at last_index.
  absl::Status SaveSnapshotFile(uint64_t last_index, absl::string_view bytes);
  // Drops the whole log (after installing a snapshot the log disagrees with);
  // the next Append starts at `next_index`. Deletes last segment first.
  absl::Status DiscardLog(uint64_t next_index);
  // The downgrade procedure (since v3): the log segment that the snapshot
  // covers only in part keeps records at or below the snapshot index, which
  // an older release still reads (v2's Start refuses any CLUSTER_VERSION
  // record above what it speaks, wherever it is). Rewrites (atomically) every
  // such CLUSTER_VERSION record whose version is above `max_version` as a
  // NOOP entry of the same index and term, so the directory no longer needs a
  // newer reader. Nothing to do (nothing written) when there is none.
  absl::Status ScrubCoveredVersionEntries(uint32_t max_version);
  // The bytes of the newest snapshot file. kNotFound when there is none.
  absl::StatusOr<std::string> ReadSnapshot() const;

  uint64_t next_index() const { return next_index_; }
  uint64_t snapshot_index() const { return snapshot_index_; }
  size_t segment_count() const { return segments_.size(); }

  // Names and encodings, for tests that build or damage directories.
  static std::string SegmentName(uint64_t first_index);
  static std::string SnapshotName(uint64_t last_index);
  static std::string EncodeRecord(const Entry& entry);
  static std::string EncodeHardState(const HardState& hs);
  static absl::StatusOr<HardState> DecodeHardState(absl::string_view bytes);
  // Encodes a snapshot in format 1, 2 or 3 (kInvalidArgument for another).
  static absl::StatusOr<std::string> EncodeSnapshot(const snapshots::SnapshotState& state,
                                                    uint32_t format);
  // Decodes a snapshot file of a format this release reads (1, 2, 3) and says
  // which; kUnimplemented for another format.
  struct DecodedSnapshot {
    snapshots::SnapshotState state;
    uint32_t format = 0;
  };
  static absl::StatusOr<DecodedSnapshot> DecodeSnapshot(absl::string_view bytes);

 private:
  struct Segment {
    uint64_t first = 0;
    std::string path;
    std::vector<uint64_t> ends;  // ends[k]: byte offset after entry first + k
    uint64_t last() const { return first + ends.size() - 1; }
  };

  // A repair Recover() planned: rewrite `path` with `rewrite`, or delete it.
  struct Repair {
    std::string path;
    std::optional<std::string> rewrite;
  };

  // Where a scan of the log segments is, segment after segment.
  struct LogScan {
    uint64_t snap_index = 0;
    uint64_t snap_term = 0;
    uint64_t expect = 1;     // the next index the log must hold
    uint64_t last_term = 0;  // the term of the entry before it
    std::optional<uint64_t> term_at_snapshot;  // the log's term at the snapshot index
  };
  absl::StatusOr<Recovered> ReadAndPlanRepairs();
  absl::Status PlanScratchCleanup();
  absl::Status ReadHardStateInto(Recovered& r);
  absl::Status ReadNewestSnapshotInto(Recovered& r);
  absl::Status ReadSegmentInto(const std::string& path, bool last_segment, LogScan& scan,
                               Recovered& r);
  // Write tmp, Sync, Rename: `path` holds all of `data` or its old content.
  // While Recover() runs, both this and RemoveFile only plan the change.
  absl::Status WriteAtomically(const std::string& path, absl::string_view data);
  absl::Status RemoveFile(const std::string& path);
  absl::Status DeleteSegmentsCoveredBy(uint64_t index);

  api::FileSystem* fs_;
  bool deferring_ = false;
  std::vector<Repair> pending_;
  std::vector<Segment> segments_;
  uint64_t next_index_ = 1;
  uint64_t snapshot_index_ = 0;
  bool has_snapshot_ = false;
};

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_STORAGE_H_
