// Every invariant checker of the project behind one call site, so the driver
// feeds each observation once. Safety and liveness verdicts are kept apart.
#ifndef RAFTLOG_MATRIX_CHECK_CHECKER_SET_H_
#define RAFTLOG_MATRIX_CHECK_CHECKER_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::check {

struct CheckerOptions {
  uint64_t log_matching_window = 16;
  uint64_t liveness_bound_us = 10'000'000;  // 10 simulated seconds
  size_t max_tracked_entries = 1 << 20;
  bool config_safety = true;
};

class CheckerSet {
 public:
  explicit CheckerSet(const CheckerOptions& options = {});
  // The standard set: election safety, log matching, leader completeness,
  // state machine safety, durability, config safety, commitment, config
  // agreement, log shortening, read leadership, snapshot metadata, liveness.
  void Add(std::unique_ptr<Checker> checker) { checkers_.push_back(std::move(checker)); }

  void OnStep(const NodeStep& step) {
    for (auto& c : checkers_) c->OnStep(step);
  }
  void OnCrash(uint64_t time_us, api::NodeId id) {
    for (auto& c : checkers_) c->OnCrash(time_us, id);
  }
  void OnAck(const Ack& ack) {
    for (auto& c : checkers_) c->OnAck(ack);
  }
  void OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) {
    for (auto& c : checkers_) c->OnSubmit(time_us, node, request);
  }
  void OnReply(const ClientReply& reply) {
    for (auto& c : checkers_) c->OnReply(reply);
  }
  void OnSnapshotFile(const SnapshotFile& file) {
    for (auto& c : checkers_) c->OnSnapshotFile(file);
  }
  void OnHealed(uint64_t time_us) {
    for (auto& c : checkers_) c->OnHealed(time_us);
  }
  void OnTime(uint64_t time_us) {
    for (auto& c : checkers_) c->OnTime(time_us);
  }
  void Finish(uint64_t time_us) {
    for (auto& c : checkers_) c->Finish(time_us);
  }

  uint64_t safety_violations() const;
  uint64_t liveness_violations() const;
  // Every kept violation, safety first, in checker order.
  std::vector<Violation> Violations() const;
  // One line per checker: "election_safety: ok" / "log_matching: 2 violation(s)".
  std::string Verdicts() const;
  const std::vector<std::unique_ptr<Checker>>& checkers() const { return checkers_; }
  Checker* Find(absl::string_view name) const;

 private:
  std::vector<std::unique_ptr<Checker>> checkers_;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_CHECKER_SET_H_
