// The real Env of process mode (versions/api/env.h on POSIX): files under a
// data directory, a monotonic clock, a seeded random source.
//
// Durability, as env.h promises it:
//  - Write/Append go to the kernel (they survive a SIGKILL of the process,
//    not a power cut) and are durable once Sync(path) returned OK, which
//    fsyncs the file and, when the file was created since, its directory
//    (and every directory this Env created on the way).
//  - Rename and Delete fsync the directories they change before returning.
// The files keep the release's own names, so the data directory has exactly
// the release's layout (a "log/000001" file is <data_dir>/log/000001).
#ifndef RAFTLOG_VERSIONS_PROCESS_POSIX_ENV_H_
#define RAFTLOG_VERSIONS_PROCESS_POSIX_ENV_H_

#include <cstdint>
#include <set>
#include <string>

#include "versions/api/env.h"

namespace raftlog::process {

class PosixFileSystem : public api::FileSystem {
 public:
  // `root`: the data directory; created (with its parents) when absent.
  static absl::StatusOr<std::unique_ptr<PosixFileSystem>> Open(const std::string& root);

  absl::Status Write(absl::string_view path, absl::string_view data) override;
  absl::Status Append(absl::string_view path, absl::string_view data) override;
  absl::Status Sync(absl::string_view path) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Delete(absl::string_view path) override;
  absl::StatusOr<std::string> Read(absl::string_view path) override;
  absl::StatusOr<std::vector<std::string>> List(absl::string_view prefix) override;

  const std::string& root() const { return root_; }
  uint64_t fsyncs() const { return fsyncs_; }

 private:
  explicit PosixFileSystem(std::string root) : root_(std::move(root)) {}
  // <root>/<path> after checking `path` is a relative name without "..".
  absl::StatusOr<std::string> Resolve(absl::string_view path) const;
  // Creates the parent directories of `full`, remembering each new one (and
  // the directory it was created in) as needing an fsync.
  absl::Status MakeParents(const std::string& full);
  absl::Status WriteFile(absl::string_view path, absl::string_view data, bool append);
  // fsyncs every directory remembered as changed whose path is a prefix of
  // `full` (its ancestors), deepest first.
  absl::Status SyncDirsOf(const std::string& full);
  absl::Status FsyncPath(const std::string& full, bool directory);

  std::string root_;
  std::set<std::string> dirty_dirs_;  // directories whose entries changed
  uint64_t fsyncs_ = 0;
};

class MonotonicClock : public api::Clock {
 public:
  uint64_t NowMicros() override;
};

// splitmix64, as api::SeededRandom (kept here so the server does not link the
// test Env).
class Splitmix64 : public api::Random {
 public:
  explicit Splitmix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() override;

 private:
  uint64_t state_;
};

// Microseconds of CLOCK_MONOTONIC.
uint64_t MonotonicMicros();

}  // namespace raftlog::process

#endif  // RAFTLOG_VERSIONS_PROCESS_POSIX_ENV_H_
