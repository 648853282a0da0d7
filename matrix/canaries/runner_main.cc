// //matrix:canary_runner: the matrix runner (matrix/runner/cli.h) with every canary
// release linked in (versions/canaries), so canary tags run like any other
// and --canaries prints the detection table.
#include "matrix/canaries/runner_canaries.h"
#include "matrix/runner/cli.h"

int main(int argc, char** argv) {
  return raftlog::runner::RunCli(argc, argv, raftlog::canaries::CanaryExtensions());
}
