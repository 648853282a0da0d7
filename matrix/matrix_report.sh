#!/bin/bash
# Runs the runner once, for a genrule whose report several tests read
# (//matrix:fast_matrix_report, //matrix:full_mode_seeds_report):
#
#   matrix_report.sh RUNNER POLICY OUT_DIR [RUNNER_ARGS...]
#
# writes OUT_DIR/report.json, report.md, stdout.txt, stderr.txt and
# exit_code (the runner's). It succeeds even when the runner fails or cells
# are red, so that the tests reading the report say what went wrong instead
# of the build failing on an action: a missing report is an empty file, and
# every reader checks exit_code and that report.json is not empty.
set -uo pipefail
(($# >= 3)) || { echo "usage: $0 RUNNER POLICY OUT_DIR [RUNNER_ARGS...]" >&2; exit 2; }
runner="$1" policy="$2" out="$3"
shift 3
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$runner" --policy="$policy" --out="$work/report" --progress=false --color=never "$@" \
  >"$out/stdout.txt" 2>"$out/stderr.txt"
echo $? >"$out/exit_code"
for f in report.json report.md; do
  if [[ -f "$work/report/$f" ]]; then cp "$work/report/$f" "$out/$f"; else : >"$out/$f"; fi
done
exit 0
