#!/usr/bin/env bash
# Runs the inspector binary on a generated format 1 snapshot and on damaged
# copies of it; checks exit codes (0 report, 1 --verify failed, 2 misuse or
# unreadable) and the fields printed.
# Usage (from BUILD): inspect_test.sh INSPECT_BINARY SAMPLE_SNAPSHOT
set -u

INSPECT="$1"
SAMPLE="$2"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run NAME WANT_EXIT ARGS...: runs the inspector, keeps stdout/stderr in
# $TMP/NAME.out / .err, checks the exit code.
run() {
  local name="$1" want="$2"
  shift 2
  "$INSPECT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local got=$?
  if [[ "$got" != "$want" ]]; then
    fail "$name: exit $got, want $want (args: $*)"
    sed 's/^/  stdout: /' "$TMP/$name.out" >&2
    sed 's/^/  stderr: /' "$TMP/$name.err" >&2
  fi
}

# expect NAME STREAM REGEX: the output stream (out|err) of run NAME matches.
expect() {
  if ! grep -Eq -- "$3" "$TMP/$1.$2"; then
    fail "$1: $2 does not match /$3/"
    sed "s/^/  $2: /" "$TMP/$1.$2" >&2
  fi
}

patch_byte() {  # FILE OFFSET OCTAL_BYTE
  printf "\\$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# --- an intact file ---------------------------------------------------------
run intact 0 "$SAMPLE"
expect intact out '^format: +1$'
expect intact out '^format_status: +shipped$'
expect intact out '^written_by: +v1$'
expect intact out '^min_reader: +v1$'
expect intact out '^last_index: +42$'
expect intact out '^last_term: +7$'
expect intact out '^voters: +\{1,2,3\}$'
expect intact out '^config_index: +5$'
expect intact out '^cluster_version: +1$'
expect intact out "^file_bytes: +$(wc -c <"$SAMPLE" | tr -d ' ')$"
expect intact out '^kv_pairs: +4$'
expect intact out '^kv_bytes: +23$'
expect intact out '^sessions: +2$'
expect intact out '^checksum_stored: +0x[0-9a-f]{8}$'
expect intact out '^checksum: +match$'
expect intact out '^status: +ok$'

run verify_ok 0 "$SAMPLE" --verify
expect verify_ok err 'verify ok'

run json 0 --json "$SAMPLE"
expect json out '"format": 1,'
expect json out '"min_reader": "v1",'
expect json out '"voters": \[1,2,3\],'
expect json out '"checksum": "match",'

# --- a relative path resolves against $BUILD_WORKING_DIRECTORY ---------------
mkdir -p "$TMP/wd"
cp "$SAMPLE" "$TMP/wd/rel.snap"
BUILD_WORKING_DIRECTORY="$TMP/wd" run relative 0 rel.snap --verify
expect relative out "^file: +$TMP/wd/rel.snap$"

# --- a corrupted copy (one voter id byte changed) ----------------------------
cp "$SAMPLE" "$TMP/corrupt.snap"
chmod u+w "$TMP/corrupt.snap"
patch_byte "$TMP/corrupt.snap" 40 177
run corrupt_report 0 "$TMP/corrupt.snap"
expect corrupt_report out '^format: +1$'
expect corrupt_report out '^checksum: +MISMATCH$'
expect corrupt_report out '^last_index: +-$'
expect corrupt_report out '^status: +DATA_LOSS: .*checksum mismatch'
run corrupt_verify 1 "$TMP/corrupt.snap" --verify
expect corrupt_verify err 'verify FAILED.*checksum mismatch'

# --- a truncated copy ----------------------------------------------------------
head -c 50 "$SAMPLE" >"$TMP/truncated.snap"
run truncated_verify 1 --verify "$TMP/truncated.snap"
expect truncated_verify err 'DATA_LOSS.*truncated'

# --- trailing garbage ------------------------------------------------------------
{ cat "$SAMPLE"; printf 'junk'; } >"$TMP/trailing.snap"
run trailing_verify 1 --verify "$TMP/trailing.snap"
expect trailing_verify err 'trailing garbage'

# --- a file labelled format 2 (reserved) -------------------------------------------
cp "$SAMPLE" "$TMP/format2.snap"
chmod u+w "$TMP/format2.snap"
patch_byte "$TMP/format2.snap" 8 002
run format2 1 --verify "$TMP/format2.snap"
expect format2 out '^format: +2$'
expect format2 out '^min_reader: +v2$'
expect format2 err 'UNIMPLEMENTED.*snapshot format 2 needs release v2'

# --- not a snapshot ------------------------------------------------------------------
printf 'hello world, not a snapshot\n' >"$TMP/text.txt"
run magic 1 --verify "$TMP/text.txt"
expect magic err 'INVALID_ARGUMENT.*not a snapshot'

# --- misuse and unreadable input: exit 2 ---------------------------------------------
run no_args 2
expect no_args err 'usage: inspect FILE'
run two_files 2 "$SAMPLE" "$SAMPLE"
run unknown_flag 2 --frobnicate "$SAMPLE"
expect unknown_flag err 'unknown flag: --frobnicate'
run bad_value 2 --verify=maybe "$SAMPLE"
run missing 2 "$TMP/does-not-exist.snap"
expect missing err 'cannot read .*does-not-exist.snap'
run directory 2 "$TMP"
expect directory err 'not a regular file'

if [[ "$failures" != 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all inspector checks passed"
