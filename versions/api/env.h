// The harness ABI, part 1: everything a release may touch outside itself.
//
// A release does no I/O of its own. Files, time and randomness reach it only
// through an Env the harness supplies (like LevelDB's Env). The simulator's Env
// loses unsynced data on crash and may tear the last write; the process mode's
// Env is the real POSIX one. This header is stable across releases: it changes
// only together with every adapter.
//
// Durability model (what a release may rely on, and nothing more):
//  - Append() and Write() contents are volatile until Sync(path) returns OK.
//  - A crash reverts every file to its content at its last successful Sync;
//    a file never synced disappears. The unsynced tail of the last write may
//    survive in part (a torn write): recovery must cope with any prefix.
//  - Rename() and Delete() are atomic and durable when they return OK (the
//    POSIX Env fsyncs the directory). So "write tmp, Sync, Rename" publishes a
//    whole file or nothing.
//  - Read() returns the current (possibly unsynced) content.
#ifndef RAFTLOG_VERSIONS_API_ENV_H_
#define RAFTLOG_VERSIONS_API_ENV_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace raftlog::api {

// A flat namespace of files, private to one node (its data directory). Names
// are relative, use '/' as separator, and never contain "..". Directories are
// implicit: a file "log/000001" exists without creating "log".
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Replaces the whole content of `path` (creating it). Volatile until Sync.
  virtual absl::Status Write(absl::string_view path, absl::string_view data) = 0;
  // Appends to `path` (creating it). Volatile until Sync.
  virtual absl::Status Append(absl::string_view path, absl::string_view data) = 0;
  // Makes the current content of `path` durable. NotFound if it does not exist.
  virtual absl::Status Sync(absl::string_view path) = 0;
  // Atomically replaces `to` with `from`; durable on return.
  virtual absl::Status Rename(absl::string_view from, absl::string_view to) = 0;
  // Removes `path`; durable on return. NotFound if it does not exist.
  virtual absl::Status Delete(absl::string_view path) = 0;
  // Current content. NotFound if it does not exist; DataLoss if the medium
  // returns bad bytes it can detect (callers must still checksum).
  virtual absl::StatusOr<std::string> Read(absl::string_view path) = 0;
  // Names of all files whose name starts with `prefix`, sorted ascending.
  virtual absl::StatusOr<std::vector<std::string>> List(absl::string_view prefix) = 0;
};

// Monotonic time. Releases use ticks for protocol timing; the clock is for
// latency accounting and leases, never for ordering decisions across nodes.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMicros() = 0;
};

// A seeded random source. Releases draw every random choice (election timeout
// jitter, ...) from here so that one seed gives one trace.
class Random {
 public:
  virtual ~Random() = default;
  // Uniform over [0, 2^64).
  virtual uint64_t Next() = 0;
  // Uniform over [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n) { return Next() % n; }
};

// Everything outside a node. Not owned by the node; outlives it.
struct Env {
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  Random* random = nullptr;
};

}  // namespace raftlog::api

#endif  // RAFTLOG_VERSIONS_API_ENV_H_
