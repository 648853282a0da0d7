// Compaction under crashes, for any release through the harness ABI.
//
// One run: a 3-node cluster of the release on the test pump, every node's
// file system wrapped in a CrashFs. A seeded workload of client operations
// (put, append, cas, delete, get; three clients with sessions; each
// operation retried with the same (client, sequence) until acknowledged)
// runs with compaction at seeded random points (a small snapshot threshold
// drawn from the seed, plus Op::kCompact sent to random nodes) and three
// episodes in which a node is cut off while the others compact, so that it
// comes back behind the leader's first index and is sent a snapshot.
//
// Crashes: a run is given a plan, a list of (node, file-system operation
// number) after which that node crashes (CrashFs), its unsynced data lost
// with tearing (MemFileSystem::Crash), and it restarts. A run also reports,
// in order, every operation where a crash of the requested kind could go:
//   kSnapshotWrite    right after a snapshot file's write, before its sync
//                     and rename (Write/Append of data with the preamble magic)
//   kSnapshotPublish  right after the snapshot is published (the Rename of a
//                     file holding one), before old snapshots and covered log
//                     segments are deleted
//   kInstall          any write, sync, rename or delete a node makes while
//                     handling a message that carries a snapshot or a chunk
//                     of one (the snapshot magic in its bytes, or a body
//                     field of the tag's envelope naming a snapshot that is
//                     not a response): a lagging follower installing it
//   kAnyOp            any write, sync, rename or delete
// RunCampaign builds the plan one crash at a time: the run is deterministic,
// so a run with crashes c1..ci is the same as the run with c1..c(i-1) up to
// ci, which is picked (seeded) among the candidates that run reported after
// c(i-1). That is how a crash lands "during" a save or an install without a
// hook in release code.
//
// Checks (RunResult::failures; empty means the run passed):
//  - every node restarts after every crash (Start OK);
//  - every acknowledged operation agrees with the sequential model of all
//    acknowledged operations (gets and cas outcomes during the run, and a
//    read of every key at the end): no acknowledged write is lost;
//  - no two operations claim the same log index, and the pump saw no two
//    entries applied at one index (state machine safety);
//  - at the end, healed and converged, every replica has the same kv_digest;
//    each, restarted alone (snapshot + remaining log replayed), has the same
//    applied index and kv_digest as before;
//  - that digest equals the one of a fault-free reference node of the same
//    release fed the same committed commands at the same log indices
//    (reference.h).
#ifndef RAFTLOG_MATRIX_COMPACTION_FAULT_RUN_H_
#define RAFTLOG_MATRIX_COMPACTION_FAULT_RUN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "matrix/compaction/crash_fs.h"
#include "versions/api/node.h"

namespace raftlog::compaction {

enum class CrashKind { kSnapshotWrite, kSnapshotPublish, kInstall, kAnyOp };
const char* CrashKindName(CrashKind kind);

struct PlannedCrash {
  api::NodeId node = 0;
  uint64_t op_seq = 0;  // CrashFs operation number on that node
  std::string what;     // the operation as the run that chose it described it
};

struct RunOptions {
  uint64_t seed = 1;
  CrashKind kind = CrashKind::kAnyOp;
  std::vector<PlannedCrash> crashes;  // in firing order
  int operations = 80;
  // Finalize first: raise the cluster version to the release's highest
  // protocol, so it writes and installs its newest snapshot format.
  bool raise_cluster_version = false;
  // A planned crash takes every node down at once (power loss), not one.
  bool whole_cluster = false;
  // Canary for the checks themselves: a disk that answers Sync without
  // syncing, so a crash loses what the release was told is durable.
  bool lying_sync = false;
};

// An operation where a crash of the run's kind could go.
struct CrashCandidate {
  PlannedCrash crash;
  uint64_t position = 0;  // global order of file-system operations in the run
};

struct FiredCrash {
  api::NodeId node = 0;
  FsOpRecord op;
  uint64_t position = 0;
  std::string context;  // what the node was doing ("deliver from 1 carrying a snapshot")
};

struct AckedOp {
  api::Request request;
  api::Reply reply;
  // False for a Get served without a log entry (ReadIndex: v3 and later at
  // cluster version 3, versions/v3/RELEASE.md "Reads"): its reply index is
  // the leader's applied index, which an entry of its own may also claim.
  bool logged = true;
};

struct RunResult {
  std::vector<CrashCandidate> candidates;
  std::vector<FiredCrash> fired;
  std::vector<AckedOp> acked;
  std::map<std::string, std::string> model;  // the acknowledged writes, applied in order
  std::vector<std::string> failures;
  std::vector<std::string> events;
  uint64_t final_applied = 0;
  uint64_t final_kv_digest = 0;
  uint64_t reference_kv_digest = 0;
  // Seen through CrashFs, whatever the crash kind.
  uint64_t snapshot_writes = 0;
  uint64_t snapshot_publishes = 0;
  uint64_t install_deliveries = 0;  // messages carrying a snapshot delivered
  uint32_t cluster_version = 0;     // the leader's at the end
};

RunResult RunWithCrashes(const api::ReleaseInfo& release, const RunOptions& options);

// Plans up to `crashes` crashes of `kind` one at a time (see above) and
// returns the run with all of them. A planned crash that does not fire where
// it was seen (a non-deterministic run) is a failure.
RunResult RunCampaign(const api::ReleaseInfo& release, const RunOptions& base, int crashes);

// The run's failures, crash points and last events, for a test failure.
std::string Report(const RunResult& result, size_t last_events = 40);

}  // namespace raftlog::compaction

#endif  // RAFTLOG_MATRIX_COMPACTION_FAULT_RUN_H_
