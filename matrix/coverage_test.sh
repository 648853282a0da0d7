#!/bin/bash
# Feature coverage of the default fast matrix: runs the runner binary over
# every scenario and every pair of registered releases with its default
# settings (the matrix `bazel run //matrix:runner` runs), and fails listing
# every feature path of every release (matrix/runner/coverage.h: a counter
# that moves when the release takes one of its features' code paths) that no
# cell exercised. A path no cell reaches is a feature whose defects would
# pass green: add or extend a scenario until some cell reaches it.
#
# Cell verdicts are the cell tests' business (//matrix:cells); this fails on
# them only when the runner could not run at all (usage error, exit 2).
set -uo pipefail
runner="$1"
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-$(mktemp -d)}}/coverage-matrix"
"$runner" --out="$out" --jobs=2 --progress=false --color=never >"$TEST_TMPDIR/stdout" 2>"$TEST_TMPDIR/stderr"
rc=$?
cat "$TEST_TMPDIR/stdout"
if [[ $rc == 2 || ! -s "$out/report.md" ]]; then
  cat "$TEST_TMPDIR/stderr"
  echo "FAIL: the runner did not run the matrix (exit $rc)"
  exit 1
fi
if [[ $rc != 0 ]]; then
  echo "note: some cell does not match the policy (runner exit $rc); see //matrix:cells"
fi
line=$(grep '^feature paths exercised: ' "$TEST_TMPDIR/stdout")
[[ -n "$line" ]] || { echo "FAIL: the runner printed no feature coverage line"; exit 1; }
if [[ "$line" == *"; every path exercised" ]]; then
  echo "PASS: $line"
  exit 0
fi
echo
echo "FAIL: feature paths no cell of the fast matrix exercised (release path: meaning):"
sed -n '/^### Paths no cell exercised$/,/^### /p' "$out/report.md" | grep '^- ' | sed 's/^- /  /'
echo "per cell counts: $out/report.md (section \"Feature coverage\")"
exit 1
