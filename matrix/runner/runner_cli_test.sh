#!/bin/bash
# The runner binary end to end: listing, dry runs, usage errors, a real cell
# with its report files, a stale policy (unexpected green, exit 1), a
# comparison with an earlier run (--compare, and the compare tool), histories
# written for other checkers (--write-history, read back by lincheck), a
# linearizability search out of budget (UNKNOWN, exit 3, and a cell test that
# fails on it), sharding.
set -uo pipefail
R="$1"
CELL_TEST="$2"  # the wrapper every Bazel cell test runs
COMPARE="$3"    # //matrix:compare
LINCHECK="$4"   # //matrix:lincheck
T="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }
expect_exit() {  # want_status description command...
  local want="$1" what="$2"; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  [[ $got == "$want" ]] || { cat "$T/out" "$T/err"; fail "$what: exit $got, want $want"; }
}

expect_exit 0 "--list" "$R" --list
grep -q "rolling_upgrade (requires rolling_upgrade)" "$T/out" || fail "--list lacks scenarios"
grep -q "registered tags: v1" "$T/out" || fail "--list lacks tags"

expect_exit 0 "--dry-run" "$R" --dry-run --scenarios=rolling_upgrade --pairs=v1:v1 --seed=3
grep -q "scenario rolling_upgrade: v1 -> v1, seed 3, mode fast" "$T/out" || fail "dry run: no plan header"
grep -q "upgrade n[0-9] v1->v1 \[rollout\]" "$T/out" || fail "dry run: no upgrade step"
grep -q "expected PASS on every seed" "$T/out" || fail "dry run: no expectation"
[[ ! -e matrix-report ]] || fail "dry run wrote a report"

expect_exit 2 "unknown tag" "$R" --tags=v1,nope
grep -q "unknown tag 'nope'" "$T/err" || fail "unknown tag message"
expect_exit 2 "unknown scenario" "$R" --scenarios=nope
expect_exit 2 "backward pair" "$R" --pairs=v2:v1
grep -q "goes from newer to older" "$T/err" || fail "backward pair message"
printf 'v1 -> v1: rolling\n' >"$T/bad_policy.txt"
expect_exit 2 "bad policy" "$R" --policy="$T/bad_policy.txt"
grep -q "bad_policy.txt:1: unknown capability 'rolling'" "$T/err" || fail "policy error lacks file:line"

expect_exit 0 "one cell" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=2 --out="$T/rep" --jobs=1
grep -q "rolling_upgrade | PASS 2/2" "$T/out" || { cat "$T/out"; fail "cell not PASS 2/2"; }
for f in report.md report.json report.html report.xml report.seeds.xml; do
  [[ -s "$T/rep/$f" ]] || fail "missing $f"
done
grep -q '"ok": true' "$T/rep/report.json" || fail "report.json not ok"
grep -q "seeds/s" "$T/err" || fail "no progress line on stderr"

# --write-history: one Jepsen EDN file per cell and seed, which lincheck reads
# with the matrix's verdict (linearizable: exit 0).
expect_exit 0 "--write-history" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=2 --out="$T/reph" --write-history="$T/hist/new"
grep -q "histories: $T/hist/new (2 files" "$T/out" || { cat "$T/out"; fail "no histories line"; }
for seed in 1 2; do
  f="$T/hist/new/rolling_upgrade__v1_v1__seed${seed}__fast.edn"
  [[ -s "$f" ]] || fail "missing $f"
  grep -q "^; raftcert matrix history: rolling_upgrade v1->v1, seed $seed, fast mode" "$f" || fail "$f: no header"
done
expect_exit 0 "lincheck on written histories" "$LINCHECK" "$T"/hist/new/*.edn
grep -q "seed1__fast.edn: linearizable (kv," "$T/out" || { cat "$T/out"; fail "lincheck verdict"; }
touch "$T/not_a_dir"
expect_exit 2 "--write-history into a file" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=1 --out="$T/reph2" --write-history="$T/not_a_dir/x"
grep -q -- "--write_history: cannot create" "$T/err" || { cat "$T/err"; fail "bad history dir message"; }

printf 'v1 -> v1: none\n' >"$T/stale.txt"
expect_exit 1 "stale policy" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=1 --policy="$T/stale.txt" --out="$T/rep2" --shrink_runs=0
grep -q "UNEXPECTED-GREEN 0/1" "$T/out" || { cat "$T/out"; fail "no unexpected green"; }
grep -q "reproduce: bazel run //matrix:runner -- --scenarios=rolling_upgrade --pairs=v1:v1 --seed=1" "$T/out" || fail "no reproduction command"

# Run-to-run comparison: the same cell under the stale policy, compared with
# the PASS run above. The run keeps its own exit status (1); the comparison
# names the cell that got worse and the violations that appeared.
expect_exit 1 "--compare" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=2 --policy="$T/stale.txt" --out="$T/rep4" --shrink_runs=0 --compare="$T/rep/report.json"
grep -q "status WORSE   rolling_upgrade v1->v1: PASS -> UNEXPECTED-GREEN" "$T/out" || { cat "$T/out"; fail "--compare: no status change"; }
grep -q "NEW violation rolling_upgrade v1->v1 (green, seeds 1,2)" "$T/out" || { cat "$T/out"; fail "--compare: no new violation"; }
grep -q "seeds per second: " "$T/out" || fail "--compare: no seeds per second"
for f in compare.md compare.json; do [[ -s "$T/rep4/$f" ]] || fail "--compare: missing $f"; done
grep -q '"worse": true' "$T/rep4/compare.json" || fail "compare.json not worse"
expect_exit 2 "--compare with a missing base" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=1 --out="$T/rep5" --compare="$T/nope/report.json"
grep -q -- "--compare: cannot read $T/nope/report.json" "$T/err" || { cat "$T/err"; fail "missing base message"; }
[[ ! -e "$T/rep5" ]] || fail "a bad --compare base still ran the matrix"
# The compare tool on reports already written: 0 same, 1 worse, 2 bad input.
expect_exit 0 "compare identical" "$COMPARE" "$T/rep/report.json" "$T/rep/report.json" --out="$T"
grep -q "0 status change(s), 0 new and 0 vanished violation(s), 0 telemetry move(s)" "$T/out" || { cat "$T/out"; fail "identical runs differ"; }
expect_exit 1 "compare worse" "$COMPARE" "$T/rep/report.json" "$T/rep4/report.json"
[[ -s "$T/rep4/compare.md" ]] || fail "compare tool: no compare.md beside the head report"
echo '{"format": "raftlog-matrix-report/1", "cells": []}' >"$T/old.json"
expect_exit 2 "compare old format" "$COMPARE" "$T/old.json" "$T/rep/report.json"
grep -q "old.json is report format raftlog-matrix-report/1; this build reads raftlog-matrix-report/2" "$T/err" || { cat "$T/err"; fail "old format message"; }
echo 'not json' >"$T/text.json"
expect_exit 2 "compare not JSON" "$COMPARE" "$T/rep/report.json" "$T/text.json"
grep -q "text.json is not JSON" "$T/err" || { cat "$T/err"; fail "not-JSON message"; }
expect_exit 2 "compare one argument" "$COMPARE" "$T/rep/report.json"

# No silent pass: with a budget of one state per search every history is too
# big to judge; the cell is UNKNOWN, never PASS, and the exit status is 3.
expect_exit 3 "lin budget exhausted" "$R" --scenarios=rolling_upgrade --pairs=v1:v1 --seeds=1 --lin_max_states=1 --out="$T/rep3" --shrink_runs=0
grep -q "rolling_upgrade | UNKNOWN 0/1" "$T/out" || { cat "$T/out"; fail "cell not UNKNOWN 0/1"; }
grep -q "linearizability: 1 unknown seed(s)" "$T/out" || { cat "$T/out"; fail "no unknown seed count"; }
grep -q '"status": "UNKNOWN"' "$T/rep3/report.json" || fail "report.json lacks the UNKNOWN cell"
grep -q '"exit_code": 3' "$T/rep3/report.json" || fail "report.json lacks the exit code"
expect_exit 2 "zero lin budget" "$R" --lin_max_states=0
# A Bazel cell test (cell_test.sh, as matrix/cells.bzl runs it) fails on it too.
mkdir -p "$T/cell_outputs"
TEST_UNDECLARED_OUTPUTS_DIR="$T/cell_outputs" \
  expect_exit 3 "cell test on an UNKNOWN cell" "$CELL_TEST" "$R" --test --scenarios=rolling_upgrade --pairs=v1:v1 --mode=fast --seeds=1 --lin_max_states=1

# Test mode: shard 1 of 2 runs seeds 2 and 4 of 1..4; reports under the outputs dir.
mkdir -p "$T/outputs"
TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=1 TEST_SHARD_STATUS_FILE="$T/shard_status" \
  TEST_UNDECLARED_OUTPUTS_DIR="$T/outputs" \
  expect_exit 0 "sharded test mode" "$R" --test --scenarios=topologies_3 --pairs=v1:v1 --seeds=4
grep -q "2 seed(s) per cell" "$T/err" || { cat "$T/err"; fail "shard did not take 2 of 4 seeds"; }
[[ -e "$T/shard_status" ]] || fail "TEST_SHARD_STATUS_FILE not touched"
grep -q '"seed": 2' "$T/outputs/matrix-report/report.json" || fail "shard 1 lacks seed 2"
grep -q '"seed": 1,' "$T/outputs/matrix-report/report.json" && fail "shard 1 ran seed 1"
# Out-of-range values are refused, never replaced by a default.
expect_exit 2 "negative seeds" "$R" --seeds=-3 --dry_run
grep -q -- "--seeds=-3: seeds per cell must be at least 1" "$T/err" || fail "negative seeds: no reason"
expect_exit 2 "empty tag list" "$R" --tags= --dry_run
grep -q -- "--tags is empty" "$T/err" || fail "empty tag list: no reason"
expect_exit 2 "unknown mode" "$R" --mode=bogus --dry_run
grep -q "unknown mode 'bogus'" "$T/err" || fail "unknown mode: no reason"
# --help lists the flags, which live in cli.cc, not in the main file.
"$R" --help >"$T/help" 2>&1
grep -q -- "--scenarios" "$T/help" && grep -q -- "--write_history" "$T/help" ||
  { cat "$T/help"; fail "--help does not list the runner's flags"; }
expect_exit 2 "no canaries linked" "$R" --canaries
grep -q "links no canary releases: bazel run //matrix:canary_runner" "$T/err" ||
  fail "plain runner: no pointer to //matrix:canary_runner"
expect_exit 2 "canary tag on the plain runner" "$R" --tags=v2,v3+vote --dry_run
grep -q "canary tags run with bazel run //matrix:canary_runner" "$T/err" ||
  fail "plain runner: a canary tag gets no pointer to //matrix:canary_runner"
echo PASS
