#!/usr/bin/env bash
# scripts/regen_golden.sh's guards (its implementation golden/regen.sh), on fake trees (--dry-run stops before
# Bazel): head only by default, released tags only with --force-released,
# head found with version ordering, and the old-vs-new digest report.
set -uo pipefail
script="$1"
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A fake repository with versions/<tags> and a FROZEN listing $frozen.
tree() {  # tree NAME "TAGS" "FROZEN TAGS"
  local root="$work/$1"
  mkdir -p "$root/golden" "$root/versions"
  cp "$script" "$root/golden/regen.sh"
  for t in $2; do mkdir -p "$root/versions/$t"; done
  : > "$root/versions/FROZEN"
  for t in $3; do echo "$t 0000" >> "$root/versions/FROZEN"; done
  echo "$root/golden/regen.sh"
}

expect() {  # expect WANT_RC WANT_TEXT -- command...
  local want_rc="$1" want_text="$2"
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -ne $want_rc || "$out" != *"$want_text"* ]]; then
    echo "FAIL: $* -> rc $rc (want $want_rc), output:"
    echo "$out" | sed 's/^/    /'
    echo "  wanted text: $want_text"
    fail=1
  else
    echo "ok: $*"
  fi
}

s=$(tree a "v1 v2" "v1")
expect 0 "would regenerate golden/v2" -- "$s" --dry-run
expect 0 "would regenerate golden/v1" -- "$s" --dry-run --force-released v1
expect 0 "WARNING: rewriting the goldens of released tag v1" -- "$s" --dry-run --force-released=v1
expect 0 "no override needed" -- "$s" --dry-run --force-released v2
expect 2 "no release versions/v3" -- "$s" --dry-run --force-released v3
expect 2 "usage" -- "$s" --force-released
expect 2 "unknown argument" -- "$s" --bogus

s=$(tree b "v1 v2" "v1 v2")
expect 1 "head v2 is released" -- "$s" --dry-run
expect 0 "would regenerate golden/v2" -- "$s" --dry-run --force-released v2

s=$(tree c "v1 v2 v9 v10" "v1 v2")
expect 0 "would regenerate golden/v10 (head is v10)" -- "$s" --dry-run
expect 2 "neither head (v10) nor released" -- "$s" --dry-run --force-released v9

s=$(tree d "" "")
expect 2 "no release under versions/" -- "$s" --dry-run

# The digest report: changed, added, removed, unchanged files.
h() { printf '%064d' "$1"; }
cat > "$work/old" <<EOM
tag v1
file a.bin sha256=$(h 1) release=v1 format=x
file b.bin sha256=$(h 2) release=v1 format=x
file c.bin sha256=$(h 3) release=v1 format=x
EOM
cat > "$work/new" <<EOM
tag v1
file a.bin sha256=$(h 1) release=v1 format=x
file b.bin sha256=$(h 9) release=v1 format=x
file d.bin sha256=$(h 4) release=v1 format=x
EOM
s=$(tree e "v1" "v1")
expect 0 "changed  b.bin $(h 2) -> $(h 9)" -- "$s" --compare-manifests "$work/old" "$work/new"
expect 0 "added    d.bin $(h 4)" -- "$s" --compare-manifests "$work/old" "$work/new"
expect 0 "removed  c.bin $(h 3)" -- "$s" --compare-manifests "$work/old" "$work/new"
expect 0 "3 file(s) changed" -- "$s" --compare-manifests "$work/old" "$work/new"
expect 0 "no digest changed" -- "$s" --compare-manifests "$work/old" "$work/old"
out=$("$s" --compare-manifests "$work/old" "$work/new")
if [[ "$out" == *"a.bin"* ]]; then echo "FAIL: unchanged a.bin reported"; fail=1; fi

exit $fail
