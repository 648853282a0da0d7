// Stale reads (Request::stale_read_ok) checked for their own promise, apart
// from linearizability (they are not in the lincheck history).
//
// What is checked, exactly: monotonic reads per client and key, over the
// commit order of the writes' unique values. Every write of the workload
// carries a unique value ("c3.17;"), a put or cas stores it, an append adds
// it at the end; so the write a read saw is named by the last ';'-terminated
// segment of the value it returned, and that write's position in the commit
// order is the log index its acknowledgement reported. For each client, in
// the order it completed its operations, per key, the checker keeps the
// highest write index the client has observed (its own acknowledged writes,
// and the writes its reads and failed cas returned). A stale read
//  - that returns a write committed before that high-water mark went back in
//    time ("older than what the same client already saw"): violation;
//  - that returns "absent" after the client saw a value of the key went back
//    to before the first write (the workload never deletes): violation;
//  - that returns a write committed after the index it says it read from
//    (Reply::index, the node's applied index) read beyond its own state:
//    violation.
// A read whose value names a write that was never acknowledged (its index is
// unknown: indeterminate) cannot be ordered and is counted as skipped. The
// promise is attainable because the client keeps a floor (workload.h): it
// does not accept a stale answer read from an index below the highest one it
// has seen, so a correct release never violates it, whichever node answers.
#ifndef RAFTLOG_MATRIX_SIM_STALE_READS_H_
#define RAFTLOG_MATRIX_SIM_STALE_READS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "matrix/check/checker.h"
#include "matrix/sim/workload.h"

namespace raftlog::sim {

struct StaleReadReport {
  uint64_t checked = 0;  // stale reads judged
  uint64_t skipped = 0;  // stale reads of a write whose index is unknown
  struct Problem {
    uint64_t time_us = 0;
    std::string message;
  };
  std::vector<Problem> violations;
};

// The last ';'-terminated segment of `value` (the write it ends with); empty
// when `value` does not end with ';'.
std::string LastWrite(const std::string& value);

StaleReadReport CheckStaleReads(const std::vector<Observation>& observations);

// The check as a safety checker: runs over the workload's observations at
// Finish (so it sees every acknowledgement first).
class StaleReadChecker : public check::Checker {
 public:
  static constexpr char kName[] = "stale_reads";
  explicit StaleReadChecker(const Workload* workload) : check::Checker(kName), w_(workload) {}
  void Finish(uint64_t time_us) override;

 private:
  const Workload* w_;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_STALE_READS_H_
