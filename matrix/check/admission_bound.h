// Admission bound: a leader whose release has admission control never holds
// more client requests than its limit (NodeOptions::max_inflight_requests):
// one past the limit is refused at once (ResourceExhausted), not queued.
//
// Observations: OnSubmit (a client request reaching a node: Get, Put,
// Delete, Append, Cas; administrative requests are not client load),
// OnReply (its answer), OnStep (a node that is not the leader holds
// nothing: a deposed leader drops what it held, unanswered), OnCrash.
// Judged at OnTime, after every reply of the step that took a request has
// been seen. The driver says which nodes enforce a limit (Enforce): a
// release without admission control queues without bound by design.
#ifndef RAFTLOG_MATRIX_CHECK_ADMISSION_BOUND_H_
#define RAFTLOG_MATRIX_CHECK_ADMISSION_BOUND_H_

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "matrix/check/checker.h"

namespace raftlog::check {

class AdmissionBound : public Checker {
 public:
  static constexpr int kMaxReports = 8;

  explicit AdmissionBound(uint64_t limit) : Checker("admission_bound"), limit_(limit) {}
  // Whether node `id` (its running release) enforces the limit.
  void Enforce(api::NodeId id, bool enforced) { enforced_[id] = enforced; }
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override { held_.erase(id); }
  void OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) override;
  void OnReply(const ClientReply& reply) override;
  void OnTime(uint64_t time_us) override;
  // The most client requests any enforcing leader held at a judgement.
  uint64_t peak() const { return peak_; }

 private:
  using RequestKey = std::pair<uint64_t, uint64_t>;  // (client, sequence)
  uint64_t limit_;
  std::map<api::NodeId, bool> enforced_;
  std::map<api::NodeId, std::set<RequestKey>> held_;
  std::map<api::NodeId, uint64_t> terms_;  // the term each node leads (0: not leading)
  uint64_t peak_ = 0;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_ADMISSION_BOUND_H_
