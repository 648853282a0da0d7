#!/bin/bash
# The trace digests of the default fast matrix and of a few full-mode seeds
# (the runs of //matrix:fast_matrix_report and //matrix:full_mode_seeds_report)
# match the checked-in lists matrix/digests/fast.txt and full.txt line for
# line. The simulation is deterministic, so a difference is a change of
# behaviour (regenerate the lists and commit the diff, which shows what moved)
# or a drift (another compiler or machine, a nondeterminism: find its cause).
#
#   digests_test.sh DIGEST_LIST  NAME REPORT_JSON EXIT_CODE LIST  [NAME ...]
set -uo pipefail
digest_list="$1"
shift
regenerate="scripts/update_digests.sh"
failed=()
while (($# >= 4)); do
  name="$1" report="$2" exit_code="$(cat "$3")" list="$4"
  shift 4
  echo "== $name: $list"
  if [[ ! -s "$report" ]]; then
    cat "$(dirname "$report")/stderr.txt" 2>/dev/null
    echo "FAIL: the runner wrote no report (exit $exit_code)"
    failed+=("$name")
    continue
  fi
  "$digest_list" --report="$report" --expect="$list" --regenerate="$regenerate"
  rc=$?
  ((rc == 0)) || failed+=("$name")
  if ((rc != 0 && rc != 1)); then echo "FAIL: could not compare (digest_list exit $rc)"; fi
done
(($# == 0)) || { echo "FAIL: usage: $0 DIGEST_LIST (NAME REPORT_JSON EXIT_CODE LIST)..."; exit 1; }
if ((${#failed[@]})); then
  echo
  echo "FAIL: digests differ from the checked-in list(s): ${failed[*]}; regenerate: $regenerate"
  exit 1
fi
echo "PASS"
