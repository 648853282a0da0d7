#!/bin/bash
# simulate --choices=FILE replays a recorded choice sequence: a clean one
# passes (exit 0) with every choice in the trace, a violating one fails
# (exit 1) at the recorded choice with the checker's diagnosis, twice with the
# same trace digest; a file that does not fit is a clear error (exit 2).
set -uo pipefail
SIM="$1"
DATA=matrix/sim/testdata
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }

run() {  # file out -> exit status
  "$SIM" --choices="$1" > "$2" 2> "$2.err"
  echo $?
}

[[ $(run "$DATA/choices_v1_election.txt" "$TMP/clean") == 0 ]] || { cat "$TMP/clean"*; fail "clean replay"; }
grep -q '^PASS$' "$TMP/clean" || fail "no PASS line"
grep -q 'leader n1 term 2' "$TMP/clean" || fail "no leader line in the trace"
[[ $(grep -c ' deliver ' "$TMP/clean") == 4 ]] || fail "expected the 4 recorded deliveries"

[[ $(run "$DATA/choices_broken_ack.txt" "$TMP/bad1") == 1 ]] || { cat "$TMP/bad1"*; fail "violating replay"; }
grep -q '^SAFETY durability @6000us: two writes acknowledged at index 1' "$TMP/bad1" \
  || fail "no durability violation at choice 6"
grep -q 'FAIL: first safety violation at choice 6' "$TMP/bad1" || fail "no FAIL line"
grep -q '^  6000 violation SAFETY durability' "$TMP/bad1" || fail "the violation is not in the trace"
[[ $(run "$DATA/choices_broken_ack.txt" "$TMP/bad2") == 1 ]] || fail "second replay"
a=$(grep '^trace digest' "$TMP/bad1"); b=$(grep '^trace digest' "$TMP/bad2")
[[ -n "$a" && "$a" == "$b" ]] || fail "digests differ: '$a' / '$b'"

printf 'tags v1,v1,v1\nput 1\n' > "$TMP/not_enabled.txt"
[[ $(run "$TMP/not_enabled.txt" "$TMP/ne") == 2 ]] || fail "a choice that is not enabled"
grep -q 'choice 1' "$TMP/ne.err" || { cat "$TMP/ne.err"; fail "the error does not name the choice"; }
printf 'tags v9\n' > "$TMP/unknown_tag.txt"
[[ $(run "$TMP/unknown_tag.txt" "$TMP/ut") == 2 ]] || fail "an unknown tag"
printf 'tags v2+reconfig,v2+reconfig\n' > "$TMP/canary.txt"
[[ $(run "$TMP/canary.txt" "$TMP/ca") == 2 ]] || fail "a canary tag"
grep -q 'bazel run //matrix:explore -- --replay=' "$TMP/ca.err" || { cat "$TMP/ca.err"; fail "no hint for a canary"; }
printf 'tick 1\n' > "$TMP/no_tags.txt"
[[ $(run "$TMP/no_tags.txt" "$TMP/nt") == 2 ]] || fail "a file without tags"
[[ $(run "$TMP/missing.txt" "$TMP/mi") == 2 ]] || fail "a missing file"
echo "PASS: $a"
