#!/usr/bin/env bash
# Runs the inspector binary on generated format 1, 2 and 3 snapshots and on
# damaged copies of them; checks exit codes (0 report, 1 --verify failed,
# 2 misuse or unreadable) and the fields printed.
# Usage (from BUILD): inspect_test.sh INSPECT_BINARY SAMPLE_F1 SAMPLE_F2 SAMPLE_F3
# (the format 2 and 3 samples are written with 64-byte chunks: 2 chunks.)
set -u

INSPECT="$1"
SAMPLE="$2"
SAMPLE2="$3"
SAMPLE3="$4"
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
run corrupt_report 1 "$TMP/corrupt.snap"
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

# --- a file labelled format 4 (unknown) ---------------------------------------------
cp "$SAMPLE" "$TMP/format4.snap"
chmod u+w "$TMP/format4.snap"
patch_byte "$TMP/format4.snap" 8 004
run format4 1 --verify "$TMP/format4.snap"
expect format4 out '^format: +4$'
expect format4 out '^format_status: +unknown$'
expect format4 err 'UNIMPLEMENTED.*snapshot format 4 is unknown'

# --- format 2: sizes, chunks, per-chunk verification -------------------------------
run f2 0 "$SAMPLE2"
expect f2 out '^format: +2$'
expect f2 out '^format_status: +shipped$'
expect f2 out '^written_by: +v2$'
expect f2 out '^min_reader: +v2$'
expect f2 out '^learners: +\{4,6\}$'
expect f2 out '^cluster_version: +2$'
expect f2 out '^body_bytes: +130$'
expect f2 out '^compressed_bytes: +[0-9]+$'
expect f2 out '^compression_ratio: +[0-9]+\.[0-9]{2}$'
expect f2 out '^chunk_bytes: +64$'
expect f2 out '^chunk_count: +2$'
expect f2 out '^zstd_level: +3$'
expect f2 out '^chunks_verified: +2 of 2 ok$'
expect f2 out '^checksum: +match$'
if grep -q '^chunk\[' "$TMP/f2.out"; then fail "f2: chunk lines without --verify"; fi
run f2_verify 0 --verify "$SAMPLE2"
expect f2_verify out '^chunk\[0\]: +offset=[0-9]+ data=64 crc=0x[0-9a-f]{8} ok$'
expect f2_verify out '^chunk\[1\]: +offset=[0-9]+ data=[0-9]+ crc=0x[0-9a-f]{8} ok$'
expect f2_verify err 'verify ok'
run f2_json 0 --json --verify "$SAMPLE2"
expect f2_json out '"chunks": \[\{"offset": '
expect f2_json out '"chunks_verified": "2 of 2 ok",'

# The second chunk's data damaged: named, and --verify fails.
offset1=$(sed -n 's/^chunk\[1\]: *offset=\([0-9]*\) .*/\1/p' "$TMP/f2_verify.out")
cp "$SAMPLE2" "$TMP/f2_bad.snap"
chmod u+w "$TMP/f2_bad.snap"
patch_byte "$TMP/f2_bad.snap" $((offset1 + 14)) 252
run f2_bad 1 --verify "$TMP/f2_bad.snap"
expect f2_bad out "^chunks_verified: +1 of 2 ok, MISMATCH in chunk 1 \(offset $offset1\)$"
expect f2_bad out '^chunk\[1\]: .* MISMATCH \(computed 0x[0-9a-f]{8}\)$'
expect f2_bad out '^last_index: +42$'
expect f2_bad out '^kv_pairs: +-$'
expect f2_bad err 'DATA_LOSS.*chunk 1'

head -c $((offset1 + 20)) "$SAMPLE2" >"$TMP/f2_cut.snap"
run f2_cut 1 --verify "$TMP/f2_cut.snap"
expect f2_cut out '^chunks_verified: +1 of 2 ok, 1 not found$'
expect f2_cut err 'DATA_LOSS.*truncated'

# --- format 3: joint configuration and metadata -------------------------------------
run f3 0 --verify "$SAMPLE3"
expect f3 out '^format: +3$'
expect f3 out '^written_by: +v3$'
expect f3 out '^voters_outgoing: +\{1,2,3\}$'
expect f3 out '^cluster_version: +3$'
expect f3 out '^metadata_entries: +4$'
expect f3 out '^metadata: +\{.*writer=v3\}$'
expect f3 out '^chunks_verified: +2 of 2 ok$'
run f3_json 0 --json "$SAMPLE3"
expect f3_json out '"metadata": \{.*"writer": "v3"\}'

# --- not a snapshot ------------------------------------------------------------------
printf 'hello world, not a snapshot\n' >"$TMP/text.txt"
run magic 1 --verify "$TMP/text.txt"
run magic_report 1 "$TMP/text.txt"
expect magic_report out '^status: +INVALID_ARGUMENT'
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
