// The process-mode smoke scenario (README.md, "Process mode"): a 3-node
// cluster of real node servers rolled v1 -> v2 -> v3 on the same data
// directories under client load, with a kill -9 of the leader in the middle,
// a finalize after each hop, a v1 node refused by the finalized cluster, a
// compaction and a snapshot install, a node added as a learner, promoted and
// removed through the admin endpoint, then the
// checks: linearizability of the recorded history (matrix/lin), durability
// (every acknowledged append is read back, after the kill -9 and at the end),
// and the invariants of the sampled admin states.
#ifndef RAFTLOG_MATRIX_PROCESS_SMOKE_H_
#define RAFTLOG_MATRIX_PROCESS_SMOKE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace raftlog::process {

enum class SmokeScript {
  kRollingUpgrade,  // v1 -> v2 -> v3 as described above
  // Three v3 nodes behind the frame-level fault proxy (fault_proxy.h): the
  // leader cut off in a minority while the majority elects another, healed,
  // then every link dropping a fifth of its frames and delaying the rest.
  kPartition,
};

struct SmokeOptions {
  SmokeScript script = SmokeScript::kRollingUpgrade;
  std::string base_dir;
  std::map<std::string, std::string> binaries;  // "v1", "v2", "v3" -> node binary
  uint64_t seed = 1;
  int load_ms_per_phase = 700;  // load between two steps of the upgrade
};

struct SmokeReport {
  // Empty when every step ran and every check held; else one line each.
  std::vector<std::string> failures;
  std::vector<std::string> steps;  // what happened, for the log
  double wall_seconds = 0;
  uint64_t ops = 0, ok = 0, info = 0, acked_writes = 0;
  double ops_per_second = 0;  // completed operations (ok) per second of load
  uint64_t lin_ops_checked = 0;
  std::string lin_verdict;
  uint64_t durable_checked = 0;  // acknowledged appends read back, summed over the checks
  uint64_t samples = 0;
  uint64_t max_term = 0;
  bool killed_leader = false;
  bool compacted = false;
  bool snapshot_installed = false;
  bool stale_peer_refused = false;
  bool membership_changed = false;
  bool partitioned = false;  // kPartition: a new leader was elected without the old one
  uint64_t frames_dropped = 0, frames_delayed = 0;
  std::vector<std::string> node_logs;  // paths, for a failing run
};

SmokeReport RunSmoke(const SmokeOptions& options);

// One line per figure, for the test log.
std::string FormatReport(const SmokeReport& report);

}  // namespace raftlog::process

#endif  // RAFTLOG_MATRIX_PROCESS_SMOKE_H_
