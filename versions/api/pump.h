// A tiny deterministic test cluster over api::Node, for unit tests of any
// release (the full simulator with faults and checkers lives in matrix/).
//
// N nodes, each with its own seeded MemEnv; one FIFO queue of messages. A
// step ticks every live node, then delivers queued messages in order (and
// what they cause) until the queue is empty or a bound is hit. Links can be
// cut (both directions of a node: Isolate), a filter can drop chosen
// messages, nodes can crash (MemFileSystem::Crash, optionally torn) and
// restart as a new Node object on the same MemEnv. Every loop is bounded.
//
// While it runs, the pump checks state machine safety on what nodes report
// in Ready::applied: two nodes applying different entries at one index is a
// violation (violations() and first_violation()).
#ifndef RAFTLOG_VERSIONS_API_PUMP_H_
#define RAFTLOG_VERSIONS_API_PUMP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::api {

inline constexpr char kPumpClusterKey[] = "pump-cluster-key";

class Pump {
 public:
  using MakeNode = std::function<std::unique_ptr<Node>(const NodeOptions&)>;

  struct Options {
    std::vector<NodeId> ids = {1, 2, 3};
    uint64_t seed = 1;
    // Template for every node; id, env and bootstrap_voters are filled in.
    // Every node gets the same cluster key (kPumpClusterKey), as in
    // matrix/sim, so releases that authenticate peer messages (v3 at cluster
    // version 3) can be finalized there; set it to "" to run without one.
    NodeOptions node = [] {
      NodeOptions o;
      o.cluster_key = kPumpClusterKey;
      return o;
    }();
    // Deliveries per DeliverAll() at most (a livelock guard).
    size_t max_deliveries = 100000;
  };

  struct Envelope {
    NodeId from = 0;
    NodeId to = 0;
    std::string type;
    std::string bytes;
  };

  Pump(MakeNode make_node, Options options);

  // Creates and starts every node in options.ids, bootstrapped with all ids.
  absl::Status StartAll();
  // Creates and starts one node on its (possibly prepared) MemEnv.
  // `bootstrap` empty means "join".
  absl::Status StartNode(NodeId id, const std::vector<NodeId>& bootstrap);

  // The env of `id` (created on first use), e.g. to prepare a data directory
  // before StartNode.
  MemEnv* env(NodeId id);
  // The live node, or nullptr when crashed or never started.
  Node* node(NodeId id);
  std::vector<NodeId> ids() const;

  void TickAll();
  void Tick(NodeId id);
  // Delivers queued messages FIFO until none is left or the bound is hit.
  // Returns the number delivered.
  size_t DeliverAll();
  // TickAll + DeliverAll.
  void Step();
  void Steps(int n);

  // The live leader with the highest term, or 0.
  NodeId Leader() const;
  // Steps until a leader exists (and every live node agrees on the highest
  // term's leader being it is NOT required). Returns it or 0.
  NodeId RunUntilLeader(int max_steps);

  // Submits to `to` and returns the reply if it arrives within `max_steps`
  // steps (0: only what the submission itself produced).
  std::optional<Reply> Submit(NodeId to, const Request& request, int max_steps);
  // Submits to the current leader (waiting for one if needed), retrying on a
  // new leader when the reply does not come; returns the first reply that is
  // not "not the leader", or nullopt after max_steps.
  std::optional<Reply> SubmitToLeader(const Request& request, int max_steps);

  // Network faults.
  void Isolate(NodeId id) { isolated_.insert(id); }
  void Heal(NodeId id) { isolated_.erase(id); }
  void HealAll() { isolated_.clear(); }
  // Messages for which `keep` returns false are dropped at delivery.
  void SetFilter(std::function<bool(const Envelope&)> keep) { filter_ = std::move(keep); }
  void ClearFilter() { filter_ = nullptr; }
  // Queues raw bytes as if `from` had sent them (garbage, crafted messages).
  void Inject(NodeId from, NodeId to, std::string bytes) {
    queue_.push_back(Envelope{from, to, "injected", std::move(bytes)});
  }
  size_t queued() const { return queue_.size(); }
  void DropQueued() { queue_.clear(); }

  // Crash: the node object is destroyed and its file system loses unsynced
  // data (keeping a random prefix of unsynced appends when `tear`).
  void Crash(NodeId id, bool tear);
  // A new Node object on the same MemEnv (same bootstrap list as before).
  absl::Status Restart(NodeId id);

  // Observations.
  const std::vector<Reply>& replies(NodeId id) { return replies_[id]; }
  const std::vector<AuditEvent>& audit(NodeId id) { return audit_[id]; }
  // Deliver() errors, in order.
  const std::vector<absl::Status>& deliver_errors() const { return deliver_errors_; }
  // The highest index each node reported applied (this incarnation or any).
  uint64_t applied_index(NodeId id) const;
  uint64_t violations() const { return violations_; }
  const std::string& first_violation() const { return first_violation_; }
  uint64_t delivered() const { return delivered_; }

 private:
  struct Slot {
    std::unique_ptr<MemEnv> env;
    std::unique_ptr<Node> node;
    std::vector<NodeId> bootstrap;
  };
  void Drain(NodeId id);
  Slot& slot(NodeId id);

  MakeNode make_node_;
  Options options_;
  std::map<NodeId, Slot> slots_;
  std::deque<Envelope> queue_;
  std::set<NodeId> isolated_;
  std::function<bool(const Envelope&)> filter_;
  std::map<NodeId, std::vector<Reply>> replies_;
  std::map<NodeId, std::vector<AuditEvent>> audit_;
  std::map<NodeId, uint64_t> applied_index_;
  std::map<uint64_t, EntryId> applied_;  // index -> first entry applied there
  std::vector<absl::Status> deliver_errors_;
  uint64_t violations_ = 0;
  std::string first_violation_;
  uint64_t delivered_ = 0;
};

}  // namespace raftlog::api

#endif  // RAFTLOG_VERSIONS_API_PUMP_H_
