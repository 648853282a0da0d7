#!/usr/bin/env bash
# Cuts a new release from the head release: copies versions/<head>/ (with its
# adapter) and wire/<head>/ to <new>, rewrites namespace, proto package, include
# paths, labels and header guards, registers the tag, records where it came
# from in versions/<new>/RELEASE.md, and freezes the old head.
#
#   scripts/cut_release.sh NEW          e.g. scripts/cut_release.sh v2
#
# After cutting, <new> is head (the only release normally edited) and the old
# head is frozen: //versions/freeze:freeze_test fails if it changes.
set -euo pipefail
cd "$(dirname "$0")/.."

new=${1:-}
if [[ ! "$new" =~ ^v[0-9]+$ ]]; then
  echo "usage: scripts/cut_release.sh vN   (NEW must look like v2, v3, ...)" >&2
  exit 2
fi
head=$(ls -d versions/v[0-9]* 2>/dev/null | sed 's|versions/||' | sort -V | tail -1)
[[ -n "$head" ]] || { echo "cut_release: no release under versions/" >&2; exit 2; }
[[ -e "versions/$new" || -e "wire/$new" ]] && { echo "cut_release: $new already exists" >&2; exit 2; }
if [[ $(printf '%s\n%s\n' "$head" "$new" | sort -V | tail -1) != "$new" || "$head" == "$new" ]]; then
  echo "cut_release: $new must be newer than head $head" >&2; exit 2
fi
H=${head#v}; N=${new#v}
echo "cut_release: $head -> $new"

cp -r "versions/$head" "versions/$new"
cp -r "wire/$head" "wire/$new"
rm -f "versions/$new/RELEASE.md"

# Every identifier that names the tag, and the head's description of itself
# ("release vH", which in the head's own files always means the head).
# Word-bounded so v1 never matches v10.
rewrite() {
  sed -i -E \
    -e "s/raftlog::$head\b/raftlog::$new/g" \
    -e "s/namespace raftlog::$head\b/namespace raftlog::$new/g" \
    -e "s/raftlog\.wire\.$head\b/raftlog.wire.$new/g" \
    -e "s/raftlog::wire::$head\b/raftlog::wire::$new/g" \
    -e "s#versions/$head/#versions/$new/#g" \
    -e "s#wire/$head/#wire/$new/#g" \
    -e "s#//versions/$head([:/\"])#//versions/$new\1#g" \
    -e "s#//wire/$head([:/\"])#//wire/$new\1#g" \
    -e "s/RAFTLOG_VERSIONS_V${H}_/RAFTLOG_VERSIONS_V${N}_/g" \
    -e "s/RAFTLOG_WIRE_V${H}_/RAFTLOG_WIRE_V${N}_/g" \
    -e "s/\bRAFTLOG_V${H}_CHECK\b/RAFTLOG_V${N}_CHECK/g" \
    -e "s/\b([Rr])elease $head\b/\1elease $new/g" \
    -e "s/\b$head::/$new::/g" \
    -e "s/\"$head\"/\"$new\"/g" \
    "$1"
}
while IFS= read -r -d '' f; do rewrite "$f"; done < <(find "versions/$new" "wire/$new" -type f -print0)

src_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cat > "versions/$new/RELEASE.md" <<EOM
# Release $new

Cut from $head at commit $src_commit by scripts/cut_release.sh on $(date -u +%Y-%m-%d).
Namespace raftlog::$new, wire package raftlog.wire.$new.

## Changes since $head
(none yet: $new is head; list each version-gated change here as it lands)
EOM

# Register the tag: the registry and the freeze check learn of it.
sed -i "s|// cut_release: registry includes|#include \"versions/$new/adapter/adapter.h\"\n// cut_release: registry includes|" versions/registry.cc
sed -i "s|// cut_release: registry entries|raftlog::$new::adapter::Release(),\n      // cut_release: registry entries|" versions/registry.cc
sed -i "s|# cut_release: registry deps|\"//versions/$new/adapter\",\n        # cut_release: registry deps|" versions/BUILD
sed -i "s|# cut_release: released trees|\"//versions/$head:release_files\",\n    \"//wire/$head:release_files\",\n    # cut_release: released trees|" versions/freeze/BUILD

echo "cut_release: freezing $head"
bash scripts/freeze.sh "$head"
echo "cut_release: done. Next: bazel test //versions/... //wire/... ; describe $new's changes in versions/$new/RELEASE.md"
