// Replica agreement: replicas that have applied the same prefix of the log
// hold the same state machine, so two nodes reporting the same applied index
// must report the same ProtocolState.kv_digest (an order-independent digest
// of the KV map and the client session table). State machine safety compares
// log entries; this compares what was built from them, so a snapshot that
// drops part of the state (the session table), a restore that misreads it, or
// an apply that differs between releases shows at the first index both nodes
// reach, not only when a client happens to read the damage.
//
// The digest is part of the harness ABI (versions/api/node.h), so it is
// compared across releases too: every release must digest the same state the
// same way. A digest of 0 at applied index 0 (nothing applied) is not
// compared. Memory: one entry per applied index, at most kMaxIndexes (the
// oldest are forgotten first); each violation is reported once per index,
// at most kMaxReports in all.
#ifndef RAFTLOG_MATRIX_CHECK_REPLICA_AGREEMENT_H_
#define RAFTLOG_MATRIX_CHECK_REPLICA_AGREEMENT_H_

#include <cstdint>
#include <map>
#include <string>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ReplicaAgreement : public Checker {
 public:
  static constexpr size_t kMaxIndexes = 1 << 16;
  static constexpr int kMaxReports = 8;

  ReplicaAgreement() : Checker("replica_agreement") {}
  void OnStep(const NodeStep& step) override;
  uint64_t comparisons() const { return comparisons_; }

 private:
  struct First {
    uint64_t digest = 0;
    api::NodeId node = 0;
    std::string tag;
    bool reported = false;
  };
  std::map<uint64_t, First> by_index_;
  std::map<api::NodeId, uint64_t> last_applied_;  // per node: skip unchanged steps
  uint64_t comparisons_ = 0;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_REPLICA_AGREEMENT_H_
