#!/bin/bash
# The runner with the canaries linked in (//matrix:canary_runner) end to end:
# --canaries prints the detection table and writes the reports, honours
# --mode; a canary tag is a tag like any other in --tags and --pairs (judged
# by the policy as its base); the plain runner has no canary tags.
set -uo pipefail
R="$1"      # //matrix/canaries:runner
PLAIN="$2"  # //matrix/runner:runner
T="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }
expect_exit() {  # want_status description command...
  local want="$1" what="$2"; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  [[ $got == "$want" ]] || { cat "$T/out" "$T/err"; fail "$what: exit $got, want $want"; }
}

# Detection: the field-reuse canary is caught at seed 1 (a wire break), and
# the table, its three figures and the report files are written.
expect_exit 0 "canary detection" "$R" --canaries --only=v2+fieldreuse --scenarios=rolling_upgrade --seeds=2 --out="$T/can" --jobs=1
grep -q "v2+fieldreuse .* rolling_upgrade v1->v2+fieldreuse .* 1 (2 runs) .* wire .* CAUGHT" "$T/out" || { cat "$T/out"; fail "fieldreuse not caught at seed 1"; }
grep -q "FIELD_WIRE_COMPATIBLE_TYPE Message to=4" "$T/out" || fail "no schema check finding"
grep -q "detection rate: 1/1" "$T/out" || fail "no detection rate"
grep -q "median seeds to first detection: 1.0" "$T/out" || fail "no median"
grep -q "fast mode" "$T/out" || fail "the table does not say its mode"
for f in report.md report.json report.html; do [[ -s "$T/can/$f" ]] || fail "missing canary $f"; done
grep -q '<section id="canaries">' "$T/can/report.html" || fail "no canary section in report.html"
expect_exit 2 "unknown canary" "$R" --canaries --only=v2+nope

# --mode=full reaches the detector (full plans: 5 nodes), and --seed runs that seed only.
expect_exit 0 "canary detection, full mode" "$R" --canaries --only=v2+fieldreuse --scenarios=rolling_upgrade --pairs=v2:v2+fieldreuse --seed=3 --mode=full --shrink_runs=0 --out="$T/canfull" --jobs=1
grep -q "seeds 3..3, full mode" "$T/err" || { cat "$T/err"; fail "full mode or --seed not honoured"; }
grep -q "full mode" "$T/out" || fail "the table does not say full mode"
grep -q -- "--seed=3 --mode=full" "$T/out" || { cat "$T/out"; fail "no full-mode reproduction command"; }

# A canary tag in --tags: sorted after its base, judged as its base (the
# cell v2->v2+fieldreuse is expected to pass and fails), reported as a cell.
expect_exit 0 "dry run with a canary tag" "$R" --dry-run --scenarios=rolling_upgrade --tags=v2+fieldreuse,v2 --seed=1
grep -q "== rolling_upgrade v2->v2+fieldreuse seed 1: policy declares .* => expected PASS" "$T/out" || { cat "$T/out"; fail "canary pair not judged as its base"; }
grep -q "== rolling_upgrade v2+fieldreuse->v2 " "$T/out" && fail "a canary sorted before its base"
expect_exit 1 "matrix with a canary tag" "$R" --scenarios=rolling_upgrade --tags=v2,v2+fieldreuse --seeds=1 --shrink_runs=0 --out="$T/rep" --jobs=1
grep -Eq "^rolling_upgrade +\| PASS 1/1 +\| FAIL 0/1 " "$T/out" || { cat "$T/out"; fail "canary column not FAIL next to a green base"; }
grep -q "v2->v2+fieldreuse" "$T/out" || fail "no v2->v2+fieldreuse column"
grep -q "reproduce: bazel run //matrix:canary_runner -- --scenarios=rolling_upgrade --pairs=v2:v2+fieldreuse --seed=1" "$T/out" || { cat "$T/out"; fail "no reproduction command for the canary cell"; }

# The plain runner knows no canary tag.
expect_exit 2 "plain runner, canary tag" "$PLAIN" --tags=v2,v2+fieldreuse --dry-run
grep -q "unknown tag 'v2+fieldreuse'" "$T/err" || fail "plain runner: unknown tag message"
echo PASS
