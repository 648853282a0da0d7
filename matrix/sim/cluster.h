// The cluster driver: n simulated nodes, each running any registered release
// (api::ReleaseInfo::make_node) on its own SimDisk, SimClock and random stream,
// connected by one Network. Simulated time only; the driver owns the clock.
//
// Lifecycle of a node: Start (fresh, or on its own data: a restart with
// another tag is an upgrade or downgrade step), Stop (graceful: the process
// ends, the page cache survives), Crash (unsynced data lost, last append
// optionally torn). A Start() refusal is a clean refusal event with its Status;
// the node stays down.
//
// After every input a node handles (Start, Deliver, Tick, Submit) the driver
// drains its Ready: messages go to the network (delayed by the fsync latency
// the step accumulated), replies to the reply sink (with the node's entry at
// the reply's index, for the durability checker), applied entries and the new
// protocol state to the checkers. Deliver's error Status is counted per
// (sender tag, receiver tag, message type), the type being the sender's
// Outbound::type.
//
// Every loop is bounded: tick batches by max_tick_batch, the Ready of one step
// is finite by construction.
#ifndef RAFTLOG_MATRIX_SIM_CLUSTER_H_
#define RAFTLOG_MATRIX_SIM_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "matrix/check/checker_set.h"
#include "matrix/sim/clock.h"
#include "matrix/sim/disk.h"
#include "matrix/sim/network.h"
#include "matrix/sim/trace.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::sim {

using FindReleaseFn = std::function<const api::ReleaseInfo*(absl::string_view tag)>;

struct ClusterOptions {
  std::vector<std::string> tags;  // node i+1 starts with tags[i]; all bootstrap together
  int election_ticks = 10;
  int heartbeat_ticks = 1;
  uint64_t tick_interval_us = 10'000;
  uint64_t snapshot_threshold = 1000;
  uint64_t max_inflight_requests = 1000;
  bool auto_finalize = false;
  std::string cluster_key = "sim-cluster-key";
  NetworkOptions network;
  DiskFaults disk;
  int64_t max_drift_ppm = 0;      // each node's drift is drawn in [-max, +max]
  uint64_t max_tick_batch = 64;
  FindReleaseFn find_release;     // REQUIRED
};

enum class NodeStatus { kAbsent, kUp, kStopped, kCrashed, kRefused };
const char* NodeStatusName(NodeStatus s);

struct Refusal {
  uint64_t time_us = 0;
  api::NodeId node = 0;
  std::string tag;
  absl::Status status;
};

struct AdminReply {
  uint64_t time_us = 0;
  api::NodeId node = 0;
  api::Request request;
  api::Reply reply;
};

// (sender tag, receiver tag, message type)
using DecodeErrorKey = std::tuple<std::string, std::string, std::string>;

struct ClusterStats {
  uint64_t steps = 0;             // inputs handled
  uint64_t delivered = 0;         // messages handed to Deliver
  uint64_t dropped_down = 0;      // receiver down or unknown on arrival
  uint64_t ticks = 0;
  uint64_t submits = 0;
  uint64_t submits_lost = 0;      // request arrived at a down node
  uint64_t starts = 0, stops = 0, crashes = 0, refusals = 0, upgrades = 0;
  uint64_t crashes_in_sync = 0;   // of crashes: inside an input (CrashAtNextSync)
  uint64_t leader_changes = 0;    // a node observed becoming leader
  // Deliver answered kUnauthenticated: a message without a valid MAC
  // (releases that authenticate, e.g. v3 at cluster version 3). Not a decode
  // error: the nodes count it (api::kCounterAuthFailures), and a message sent
  // unsealed just before the switch and delivered late is dropped like a
  // lost one. A key mismatch shows up as auth failures and a stall.
  uint64_t auth_dropped = 0;
};

struct HeldInput;  // an input kept for a paused node (cluster.cc)

class Cluster {
 public:
  using ReplyFn = std::function<void(uint64_t time_us, api::NodeId from, const api::Reply& reply,
                                     std::optional<api::EntryId> entry)>;
  static constexpr uint64_t kAdminClient = 1ull << 40;

  // `trace` must outlive the cluster; `checkers` may be null.
  Cluster(uint64_t seed, ClusterOptions options, Trace* trace, check::CheckerSet* checkers);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  void set_reply_fn(ReplyFn fn) { reply_fn_ = std::move(fn); }
  // Called for every reply to an administrative request.
  void set_admin_fn(std::function<void(const AdminReply&)> fn) { admin_fn_ = std::move(fn); }

  uint64_t now() const { return now_us_; }
  // REQUIRES: t >= now().
  void AdvanceTo(uint64_t t);

  // Starts nodes 1..n with their tags. Refusals are recorded, not fatal.
  void StartAll();
  // (Re)starts `id` with `tag` on its own data; a new id joins empty (no
  // bootstrap voters). InvalidArgument for an unknown tag or a running node;
  // otherwise the release's Start() status (a refusal is recorded).
  absl::Status Start(api::NodeId id, absl::string_view tag);
  void Stop(api::NodeId id);
  void Crash(api::NodeId id, bool tear);
  // A crash inside an input: the node dies at its next Sync, before that sync
  // completes, so what the input wrote and did not yet sync is lost (with
  // `tear`, a random prefix of the last append survives) and nothing the
  // input produced leaves the node. Until that Sync comes the node runs on;
  // a restart scheduled for it (FireArmedCrash) or a stop or crash ends the
  // wait. This is the only crash that can find an unsynced append: every
  // release syncs before an input returns.
  void CrashAtNextSync(api::NodeId id, bool tear);
  bool crash_armed(api::NodeId id) const;
  // An armed crash that met no sync happens now (between inputs).
  void FireArmedCrash(api::NodeId id);
  // Hands `r` to node `id` now. False (and counted) when the node is not up.
  bool Submit(api::NodeId id, const api::Request& r);
  // Submits an administrative request (as client kAdminClient) to node `to`,
  // or to the current leader when `to` is 0. False when that node is not up.
  bool SubmitAdmin(api::Request r, api::NodeId to = 0);

  // Earliest pending tick or delivery, UINT64_MAX if none.
  uint64_t NextTime() const;
  // Handles one tick batch or delivery due at now(). False if none is due.
  bool StepOne();

  // The up node that is leader with the highest term, 0 if none.
  api::NodeId Leader() const;
  std::vector<api::NodeId> ids() const;     // every node ever started
  std::vector<api::NodeId> up_ids() const;
  NodeStatus status(api::NodeId id) const;
  std::string tag(api::NodeId id) const;
  // Last observed state (of the current or last incarnation); null if never up.
  const api::ProtocolState* state(api::NodeId id) const;
  api::Node* node(api::NodeId id);          // null unless up
  SimDisk* disk(api::NodeId id);
  SimClock* clock(api::NodeId id);
  Network& network() { return network_; }
  const Network& network() const { return network_; }

  const ClusterStats& stats() const { return stats_; }
  const std::map<DecodeErrorKey, uint64_t>& decode_errors() const { return decode_errors_; }
  const std::vector<Refusal>& refusals() const { return refusals_; }
  const std::vector<AdminReply>& admin_replies() const { return admin_replies_; }
  // The releases' own counters, summed over nodes and incarnations.
  std::map<std::string, uint64_t> ReleaseCounters() const;
  // The same per release tag: an incarnation's counters go to the tag it ran
  // (an upgraded node's old incarnation to the old tag).
  std::map<std::string, std::map<std::string, uint64_t>> ReleaseCountersByTag() const;
  // Disk stats summed over nodes.
  DiskStats DiskTotals() const;
  // One line per node: id, status, release, cluster version, term, role,
  // leader, commit, applied, last index, snapshot, config.
  std::string StateTable() const;

  // ---- scenario faults: adversaries on the links, paused processes, load ----
  // Every message a node sends, bytes as sent, before the network draws its
  // fate (lost, delayed, duplicated). Unset (the default): nothing observed.
  using SendObserverFn =
      std::function<void(uint64_t time_us, api::NodeId from, const api::Outbound& m)>;
  void set_send_observer(SendObserverFn fn) { send_observer_ = std::move(fn); }
  // Hands `bytes` to node `to` now as if node `from` sent them (an adversary
  // on the link; `type` names them in the trace and in decode error counts):
  // the bookkeeping of a network delivery. Returns Deliver's status, or
  // FailedPrecondition (nothing handed in) when `to` is not up or is paused.
  absl::Status Inject(api::NodeId to, api::NodeId from, absl::string_view bytes,
                      absl::string_view type);
  // A paused node (a stopped process: SIGSTOP, a long GC pause, a frozen VM)
  // takes no ticks (the ticks it misses are lost, so it resumes with the view
  // it had) and handles no input: messages and requests that arrive for it
  // are held, in arrival order, and handed to it in that order by Resume().
  // Its disk and clock go on. A crash or stop of a paused node loses what it
  // held (the process is gone). No-op unless `id` is up (and not paused).
  void Pause(api::NodeId id);
  // Ends a pause; returns how many held inputs were handed in.
  size_t Resume(api::NodeId id);
  bool paused(api::NodeId id) const;
  std::vector<api::NodeId> paused_ids() const;
  // Inputs held for a paused node now, and the most ever held for one node.
  size_t held(api::NodeId id) const;
  size_t max_held() const { return max_held_; }
  // Requests a node holds: handed to it while it leads and not answered yet.
  // A leader answers each once it is applied or refused, and drops them all
  // when it steps down (api::Node), so this is the node's request queue as
  // the harness sees it; 0 whenever it does not lead. The peak is the
  // highest value since ResetOpenRequestPeaks().
  uint64_t open_requests(api::NodeId id) const;
  uint64_t open_requests_peak(api::NodeId id) const;
  void ResetOpenRequestPeaks();

 private:
  struct SimNode;
  class LogView;
  SimNode* Find(api::NodeId id) const;
  int TagIndex(absl::string_view tag);
  void AfterStep(SimNode& n);
  void Down(SimNode& n, NodeStatus why);
  // One message handed to `n`'s Deliver with the bookkeeping of a delivery.
  // A client request handed to an up, unpaused node: counted, seen by the
  // checkers, followed by AfterStep.
  void HandInRequest(SimNode& n, const api::Request& r);
  // Keeps an input for a paused node until Resume.
  void Hold(SimNode& n, HeldInput input);
  absl::Status HandIn(SimNode& n, api::NodeId from, absl::string_view type,
                      absl::string_view bytes, int sender_tag);

  uint64_t seed_;
  ClusterOptions options_;
  Trace* trace_;
  check::CheckerSet* checkers_;
  ReplyFn reply_fn_;
  std::function<void(const AdminReply&)> admin_fn_;
  uint64_t now_us_ = 0;
  Network network_;
  api::SeededRandom random_;  // cluster-level draws (clock drifts)
  std::vector<std::unique_ptr<SimNode>> nodes_;  // index = id
  std::vector<std::string> tag_names_;           // interned tags
  std::vector<api::NodeId> bootstrap_;
  std::map<uint64_t, api::Request> admin_pending_;  // by sequence
  uint64_t admin_sequence_ = 0;
  ClusterStats stats_;
  std::map<DecodeErrorKey, uint64_t> decode_errors_;
  std::vector<Refusal> refusals_;
  std::vector<AdminReply> admin_replies_;
  std::map<std::string, uint64_t> retired_counters_;
  std::map<std::string, std::map<std::string, uint64_t>> retired_counters_by_tag_;
  SendObserverFn send_observer_;
  size_t max_held_ = 0;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_CLUSTER_H_
