#!/bin/bash
# Feature coverage of the default fast matrix: reads the run of the runner
# over every scenario and every pair of registered releases with its default
# settings (the matrix `bazel run //matrix:runner` runs; //matrix:
# fast_matrix_report runs it once for this test and //matrix:digests_test),
# and fails listing every feature path of every release
# (matrix/runner/coverage.h: a counter that moves when the release takes one
# of its features' code paths) that no cell exercised. A path no cell reaches
# is a feature whose defects would pass green: add or extend a scenario until
# some cell reaches it.
#
#   coverage_test.sh STDOUT REPORT_MD EXIT_CODE    (the run's files)
#
# Cell verdicts are the cell tests' business (//matrix:cells); this fails on
# them only when the runner could not run at all (usage error, exit 2, or no
# report).
set -uo pipefail
stdout="$1" report_md="$2" exit_code_file="$3"
rc="$(cat "$exit_code_file")"
grep -v "^reports: " "$stdout"  # the run's report files: this test's inputs, not its temp dir
if [[ $rc == 2 || ! -s "$report_md" ]]; then
  cat "$(dirname "$stdout")/stderr.txt" 2>/dev/null
  echo "FAIL: the runner did not run the matrix (exit $rc)"
  exit 1
fi
if [[ $rc != 0 ]]; then
  echo "note: some cell does not match the policy (runner exit $rc); see //matrix:cells"
fi
line=$(grep '^feature paths exercised: ' "$stdout")
[[ -n "$line" ]] || { echo "FAIL: the runner printed no feature coverage line"; exit 1; }
if [[ "$line" == *"; every path exercised" ]]; then
  echo "PASS: $line"
  exit 0
fi
echo
echo "FAIL: feature paths no cell of the fast matrix exercised (release path: meaning):"
sed -n '/^### Paths no cell exercised$/,/^### /p' "$report_md" | grep '^- ' | sed 's/^- /  /'
echo "per cell counts: $report_md (section \"Feature coverage\"; bazel build //matrix:fast_matrix_report)"
exit 1
