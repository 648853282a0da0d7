// What the invariant checkers see of a running cluster, and their common base.
//
// Checkers live apart from fault injection (TigerBeetle's VOPR habit): they know
// nothing of networks, disks or clocks, only of observations the driver feeds
// them after EVERY step of every node. So they are tested on hand-made state
// sequences as easily as on a simulated cluster.
//
// Contract for a driver:
//  - after each input a node handles (Start, Deliver, Tick, Submit), call
//    OnStep with the node's state after the step and the entries it applied;
//  - OnCrash / OnStop when a node loses its volatile state, before the next
//    OnStep of that node (which then describes the recovered node);
//  - OnAck when a client receives a successful reply to a write;
//  - OnSubmit when a client request reaches a node (before the node's step
//    handles it), OnReply for every reply a node emits to a client request
//    (after the OnStep of the step that emitted it);
//  - OnSnapshotFile, after the OnStep of a step that changed a node's
//    snapshot index or format, with the newest file under `snap/` (the
//    layout every release shares: snapshots/STORAGE.md);
//  - OnHealed when every fault is healed, OnTime as simulated time advances,
//    Finish once at the end.
// Every checker keeps all its memory bounded by the run's own size (terms,
// acknowledged writes, committed indexes) and reports each violation once
// with the node, term and index involved.
#ifndef RAFTLOG_MATRIX_CHECK_CHECKER_H_
#define RAFTLOG_MATRIX_CHECK_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"

namespace raftlog::check {

// Read access to one node's log. api::Node offers the same call; the driver
// wraps it, tests use a map.
class EntrySource {
 public:
  virtual ~EntrySource() = default;
  // The entry at `index`, if the log holds it (not compacted, not past end).
  virtual std::optional<api::EntryId> EntryAt(uint64_t index) const = 0;
};

// One step of one node. Pointers are valid during the call only.
struct NodeStep {
  uint64_t time_us = 0;
  api::NodeId id = 0;
  absl::string_view tag;                              // release tag, e.g. "v1"
  const api::ProtocolState* state = nullptr;          // after the step
  const EntrySource* log = nullptr;                   // the node's log after the step
  const std::vector<api::AppliedEntry>* applied = nullptr;  // applied during the step
};

// A client write the cluster acknowledged as successful.
struct Ack {
  uint64_t time_us = 0;
  uint64_t client_id = 0;
  uint64_t sequence = 0;
  api::NodeId node = 0;       // the node that replied (the leader)
  uint64_t index = 0;         // log index the write was applied at
  std::optional<api::EntryId> entry;  // that node's entry at `index` when it replied
  std::string what;           // "put k3=..." for messages
};

// A reply a node emitted to a client request, with the node's state at the
// end of the step that emitted it. Pointers are valid during the call only.
struct ClientReply {
  uint64_t time_us = 0;
  api::NodeId node = 0;
  absl::string_view tag;
  uint64_t term = 0;        // the node's term
  api::Role role = api::Role::kFollower;
  const api::Reply* reply = nullptr;
};

// The snapshot file a node holds after a step that changed its snapshot
// (index or format): written by its own compaction or installed from a
// leader. Pointers and views are valid during the call only.
struct SnapshotFile {
  uint64_t time_us = 0;
  api::NodeId node = 0;
  absl::string_view tag;
  const api::ProtocolState* state = nullptr;  // after the step
  absl::string_view path;                     // in the node's data directory
  absl::string_view bytes;
};

struct Violation {
  std::string checker;
  uint64_t time_us = 0;
  std::string message;
  bool liveness = false;  // reported apart from safety
};

// "checker @time_us: message", one line.
std::string ViolationString(const Violation& v);

class Checker {
 public:
  explicit Checker(std::string name, bool liveness = false)
      : name_(std::move(name)), liveness_(liveness) {}
  virtual ~Checker() = default;
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  virtual void OnStep(const NodeStep& step) {}
  // The node lost its volatile state (crash) or shut down (stop).
  virtual void OnCrash(uint64_t time_us, api::NodeId id) {}
  virtual void OnAck(const Ack& ack) {}
  virtual void OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) {}
  virtual void OnReply(const ClientReply& reply) {}
  virtual void OnSnapshotFile(const SnapshotFile& file) {}
  // Every fault is healed from now on.
  virtual void OnHealed(uint64_t time_us) {}
  virtual void OnTime(uint64_t time_us) {}
  virtual void Finish(uint64_t time_us) {}

  const std::string& name() const { return name_; }
  bool liveness() const { return liveness_; }
  // The first kMaxKept violations; violation_count() counts all of them.
  const std::vector<Violation>& violations() const { return violations_; }
  uint64_t violation_count() const { return violation_count_; }

  static constexpr size_t kMaxKept = 64;

 protected:
  void Report(uint64_t time_us, std::string message);

 private:
  std::string name_;
  bool liveness_;
  std::vector<Violation> violations_;
  uint64_t violation_count_ = 0;
};

// "(term 3, digest 0x1a2b...)" or "(absent)".
std::string EntryString(const std::optional<api::EntryId>& e);

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_CHECKER_H_
