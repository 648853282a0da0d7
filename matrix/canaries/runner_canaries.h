// The runner's canary hooks (matrix/runner/cli.h CliExtensions): canary tags
// "<base>+<name>" as releases of the matrix (--tags=v2,v3+name, judged by the
// policy as their base), and --canaries, the detection table over the default
// matrix cells. //matrix:runner links these with every canary release;
// //matrix/runner:runner does not.
#ifndef RAFTLOG_MATRIX_CANARIES_RUNNER_CANARIES_H_
#define RAFTLOG_MATRIX_CANARIES_RUNNER_CANARIES_H_

#include "matrix/runner/cli.h"

namespace raftlog::canaries {

// --canaries: runs the canaries' default cells (every scenario from every
// registered tag up to the canary's base; --scenarios, --pairs=FROM:CANARY,
// --only narrow them) in --mode with --seeds (default 16 in fast mode, 48 in
// full) or only --seed, prints the table and writes the reports. Exit status
// 0 when every canary not listed as expected-undetected is caught and no
// control is red, 1 otherwise, 2 on a usage error.
int RunCanaries(const runner::CanaryRequest& request);

// The hooks above, for runner::RunCli.
runner::CliExtensions CanaryExtensions();

}  // namespace raftlog::canaries

#endif  // RAFTLOG_MATRIX_CANARIES_RUNNER_CANARIES_H_
