// A node's simulated disk: an api::FileSystem over api::MemFileSystem (which
// already implements "unsynced writes are lost on crash, the last append may be
// torn"), plus the faults the simulator injects:
//  - slow fsync: every Sync costs simulated latency, accumulated and taken by
//    the driver after each step (the node's outputs leave that much later);
//  - bit flips on Read: with a probability, the returned copy of a file has
//    one bit flipped (the stored bytes are untouched, like a transient media
//    or bus error). The release's checksums must catch them; every injected
//    flip is counted so a test can compare with what the release reported.
// The data outlives node incarnations: the driver keeps one SimDisk per node
// and calls Crash() between incarnations.
#ifndef RAFTLOG_MATRIX_SIM_DISK_H_
#define RAFTLOG_MATRIX_SIM_DISK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "matrix/sim/random.h"
#include "versions/api/env.h"
#include "versions/api/mem_env.h"

namespace raftlog::sim {

struct DiskFaults {
  uint64_t sync_min_us = 50;      // fsync latency, uniform in [min, max]
  uint64_t sync_max_us = 200;
  Ppm slow_sync = 0;              // a slow fsync adds up to slow_sync_us
  uint64_t slow_sync_us = 100'000;
  Ppm read_bit_flip = 0;          // per Read() call
  bool tear_on_crash = true;      // a crash keeps a random prefix of unsynced appends
};

struct DiskStats {
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t syncs = 0;
  uint64_t slow_syncs = 0;
  uint64_t sync_latency_us = 0;   // total
  uint64_t bit_flips = 0;         // injected on Read
  uint64_t crashes = 0;
  uint64_t crashes_in_sync = 0;   // of crashes: inside an input, at a Sync
};

class SimDisk : public api::FileSystem {
 public:
  SimDisk(uint64_t seed, DiskFaults faults) : random_(seed), faults_(faults) {}

  absl::Status Write(absl::string_view path, absl::string_view data) override;
  absl::Status Append(absl::string_view path, absl::string_view data) override;
  absl::Status Sync(absl::string_view path) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Delete(absl::string_view path) override;
  absl::StatusOr<std::string> Read(absl::string_view path) override;
  absl::StatusOr<std::vector<std::string>> List(absl::string_view prefix) override;

  // Loses unsynced data; `tear` overrides faults().tear_on_crash.
  void Crash(bool tear);

  // A crash inside an input: the next Sync never completes. At that Sync the
  // disk records what a crash at that instant leaves (everything unsynced
  // lost, with `tear` a random prefix of the last append kept, the append
  // being synced included) and then lets the sync and the rest of the input
  // run on as usual, so the release never sees an impossible file system. The
  // cluster then discards everything that input produced and calls
  // FinishCrashInStep(), which puts the recorded image in place.
  void ArmCrashAtNextSync(bool tear) {
    armed_ = true;
    armed_tear_ = tear;
  }
  void Disarm() { armed_ = false; }
  bool armed() const { return armed_; }
  bool crashed_in_step() const { return crash_image_ != nullptr; }
  void FinishCrashInStep();
  // Simulated fsync latency accumulated since the last call.
  uint64_t TakeLatency() {
    uint64_t l = pending_latency_us_;
    pending_latency_us_ = 0;
    return l;
  }

  void set_faults(const DiskFaults& f) { faults_ = f; }
  const DiskFaults& faults() const { return faults_; }
  const DiskStats& stats() const { return stats_; }
  // The underlying store, for tests that inspect or corrupt files.
  api::MemFileSystem& mem() { return mem_; }

 private:
  api::MemFileSystem mem_;
  std::unique_ptr<api::MemFileSystem> crash_image_;  // set by an armed Sync
  bool armed_ = false;
  bool armed_tear_ = false;
  api::SeededRandom random_;
  DiskFaults faults_;
  DiskStats stats_;
  uint64_t pending_latency_us_ = 0;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_DISK_H_
