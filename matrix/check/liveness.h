// Conditional liveness (TigerBeetle's VOPR: a safety phase with faults, then a
// liveness phase): once every fault is healed, some new entry commits within
// `bound_us` of simulated time. Reported apart from safety. Only meaningful
// while a workload keeps submitting (or the release commits an entry of its
// own term on election, as Raft section 5.4.2 leaders do).
#ifndef RAFTLOG_MATRIX_CHECK_LIVENESS_H_
#define RAFTLOG_MATRIX_CHECK_LIVENESS_H_

#include "matrix/check/checker.h"

namespace raftlog::check {

class Liveness : public Checker {
 public:
  explicit Liveness(uint64_t bound_us) : Checker("liveness", /*liveness=*/true), bound_us_(bound_us) {}
  void OnStep(const NodeStep& step) override;
  void OnHealed(uint64_t time_us) override;
  void OnTime(uint64_t time_us) override;
  void Finish(uint64_t time_us) override { OnTime(time_us); }

  bool armed() const { return armed_; }
  bool satisfied() const { return satisfied_; }
  // Simulated time from heal to the first commit, when satisfied.
  uint64_t recovery_us() const { return recovery_us_; }

 private:
  uint64_t bound_us_;
  uint64_t max_commit_ = 0;   // highest commit index seen on any node
  bool armed_ = false;
  bool satisfied_ = false;
  bool reported_ = false;
  uint64_t healed_us_ = 0;
  uint64_t baseline_ = 0;     // max_commit_ at heal time
  uint64_t recovery_us_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_LIVENESS_H_
