#!/usr/bin/env bash
# Runs the data directory inspector (//snapshots:inspect) on every golden hard
# state and log segment of every tag: each verifies, its fields agree with the
# golden's own description (.txt, written by the release's writer), and a
# damaged copy is refused naming the offset.
# Usage (from BUILD): inspect_goldens_test.sh INSPECT_BINARY GOLDEN_FILE...
set -u
INSPECT="$1"
shift
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
checked=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
field() {  # field FILE KEY: the value of "KEY: value" (first match)
  sed -n "s/^$2: *//p" "$1" | head -1
}

for bin in "$@"; do
  case "$bin" in
    */hardstate.bin) kind=hardstate ;;
    */log-*.bin) kind=segment ;;
    *) continue ;;
  esac
  txt="${bin%.bin}.txt"
  # The inspector classifies by data directory name: give it one.
  dir="$TMP/$(basename "$(dirname "$bin")")"
  mkdir -p "$dir/log"
  if [[ $kind == hardstate ]]; then
    target="$dir/hardstate"
  else
    name=$(basename "$bin" .bin)
    target="$dir/log/${name#log-}"
  fi
  cp "$bin" "$target"
  if ! "$INSPECT" --verify "$target" >"$TMP/out" 2>"$TMP/err"; then
    fail "$bin does not verify: $(cat "$TMP/err")"
    continue
  fi
  checked=$((checked + 1))
  if [[ $kind == hardstate ]]; then
    for key in term vote commit; do
      want=$(field "$txt" "$key")
      got=$(field "$TMP/out" "$key")
      [[ "$got" == "$want" ]] || fail "$bin: $key $got, the golden says $want"
    done
    printf 'X' | dd of="$target" bs=1 seek=12 conv=notrunc status=none
    "$INSPECT" --verify "$target" >/dev/null 2>"$TMP/err" && fail "$bin: damaged copy verified"
    grep -q 'checksum mismatch (offset 32)' "$TMP/err" || fail "$bin: damage not named: $(cat "$TMP/err")"
  else
    want=$(field "$txt" records)
    got=$(field "$TMP/out" records)
    [[ "$got" == "$want" ]] || fail "$bin: $got records, the golden says $want"
    first=$(sed -n 's/^  index: //p' "$txt" | head -1)
    grep -q "^indexes: $first\.\." "$TMP/out" || fail "$bin: first index is not $first: $(cat "$TMP/out")"
    size=$(stat -c %s "$target")
    truncate -s $((size - 1)) "$target"
    "$INSPECT" --verify "$target" >/dev/null 2>"$TMP/err" && fail "$bin: truncated copy verified"
    grep -q 'record at offset [0-9]*: truncated record' "$TMP/err" ||
      fail "$bin: truncation not named: $(cat "$TMP/err")"
  fi
done
[[ $checked -ge 2 ]] || fail "only $checked golden files checked"
if [[ $failures != 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "inspected $checked golden hard states and log segments"
