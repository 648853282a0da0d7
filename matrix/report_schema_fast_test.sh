#!/bin/bash
# The default fast matrix's report.json (//matrix:fast_matrix_report) read by
# the compare tool, which first checks it against
# matrix/runner/report.schema.json: a real report of every scenario and pair
# conforms, and compared with itself nothing changed.
set -uo pipefail
COMPARE="$1"
REPORT="$2"
T="${TEST_TMPDIR:-$(mktemp -d)}"
"$COMPARE" "$REPORT" "$REPORT" --out="$T" >"$T/out" 2>"$T/err"
status=$?
cat "$T/out" "$T/err"
[[ $status == 0 ]] || { echo "FAIL: compare exit $status (2: the report does not conform)"; exit 1; }
grep -q " 0 status change(s), 0 new and 0 vanished violation(s), 0 telemetry move(s)" "$T/out" ||
  { echo "FAIL: a report compared with itself differs"; exit 1; }
echo PASS
