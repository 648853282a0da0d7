#!/bin/bash
# A test that runs the matrix runner: the first argument is the runner binary,
# the rest its flags (for a cell: --test --scenarios=S --pairs=A:B --mode=M).
# The runner reads the sharding variables and writes its reports under
# TEST_UNDECLARED_OUTPUTS_DIR itself; this only hands over. Its exit status
# is the runner's, so the test fails on every status but 0: FAIL or
# UNEXPECTED-GREEN (1), UNKNOWN (3: a linearizability search out of budget is
# never a pass), a usage error (2). runner_cli_test checks the UNKNOWN case.
set -euo pipefail
runner="$1"
shift
exec "$runner" "$@"
