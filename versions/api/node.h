// The harness ABI, part 2: a node as the harness drives it.
//
// Every release's adapter implements Node. A node is a pure state machine:
// inputs are Deliver(bytes from a peer), Tick() and Submit(request); after each
// input the harness drains outputs with TakeReady(). Only bytes cross between
// nodes: no C++ type here is ever serialized, so no type is shared between tags
// on the wire.
//
// Durability contract (like etcd raft's Ready): by the time an input call
// returns, the node has already synced through its Env everything that the
// returned messages and replies depend on (term, vote, log entries, snapshot).
// The harness may therefore crash the node right after TakeReady() and deliver
// its messages anyway.
//
// Status codes used across the project (one table, like Abseil's rule):
//   not the leader                     kFailedPrecondition (leader hint set)
//   overloaded / busy, retry later     kUnavailable or kResourceExhausted
//   index compacted away               kOutOfRange
//   corrupt bytes on disk or wire      kDataLoss
//   unknown format, type or version    kUnimplemented
//   malformed argument                 kInvalidArgument
// A broken internal invariant is a crash (assert), not a Status.
#ifndef RAFTLOG_VERSIONS_API_NODE_H_
#define RAFTLOG_VERSIONS_API_NODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "versions/api/env.h"

namespace raftlog::api {

using NodeId = uint64_t;  // 0 means "none"

enum class Role { kFollower, kPreCandidate, kCandidate, kLeader, kLearner };
const char* RoleName(Role role);

// A cluster configuration. Sorted, no duplicates. `voters_outgoing` is
// non-empty only in a joint configuration (releases with joint consensus).
struct Config {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  std::vector<NodeId> voters_outgoing;
  bool operator==(const Config& o) const {
    return voters == o.voters && learners == o.learners &&
           voters_outgoing == o.voters_outgoing;
  }
};
std::string ConfigString(const Config& config);  // "voters={1,2,3} learners={}"

// What a request asks for. Client operations are exactly-once per
// (client_id, sequence): a retried request with the same pair is applied at
// most once and answered with the first outcome.
enum class Op {
  kGet,      // value of key; found=false when absent
  kPut,      // key := value
  kDelete,   // remove key
  kAppend,   // key := value_of(key) + value; absent counts as ""
  kCas,      // if value_of(key) == expected (absent == "" and found=false) then
             // key := value and succeeded=true, else succeeded=false
  // Administrative operations. A release that lacks one answers kUnimplemented.
  kAddVoter,        // target: node to add as voter
  kRemoveVoter,     // target: node to remove
  kAddLearner,      // target: node to add as learner (non-voting)
  kPromoteLearner,  // target: learner to make voter
  kChangeConfig,    // new_voters: arbitrary new voter set (joint consensus)
  kFinalize,        // raise the cluster version to version (0 = highest all support)
  kDowngrade,       // lower the cluster version to version (explicit procedure)
  kCompact,         // take a snapshot now and truncate the log
};
const char* OpName(Op op);

struct Request {
  uint64_t client_id = 0;
  uint64_t sequence = 0;  // per client, starts at 1, +1 per new request
  Op op = Op::kGet;
  std::string key;
  std::string value;
  std::string expected;   // kCas only
  bool stale_read_ok = false;  // kGet: may be served without a linearizable check
  NodeId target = 0;
  std::vector<NodeId> new_voters;
  uint32_t version = 0;
};

// The answer to a Request, emitted only once its outcome is decided (applied,
// or refused before entering the log). A node that loses leadership with
// requests pending does not answer them: their outcome is unknown, the client
// times out and must treat them as indeterminate.
struct Reply {
  uint64_t client_id = 0;
  uint64_t sequence = 0;
  absl::Status status;     // see the code table above
  std::string value;       // kGet; kCas: the current value when !succeeded
  bool found = false;      // kGet
  bool succeeded = false;  // kCas
  NodeId leader_hint = 0;  // when not leader: who the node believes leads
  uint64_t hint_term = 0;  // the term that belief is from
  uint64_t index = 0;      // log index the operation was applied at (0 if none)
};

// A message for a peer. `type` is the sender's name for it (for telemetry and
// for attributing decode errors); the receiver learns only `bytes`.
struct Outbound {
  NodeId to = 0;
  std::string type;
  std::string bytes;
};

// An entry of the replicated log as the checkers see it.
struct EntryId {
  uint64_t term = 0;
  uint64_t digest = 0;  // Fnv1a64 of the entry's payload (opaque to the harness)
  bool operator==(const EntryId& o) const {
    return term == o.term && digest == o.digest;
  }
};

struct AppliedEntry {
  uint64_t index = 0;
  EntryId id;
};

// Audit events: membership changes, cluster-version changes, finalize,
// downgrade requests, authentication failures. Chained: chain =
// ChainDigest(previous chain, seq, kind, detail), so a gap or an edit is
// detectable. Sequence numbers start at 1 per node incarnation.
struct AuditEvent {
  uint64_t seq = 0;
  std::string kind;
  std::string detail;
  uint64_t chain = 0;
};
uint64_t Fnv1a64(absl::string_view data, uint64_t seed = 14695981039346656037ull);
uint64_t ChainDigest(uint64_t previous, uint64_t seq, absl::string_view kind,
                     absl::string_view detail);

// Outputs accumulated since the last TakeReady().
struct Ready {
  std::vector<Outbound> messages;
  std::vector<Reply> replies;
  std::vector<AppliedEntry> applied;  // in index order
  std::vector<AuditEvent> audit;
};

// The node's protocol state, for observability and the checkers.
struct ProtocolState {
  NodeId id = 0;
  std::string release;  // tag, e.g. "v1"
  uint64_t term = 0;
  NodeId vote = 0;
  Role role = Role::kFollower;
  NodeId leader = 0;
  uint64_t commit_index = 0;
  uint64_t applied_index = 0;
  uint64_t first_index = 1;  // first index still in the log (snapshot_index + 1)
  uint64_t last_index = 0;
  uint64_t last_term = 0;
  Config config;
  uint64_t config_index = 0;  // log index of the entry that set `config`
  uint32_t cluster_version = 1;
  uint32_t min_protocol = 1;  // protocol versions this binary speaks
  uint32_t max_protocol = 1;
  uint64_t snapshot_index = 0;
  uint64_t snapshot_term = 0;
  uint32_t snapshot_format = 0;  // format of the last snapshot written/installed
  uint64_t kv_digest = 0;        // order-independent digest of KV + sessions
};

// Well-known counter names (a release may add its own).
inline constexpr char kCounterDecodeErrors[] = "decode_errors";
inline constexpr char kCounterElections[] = "elections_started";
inline constexpr char kCounterLeaderChanges[] = "became_leader";
inline constexpr char kCounterSnapshotsSent[] = "snapshots_sent";
inline constexpr char kCounterSnapshotsInstalled[] = "snapshots_installed";
inline constexpr char kCounterCompactions[] = "compactions";
inline constexpr char kCounterOverloaded[] = "overloaded_replies";
inline constexpr char kCounterAuthFailures[] = "auth_failures";
inline constexpr char kCounterUnknownMessages[] = "unknown_message_types";

struct NodeOptions {
  NodeId id = 0;
  // Voters to bootstrap with when the data directory is empty. Empty means
  // "join": wait, as a non-member, for a leader to replicate or send a snapshot.
  std::vector<NodeId> bootstrap_voters;
  Env env;
  int election_ticks = 10;   // randomized in [election_ticks, 2*election_ticks)
  int heartbeat_ticks = 1;
  uint64_t snapshot_threshold = 1000;  // compact when the log holds this many entries
  uint64_t max_inflight_requests = 1000;  // admission control (where supported)
  bool auto_finalize = false;
  std::string cluster_key;  // shared secret for message authentication (where supported)
};

class Node {
 public:
  virtual ~Node() = default;
  // Recovers from the data directory (or bootstraps an empty one). A node
  // must not be used when Start fails; the error says why (kDataLoss for
  // corruption, kUnimplemented / kFailedPrecondition for data it cannot speak).
  virtual absl::Status Start() = 0;
  // Bytes from peer `from`. A decode failure or a message this release does not
  // know is returned (and counted), never a crash.
  virtual absl::Status Deliver(NodeId from, absl::string_view bytes) = 0;
  virtual void Tick() = 0;
  virtual void Submit(const Request& request) = 0;
  virtual Ready TakeReady() = 0;
  virtual ProtocolState State() const = 0;
  // The entry at `index`, if the log holds it (not compacted, not beyond end).
  virtual std::optional<EntryId> EntryAt(uint64_t index) const = 0;
  virtual std::map<std::string, uint64_t> Counters() const = 0;
};

// What a registered release declares about itself.
struct ReleaseInfo {
  std::string tag;
  uint32_t min_protocol = 1;
  uint32_t max_protocol = 1;
  std::vector<uint32_t> snapshot_formats_read;
  std::vector<uint32_t> snapshot_formats_written;
  std::unique_ptr<Node> (*make_node)(const NodeOptions& options) = nullptr;
};

}  // namespace raftlog::api

#endif  // RAFTLOG_VERSIONS_API_NODE_H_
