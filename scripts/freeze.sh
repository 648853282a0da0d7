#!/usr/bin/env bash
# Records (or re-records) the digest of released trees in versions/FROZEN.
# Use it when cutting a release, or to re-freeze a released tag on purpose,
# in a commit that says why. //versions/freeze:freeze_test checks the record.
#   scripts/freeze.sh v1 [v2 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 ]]; then echo "usage: scripts/freeze.sh TAG..." >&2; exit 2; fi
for tag in "$@"; do
  [[ -d "versions/$tag" ]] || { echo "freeze: no versions/$tag" >&2; exit 2; }
  grep -q "//versions/$tag:release_files" versions/freeze/BUILD || {
    echo "freeze: add \"//versions/$tag:release_files\" (and //wire/$tag:release_files) to RELEASED_TREES in versions/freeze/BUILD" >&2
    exit 2
  }
done
bazel run //versions/freeze:digest -- "$@" --write
