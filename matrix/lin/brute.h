// A deliberately naive linearizability checker, the reference the fast
// checker is tested against: it enumerates every order of the operations of
// the WHOLE history (no partitioning) that respects real time, with each
// indeterminate operation either placed somewhere after its invocation or
// dropped, and replays each order on a Value-level model. Exponential: for
// histories of a handful of operations only.
#ifndef RAFTLOG_MATRIX_LIN_BRUTE_H_
#define RAFTLOG_MATRIX_LIN_BRUTE_H_

#include "matrix/lin/checker.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {

bool BruteForceLinearizable(const History& history, Model model);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_BRUTE_H_
