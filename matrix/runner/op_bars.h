// Client operations as a red cell's timeline draws them: one bar per
// operation, from invocation to completion, around the first violation.
#ifndef RAFTLOG_MATRIX_RUNNER_OP_BARS_H_
#define RAFTLOG_MATRIX_RUNNER_OP_BARS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matrix/lin/history.h"

namespace raftlog::runner {

struct OpBar {
  int64_t client = 0;
  std::string what;            // "put k3 v7", "get k1 -> v2", "cas k2 v1->v4"
  uint64_t invoke_us = 0;
  std::optional<uint64_t> complete_us;  // none: the client never learned the outcome
  std::string outcome;         // ok, fail, info
  bool highlighted = false;    // in flight at the first violation
};

// The operations whose bars intersect [center - before_us, center + after_us],
// at most `max_bars` of them (those invoked closest to `center` win), in
// invocation order. With a violation at `violation_us`, the operations in
// flight at that instant are highlighted: one of them is what the violated
// invariant is about (or the client saw the damage).
std::vector<OpBar> OpBarsAround(const lin::History& history, uint64_t center_us,
                                uint64_t before_us, uint64_t after_us, size_t max_bars,
                                std::optional<uint64_t> violation_us);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_OP_BARS_H_
