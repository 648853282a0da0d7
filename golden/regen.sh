#!/usr/bin/env bash
# The implementation of scripts/regen_golden.sh (kept in golden/ so that
# //golden:regen_golden_test can run it). Regenerates golden/<tag>/ (snapshots, wire messages, log segments, hard state,
# their readable twins and the MANIFEST) with //golden:generate.
#
#   scripts/regen_golden.sh                        the head release only
#   scripts/regen_golden.sh --force-released TAG   a released (frozen) tag
#
# Head is the newest tag under versions/. A tag listed in versions/FROZEN is
# released: its goldens are the proof that its formats never change, so they
# are rewritten only with --force-released TAG, and then every digest that
# changed is printed (old vs new MANIFEST). Without the flag the script
# refuses to touch a released tag.
#
# --dry-run stops before building and says which tag it would regenerate;
# --compare-manifests OLD NEW only prints the digest changes between two
# MANIFEST files (both for golden/regen_golden_test.sh).
#
# Bazel startup options (your own output base, as the team notes ask) come
# from $BAZEL_STARTUP_OPTS, e.g.
#   BAZEL_STARTUP_OPTS=--output_base=/tmp/bazel_ob_me scripts/regen_golden.sh
set -euo pipefail
cd "$(dirname "$0")/.."   # the repository root: this file is golden/regen.sh

usage() {
  echo "usage: scripts/regen_golden.sh [--force-released TAG] [--dry-run]" >&2
  exit 2
}

# Old vs new digests, per file, from two MANIFESTs (a missing old one is empty).
compare_manifests() {
  { cat "$1"; echo "@@new@@"; cat "$2"; } | awk '
    $0 == "@@new@@" { in_new = 1; next }
    $1 == "file" {
      sha = ""
      for (i = 3; i <= NF; i++) if ($i ~ /^sha256=/) sha = substr($i, 8)
      if (in_new) new[$2] = sha; else old[$2] = sha
    }
    END {
      changed = 0
      for (f in new) {
        if (!(f in old)) { printf "  added    %s %s\n", f, new[f]; changed++ }
        else if (old[f] != new[f]) { printf "  changed  %s %s -> %s\n", f, old[f], new[f]; changed++ }
      }
      for (f in old) if (!(f in new)) { printf "  removed  %s %s\n", f, old[f]; changed++ }
      if (changed == 0) print "  no digest changed"
      else printf "  %d file(s) changed\n", changed
    }
  ' | sort -k2
}

force=""
dry_run=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --compare-manifests)
      [[ $# -eq 3 ]] || usage
      compare_manifests "$2" "$3"
      exit 0
      ;;
    --dry-run)
      dry_run=1
      shift
      ;;
    --force-released)
      [[ $# -ge 2 ]] || usage
      force="$2"
      shift 2
      ;;
    --force-released=*)
      force="${1#*=}"
      shift
      ;;
    -h|--help) usage ;;
    *) echo "regen_golden: unknown argument $1" >&2; usage ;;
  esac
done

head=$( (ls -d versions/v[0-9]* 2>/dev/null || true) | sed "s|versions/||" | sort -V | tail -1)
[[ -n "$head" ]] || { echo "regen_golden: no release under versions/" >&2; exit 2; }
is_frozen() { grep -Eq "^$1[[:space:]]" versions/FROZEN 2>/dev/null; }

if [[ -z "$force" ]]; then
  tag="$head"
  if is_frozen "$tag"; then
    echo "regen_golden: head $tag is released (listed in versions/FROZEN); its goldens are" >&2
    echo "frozen. To rewrite them anyway: scripts/regen_golden.sh --force-released $tag" >&2
    exit 1
  fi
else
  tag="$force"
  [[ -d "versions/$tag" ]] || { echo "regen_golden: no release versions/$tag" >&2; exit 2; }
  if ! is_frozen "$tag"; then
    if [[ "$tag" == "$head" ]]; then
      echo "regen_golden: $tag is head, not released; no override needed" >&2
    else
      echo "regen_golden: $tag is neither head ($head) nor released" >&2
      exit 2
    fi
  else
    echo "regen_golden: WARNING: rewriting the goldens of released tag $tag (--force-released)"
  fi
fi

dir="golden/$tag"
if [[ $dry_run -eq 1 ]]; then
  echo "regen_golden: would regenerate $dir (head is $head)"
  exit 0
fi
old=$(mktemp)
trap 'rm -f "$old"' EXIT
if [[ -f "$dir/MANIFEST" ]]; then cp "$dir/MANIFEST" "$old"; else : > "$old"; fi

echo "regen_golden: generating $dir (head is $head)"
# shellcheck disable=SC2086
bazel ${BAZEL_STARTUP_OPTS:-} run --symlink_prefix=/ //golden:generate -- \
  --tag="$tag" --out="$PWD/$dir"

compare_manifests "$old" "$dir/MANIFEST"
echo "regen_golden: done; review with: git diff --stat -- $dir"
