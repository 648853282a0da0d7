#!/usr/bin/env bash
# Regenerates the checked-in trace digest lists that //matrix:digests_test
# compares with a run: matrix/digests/fast.txt (every seed of the default fast
# matrix) and matrix/digests/full.txt (a few full-mode seeds), and prints what
# changed (the cells and seeds whose digests moved).
#
#   scripts/update_digests.sh [BAZEL_BUILD_FLAGS...]
#
# Builds the same runs the test reads (//matrix:fast_matrix_report and
# //matrix:full_mode_seeds_report: taken from the cache when the runner did
# not change), so the lists match what `bazel test //matrix:digests_test`
# sees with the same flags. Commit the lists with the change of behaviour
# that moved them; the diff is the review.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(//matrix:fast_matrix_report //matrix:full_mode_seeds_report //matrix/digests:digest_list_main)
bazel build "$@" "${targets[@]}"
bin="$(bazel info "$@" bazel-bin 2>/dev/null)"
digest_list="$bin/matrix/digests/digest_list_main"

# update NAME RUN_DIR LIST WHAT...: rewrites LIST from RUN_DIR/report.json.
update() {
  local name="$1" run="$2" list="$3"
  shift 3
  local rc
  rc="$(cat "$run/exit_code")"
  if [[ ! -s "$run/report.json" ]]; then
    cat "$run/stderr.txt" >&2
    echo "update_digests: the $name run wrote no report (runner exit $rc)" >&2
    exit 1
  fi
  local fresh
  fresh="$(mktemp)"
  {
    for line in "$@"; do echo "# $line"; done
    echo "# One line per cell and seed: scenario from->to seed trace-digest (sorted)."
    echo "# Checked by bazel test //matrix:digests_test; regenerate: scripts/update_digests.sh"
    "$digest_list" --report="$run/report.json"
  } >"$fresh"
  if [[ -f "$list" ]] && cmp -s "$fresh" "$list"; then
    echo "$list: unchanged ($(grep -vc '^#' "$list") seeds)"
    rm -f "$fresh"
    return
  fi
  if [[ -f "$list" ]]; then
    echo "$list: rewritten; what moved:"
    "$digest_list" --report="$run/report.json" --expect="$list" | sed 's/^/  /' || true
  else
    echo "$list: written"
  fi
  mv "$fresh" "$list"
}

update fast "$bin/matrix/fast_matrix" matrix/digests/fast.txt \
  "Trace digests of the default fast matrix (bazel run //matrix:runner: every" \
  "scenario, every pair of registered releases, seeds 1..8), as run by" \
  "//matrix:fast_matrix_report."
update full "$bin/matrix/full_mode_seeds" matrix/digests/full.txt \
  "Trace digests of a few seeds in full mode (5 nodes, longer runs), as run by" \
  "//matrix:full_mode_seeds_report (matrix/BUILD names the cells and seeds)."
