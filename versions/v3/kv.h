// The KV state machine of release v3 (v1's, plus Read), with client sessions
// for exactly-once.
//
// Deterministic: applying the same commands at the same indices gives the
// same state and the same Digest() on every replica. Every operation that
// changes state is applied through the log; below cluster version 3 a Get is
// too (v1 and v2 have no ReadIndex), at cluster version 3 a Get may be answered
// by Read() from the applied state (ReadIndex or stale read, raft.h).
//
// Exactly-once (per client_id != 0; client_id 0 has no session):
//   sequence >  last applied: apply, record the outcome in the session;
//   sequence == last applied: do not apply again, answer the recorded outcome
//                             (value, found, succeeded, and the original index);
//   sequence <  last applied: do not apply, answer kOutOfRange: the outcome of
//                             that request is no longer kept (one session
//                             remembers one answer). Not kFailedPrecondition,
//                             which the project reserves for "not the leader,
//                             go elsewhere" and would send a client retrying
//                             from node to node.
// Sessions never expire (as in v1); the table travels in every snapshot.
#ifndef RAFTLOG_VERSIONS_V3_KV_H_
#define RAFTLOG_VERSIONS_V3_KV_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "snapshots/state.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {

struct CommandResult {
  absl::Status status;     // OK, or kOutOfRange for a superseded sequence
  std::string value;       // get: the value; cas: the current value when !succeeded
  bool found = false;      // get
  bool succeeded = false;  // cas
  uint64_t index = 0;      // the index the command took effect at
  bool duplicate = false;  // answered from the session, not applied again
};

class KvStore {
 public:
  // Applies `cmd`, decided at log `index`. REQUIRES: index increases across calls.
  CommandResult Apply(const wire::v3::Command& cmd, uint64_t index);

  std::optional<std::string> Get(const std::string& key) const;
  // A Get answered from the current state without the log (ReadIndex or a
  // stale read, v3): the session rules of Apply (a repeated sequence gets the
  // recorded outcome, an older one kOutOfRange) without recording anything;
  // index is left 0 for the caller to fill.
  CommandResult Read(uint64_t client_id, uint64_t sequence, const std::string& key) const;
  size_t size() const { return kv_.size(); }
  const snapshots::Session* FindSession(uint64_t client_id) const;

  // Order-independent digest of the KV pairs and the session table: a sum of
  // per-record hashes, so two replicas with equal contents agree however they
  // got there (apply or snapshot install). Maintained incrementally.
  uint64_t Digest() const { return digest_; }

  // Fills kv and sessions of `state`; other fields are left alone.
  void ToSnapshot(snapshots::SnapshotState* state) const;
  // Replaces the whole content with the snapshot's kv and sessions.
  void FromSnapshot(const snapshots::SnapshotState& state);

 private:
  void SetValue(const std::string& key, const std::string& value);
  void EraseValue(const std::string& key);
  void SetSession(const snapshots::Session& session);

  std::map<std::string, std::string> kv_;
  std::map<uint64_t, snapshots::Session> sessions_;
  uint64_t digest_ = 0;
};

// The per-record hashes Digest() sums (exposed for tests).
uint64_t KvRecordHash(const std::string& key, const std::string& value);
uint64_t SessionRecordHash(const snapshots::Session& session);

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_KV_H_
