// A whole v3 node: storage recovery, wire decoding and validation, the Raft
// core, and the outputs the harness drains. Implements the behaviour behind
// api::Node (the adapter in adapter/ only forwards to it).
//
// Inputs are validated before they reach the core: bytes that do not parse,
// or a message that contradicts itself (type vs body, sender, entry order),
// count as decode_errors; a message type, body, entry type, command op or
// cluster version v3 does not know (or a protocol version outside 1..3)
// counts as unknown_message_types and is answered kUnimplemented. Neither
// ever crashes the node. Start() refuses, before touching anything, a data
// directory of a cluster version or snapshot format v3 cannot speak.
//
// Authentication (cv >= 3, auth.h): once this node has applied cluster
// version 3 it seals every message it sends with an HMAC-SHA256 over
// NodeOptions::cluster_key and drops (counted auth_failures, audited
// auth_failure, kUnauthenticated) every message without a valid MAC, whatever
// protocol version it claims, before any other check. Below cv 3 it sends no
// MAC, unless a peer has already shown it a valid one or it received the
// entry that raises the cluster version to 3 (see RELEASE.md,
// "Authentication", for why that keeps the switch live), and accepts messages with or without one (a MAC present is
// verified when this node has a key, ignored otherwise, as v2 does).
//
// Durability: every input syncs what its outputs depend on before it returns
// (storage syncs on every write; the hard state is flushed at the end of the
// input). A storage failure stops the node: later inputs are refused and no
// message that may depend on lost data leaves.
#ifndef RAFTLOG_VERSIONS_V3_NODE_H_
#define RAFTLOG_VERSIONS_V3_NODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "versions/api/node.h"
#include "versions/v3/raft.h"
#include "versions/v3/storage.h"

namespace raftlog::v3 {

inline constexpr char kReleaseTag[] = "v3";

class Node {
 public:
  // REQUIRES: options.id != 0 and options.env has fs and random.
  explicit Node(const api::NodeOptions& options);

  absl::Status Start();
  absl::Status Deliver(api::NodeId from, absl::string_view bytes);
  void Tick();
  void Submit(const api::Request& request);
  api::Ready TakeReady();
  api::ProtocolState State() const;
  std::optional<api::EntryId> EntryAt(uint64_t index) const;
  std::map<std::string, uint64_t> Counters() const { return counters_; }

  // For tests that need more than the ABI shows.
  const Raft& raft() const { return *raft_; }
  Raft* mutable_raft() { return raft_.get(); }

  // Checks a decoded message before the core sees it. Public for tests.
  absl::Status Validate(api::NodeId from, const wire::v3::Message& m);

 private:
  // Flushes the hard state and moves the core's outputs into ready_.
  void AfterInput();
  // The MAC check at the decode boundary (see the file comment): OK, or the
  // message is dropped, counted and audited.
  absl::Status Authenticate(api::NodeId from, absl::string_view bytes,
                            const wire::v3::Message& m);
  // Outgoing messages are sealed with a MAC.
  bool SendsMac() const;

  api::NodeOptions options_;
  v3::Counters counters_;
  Storage storage_;
  std::unique_ptr<Raft> raft_;
  bool started_ = false;
  // Latched for this incarnation once a peer's valid MAC was accepted (some
  // node applied cv 3, or has not applied a downgrade from it yet) or an
  // AppendEntries brought a CLUSTER_VERSION entry raising it to 3 or more
  // (its commit is near): from then on this node seals what it sends,
  // whatever its own cluster version, so a peer that already requires MACs
  // hears it.
  bool seal_latched_ = false;
  api::Ready ready_;
};

// A short name for a message type, as Outbound::type carries it.
const char* MessageTypeName(wire::v3::MessageType type);

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_NODE_H_
