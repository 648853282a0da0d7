#!/bin/bash
# A test that runs the matrix runner: the first argument is the runner binary,
# the rest its flags (for a cell: --test --scenarios=S --pairs=A:B --mode=M).
# The runner reads the sharding variables and writes its reports under
# TEST_UNDECLARED_OUTPUTS_DIR itself; this only hands over.
set -euo pipefail
runner="$1"
shift
exec "$runner" "$@"
