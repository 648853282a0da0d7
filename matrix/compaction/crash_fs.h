// A FileSystem for crash tests: it forwards to a MemFileSystem, numbers and
// describes every operation, and can "crash" right after a chosen one.
//
// A crash cannot interrupt a release in the middle of an input (there are no
// exceptions and no threads), so CrashFs does what a dead process amounts to:
// after the chosen operation has taken effect, every later call fails with
// kUnavailable and changes nothing, so nothing more reaches the disk (the
// release stops on the storage error and sends nothing that depends on it).
// The test then calls MemFileSystem::Crash (losing everything unsynced,
// possibly tearing the last append), restarts the node on the same files and
// calls Revive(). No release code changes.
//
// Each operation is reported to an optional observer, with whether it
// touches a snapshot: a Write/Append whose data begins with the snapshot
// preamble magic (snapshots/preamble.h, shared by every format), or a Rename
// whose source holds such a file (the snapshot being published). This is
// how tests find "after the snapshot write, before its sync and rename" and
// "after the save, before the log is truncated" without knowing any
// release's file names.
#ifndef RAFTLOG_MATRIX_COMPACTION_CRASH_FS_H_
#define RAFTLOG_MATRIX_COMPACTION_CRASH_FS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/env.h"

namespace raftlog::compaction {

enum class FsOp { kWrite, kAppend, kSync, kRename, kDelete, kRead, kList };
const char* FsOpName(FsOp op);

struct FsOpRecord {
  uint64_t seq = 0;  // 1, 2, ... per CrashFs, over its whole life (restarts included)
  FsOp op = FsOp::kRead;
  std::string path;
  std::string to;           // kRename: the destination
  size_t bytes = 0;         // kWrite / kAppend: data size
  bool snapshot_data = false;      // kWrite / kAppend of data starting with the magic
  bool publishes_snapshot = false; // kRename of a file starting with the magic
  bool ok = true;                  // what the underlying file system answered
  bool mutating() const { return op != FsOp::kRead && op != FsOp::kList; }
  std::string Describe() const;
};

class CrashFs : public api::FileSystem {
 public:
  // `base` is not owned and must outlive this object.
  explicit CrashFs(api::FileSystem* base) : base_(base) {}

  absl::Status Write(absl::string_view path, absl::string_view data) override;
  absl::Status Append(absl::string_view path, absl::string_view data) override;
  absl::Status Sync(absl::string_view path) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Delete(absl::string_view path) override;
  absl::StatusOr<std::string> Read(absl::string_view path) override;
  absl::StatusOr<std::vector<std::string>> List(absl::string_view prefix) override;

  // Crash right after operation number `seq` completes (0: never).
  void CrashAfter(uint64_t seq) { crash_after_ = seq; }
  // True once the chosen operation happened: every call fails until Revive().
  bool crashed() const { return crashed_; }
  // The operation the crash came after.
  const FsOpRecord& crash_point() const { return crash_point_; }
  // Accept operations again (after the test crashed the base and restarted).
  void Revive();

  // Canary mode: Sync answers OK without making anything durable (a disk
  // that lies), so that tests can prove their checks catch lost data.
  void SetLyingSync(bool lying) { lying_sync_ = lying; }

  // Operations so far (refused ones after a crash are not numbered).
  uint64_t ops() const { return seq_; }
  // Called after every numbered operation.
  void SetObserver(std::function<void(const FsOpRecord&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  absl::Status Dead() const;
  // Numbers `r`, reports it, and crashes when it is the chosen one.
  void Done(FsOpRecord r);

  api::FileSystem* base_;
  uint64_t seq_ = 0;
  uint64_t crash_after_ = 0;
  bool crashed_ = false;
  bool lying_sync_ = false;
  FsOpRecord crash_point_;
  std::function<void(const FsOpRecord&)> observer_;
};

// True when `bytes` begins with the snapshot preamble magic.
bool StartsWithSnapshotMagic(absl::string_view bytes);
// True when the snapshot magic occurs anywhere in `bytes` (a message carrying
// a snapshot or a chunk of its beginning).
bool ContainsSnapshotMagic(absl::string_view bytes);

}  // namespace raftlog::compaction

#endif  // RAFTLOG_MATRIX_COMPACTION_CRASH_FS_H_
