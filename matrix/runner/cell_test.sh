#!/bin/bash
# A test that runs the matrix runner: the first argument is the runner binary,
# the rest its flags (for a cell: --test --scenarios=S --pairs=A:B --mode=M).
# The runner reads the sharding variables and writes its reports under
# TEST_UNDECLARED_OUTPUTS_DIR itself; this only hands over. Its exit status
# is the runner's, so the test fails on every status but 0: FAIL or
# UNEXPECTED-GREEN (1), UNKNOWN (3: a linearizability search out of budget is
# never a pass), a usage error (2). runner_cli_test checks the UNKNOWN case.
#
# When Bazel asks for a JUnit file (XML_OUTPUT_FILE), it gets the runner's
# report.seeds.xml (one testcase per seed, named after the cell), so a CI
# test view shows cells and seeds by name rather than one opaque log. When the
# runner wrote none (a usage error, --verify_cells), Bazel writes its own.
set -euo pipefail
runner="$1"
shift
status=0
"$runner" "$@" || status=$?
reports="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-}}/matrix-report"
if [[ -n "${XML_OUTPUT_FILE:-}" && -s "$reports/report.seeds.xml" ]]; then
  cp "$reports/report.seeds.xml" "$XML_OUTPUT_FILE"
fi
exit "$status"
