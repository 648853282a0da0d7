#!/bin/bash
# report.html in a real browser: headless Chromium (Debian's chromium package,
# installed by scripts/setup.sh) loads a report rendered by the real report
# code from a synthetic matrix (report_browser_fixture: a cell of every status,
# two red FAIL cells with artifacts, one REFUSED-as-expected) and must:
#  (a) meet no console error: Chromium logs every console message and every
#      uncaught exception of the page to stderr as "...:CONSOLE..." lines (the
#      report logs nothing), and the page's own error hook lists any error,
#      failed load or console.error on <html data-errors>; <html data-ready>
#      proves its script ran to the end;
#  (b) show the grid: one <td class="cell STATUS"> per cell (UNKNOWN too, in
#      the legend as well), and the feature coverage section with the paths
#      no cell exercised;
#  (c) show a red cell's reproduction command after a click on it:
#      report.html#cell=S/F/T makes the page dispatch a click event on that
#      cell, which runs the cell's own click handler; the DOM dumped after the
#      load shows the opened details. The clicked cell is the second red one,
#      not the one the page opens by itself.
# The same again over the DevTools protocol (report_browser_cdp.js, plain
# Node.js): every exception, console error and failed load reported by the
# browser itself, and a real mouse press and release at the red cell's
# on-screen position (hit-tested: the cell must be the element there).
#  (d) show every cell's chart (green ones too): time bins of throughput and
#      errors, p50/p99 latency lines, per-node lanes with release and cluster
#      version, and one marker per upgrade, finalize, fault and election of
#      the fixture's plan.
# The assertions are shown able to fail on three broken copies of the page:
# one whose script throws (console error seen by every detector, page not
# ready), one whose cells ignore clicks (no reproduction command shown), one
# that draws no election markers.
#
# Fails when /usr/bin/chromium is absent (scripts/setup.sh installs it), unless
# RAFTCERT_SKIP_BROWSER=1 asks to skip (exit 0, a SKIPPED line). No network: a file:// URL, and Chromium's background networking off.
set -uo pipefail
FIXTURE="$1"
CDP="$2"
CHROMIUM=/usr/bin/chromium
T="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }

if [[ ! -x "$CHROMIUM" ]]; then
  # scripts/setup.sh installs it, so a missing browser is a broken setup, not
  # a pass: only an explicit --test_env=RAFTCERT_SKIP_BROWSER=1 skips.
  if [[ "${RAFTCERT_SKIP_BROWSER:-}" != 1 ]]; then
    fail "$CHROMIUM is absent: run scripts/setup.sh (it installs Debian's chromium), or skip this test explicitly with --test_env=RAFTCERT_SKIP_BROWSER=1"
  fi
  msg="SKIPPED (RAFTCERT_SKIP_BROWSER=1): $CHROMIUM is absent, so report.html was not tested in a browser"
  echo "$msg"
  echo "$msg" >&2
  if [[ -n "${TEST_WARNINGS_OUTPUT_FILE:-}" ]]; then echo "$msg" >>"$TEST_WARNINGS_OUTPUT_FILE"; fi
  exit 0
fi
"$CHROMIUM" --version 2>/dev/null | grep -v 'unexpected operator'

# Chromium writes under $HOME and the XDG directories: keep it all in the test's tmp.
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_CACHE_HOME="$T/home/.cache"
mkdir -p "$HOME"

"$FIXTURE" "$T/report" || fail "the fixture did not write the report"
PAGE="$T/report/report.html"
[[ -s "$PAGE" ]] || fail "no report.html"

RED1=rolling_upgrade/v1/v2   # the first red cell: the page opens it by itself
RED2=skip_version/v1/v2      # the red cell the test clicks
REPRO1="bazel run //matrix:runner -- --scenarios=rolling_upgrade --pairs=v1:v2 --seed=2"
REPRO2="bazel run //matrix:runner -- --scenarios=skip_version --pairs=v1:v2 --seed=7"

# load URL: runs headless Chromium on URL; sets DOM (the DOM after the page's
# script ran) and LOG (Chromium's stderr).
run=0
load() {
  run=$((run + 1))
  DOM="$T/run$run.dom" LOG="$T/run$run.log"
  timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
    --disable-background-networking --disable-extensions --disable-component-update \
    --disable-sync --no-first-run --no-default-browser-check \
    --user-data-dir="$T/profile$run" --enable-logging=stderr --v=0 \
    --dump-dom "$1" >"$DOM" 2>"$LOG"
  local rc=$?
  echo "chromium run $run: $1 -> exit $rc, $(wc -c <"$DOM") bytes of DOM"
  [[ $rc == 0 ]] || { cat "$LOG"; fail "chromium exited $rc on $1"; }
  grep -q '</html>' "$DOM" || { cat "$LOG"; fail "chromium dumped no DOM for $1"; }
}

# The checks print why they fail and return 1.
html_tag() { grep -o '<html[^>]*>' "$DOM" | head -1; }

check_clean() {  # (a)
  local console
  console=$(grep -E ':CONSOLE[(:]' "$LOG")
  if [[ -n "$console" ]]; then echo "console messages: $console"; return 1; fi
  if html_tag | grep -q 'data-errors='; then echo "page error hook: $(html_tag)"; return 1; fi
  if ! html_tag | grep -q 'data-ready="yes"'; then echo "page script did not run to its end: $(html_tag)"; return 1; fi
}

check_grid() {  # (b)
  grep -q '<div id="grid"><table class="grid">' "$DOM" || { echo "no grid table"; return 1; }
  local status want got
  for want in "PASS 2" "FAIL 2" "REFUSED-as-expected 1" "UNEXPECTED-GREEN 1" "UNKNOWN 1"; do
    status=${want% *}
    got=$(grep -oE "<td class=\"cell $status( sel)?\" data-cell=\"[a-z_]+/v[0-9]/v[0-9]\"" "$DOM" | wc -l)
    [[ "$got" == "${want#* }" ]] || { echo "grid: $got cells $status, want ${want#* }"; return 1; }
  done
  grep -q '<div class="legend"><span class="chip PASS">PASS</span>' "$DOM" || { echo "no legend"; return 1; }
  grep -q '<span class="chip UNKNOWN">UNKNOWN</span>' "$DOM" || { echo "no UNKNOWN in the legend"; return 1; }
  grep -q '<div id="coverage"><h2>feature coverage: ' "$DOM" || { echo "no feature coverage section"; return 1; }
  grep -q '<ul id="never-exercised"><li>v1 became_leader: ' "$DOM" || { echo "no list of paths never exercised"; return 1; }
}

# check_opened CELL REPRO OTHER_REPRO: CELL is the selected one and the details
# below the grid (from <div id="detail"> to the embedded data) are CELL's: its
# reproduction command (and not OTHER_REPRO), the first violated invariant,
# the timeline and the per-step node tables.
check_opened() {  # (c)
  local cell="$1" repro="$2" other="$3" detail
  detail=$(sed -n '/<div id="detail"/,/<script id="data"/p' "$DOM" | sed '/<script id="data"/,$d')
  grep -qF "<td class=\"cell FAIL sel\" data-cell=\"$cell\"" "$DOM" || { echo "cell $cell is not the selected one"; return 1; }
  [[ $(grep -o 'class="cell [^"]* sel"' "$DOM" | wc -l) == 1 ]] || { echo "not exactly one selected cell"; return 1; }
  grep -qF "<div id=\"detail\" data-cell=\"$cell\">" <<<"$detail" || { echo "the details are not those of $cell"; return 1; }
  grep -qF "<code class=\"repro\">$repro</code>" <<<"$detail" || { echo "no reproduction command '$repro' in the details"; return 1; }
  if grep -qF "$other" <<<"$detail"; then echo "the details show another cell's command '$other'"; return 1; fi
  grep -q 'first violated invariant</h3>' <<<"$detail" || { echo "no first violated invariant"; return 1; }
  grep -q '<svg width="1000"' <<<"$detail" || { echo "no timeline"; return 1; }
  grep -q '>violation</text>' <<<"$detail" || { echo "the timeline does not mark the violation"; return 1; }
  grep -q '<summary>before / after</summary>' <<<"$detail" || { echo "no per-step node tables"; return 1; }
  grep -q '<th>commit</th><th>applied</th>' <<<"$detail" || { echo "node tables lack commit/applied"; return 1; }
}

# check_chart CELL: the details of CELL (any status) hold its chart: time
# bins, latency lines, lanes with release and cluster version, and exactly
# the markers of the fixture's plan (report_browser_fixture.cc, FixtureChart):
# 3 upgrades, 1 finalize, 2 faults, 2 elections, no rollback or downgrade.
check_chart() {  # (d)
  local cell="$1" detail kind want got
  detail=$(sed -n '/<div id="detail"/,/<script id="data"/p' "$DOM" | sed '/<script id="data"/,$d')
  grep -qF "<div id=\"detail\" data-cell=\"$cell\">" <<<"$detail" || { echo "the details are not those of $cell"; return 1; }
  grep -q '<svg class="chart" width="1000"' <<<"$detail" || { echo "no chart for $cell"; return 1; }
  [[ $(grep -o 'class="bin"' <<<"$detail" | wc -l) == 50 ]] || { echo "chart: not 50 time bins"; return 1; }
  grep -q 'class="bin-errors"' <<<"$detail" || { echo "chart: no error bars"; return 1; }
  grep -q '<polyline class="latency-p99"' <<<"$detail" || { echo "chart: no p99 line"; return 1; }
  grep -q '<polyline class="latency-p50"' <<<"$detail" || { echo "chart: no p50 line"; return 1; }
  grep -q 'class="lane-label"[^>]*>v[0-9] cv2</text>' <<<"$detail" || { echo "chart: no lane shows cluster version 2"; return 1; }
  for want in upgrade:3 finalize:1 fault:2 election:2 rollback:0 downgrade:0; do
    kind=${want%:*}
    got=$(grep -o "<line class=\"marker $kind\" data-kind=\"$kind\"" <<<"$detail" | wc -l)
    [[ "$got" == "${want#*:}" ]] || { echo "chart: $got $kind markers, the plan has ${want#*:}"; return 1; }
  done
}

must() { local why; why=$("$@") || fail "$* (run $run): $why"; }

# 1. Plain load: clean, the grid, and the first red cell opened by the page.
load "file://$PAGE"
must check_clean
must check_grid
must check_opened "$RED1" "$REPRO1" "$REPRO2"
# The violation text carries markup; it must show as text, not become markup.
grep -qF 'acknowledged write lost &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;' "$DOM" || fail "the violation text is not escaped"
grep -qF '<b>x</b>' "$DOM" && fail "the violation text became markup"

must check_chart "$RED1"

# A green cell has its chart too.
load "file://$PAGE#cell=rolling_upgrade/v1/v1"
must check_clean
must check_chart rolling_upgrade/v1/v1

# 2. A click on the second red cell (through report.html#cell=...).
load "file://$PAGE#cell=$RED2"
must check_clean
must check_grid
must check_opened "$RED2" "$REPRO2" "$REPRO1"

# 3. The checks can fail. A page whose script throws at its end: both console
#    detectors see it, and the page is not ready.
sed "s|^document.documentElement.dataset.ready = 'yes';|R.cells[99].status;\n&|" "$PAGE" >"$T/throws.html"
cmp -s "$PAGE" "$T/throws.html" && fail "could not break the page (throws)"
load "file://$T/throws.html"
check_clean >/dev/null && fail "check_clean passed a page that throws"
grep -qE ':CONSOLE[(:].*Uncaught TypeError' "$LOG" || fail "chromium's log lacks the uncaught TypeError"
html_tag | grep -q 'data-errors="Uncaught TypeError' || fail "the page hook missed the TypeError: $(html_tag)"
html_tag | grep -q 'data-ready' && fail "a page that throws says it is ready"
echo "negative check 1 ok: a throwing page is caught ($(grep -oE 'Uncaught TypeError[^"]*' "$LOG" | head -1))"

#    A page whose cells ignore clicks: no console error, the grid is there,
#    but the click shows nothing.
sed 's|onclick: () => show(i, td)|onclick: () => {}|' "$PAGE" >"$T/deaf.html"
cmp -s "$PAGE" "$T/deaf.html" && fail "could not break the page (deaf)"
load "file://$T/deaf.html#cell=$RED2"
must check_clean
must check_grid
why=$(check_opened "$RED2" "$REPRO2" "$REPRO1") && fail "check_opened passed a page whose cells ignore clicks"
echo "negative check 2 ok: cells that ignore clicks are caught ($why)"

#    A page that draws no election markers: the chart check sees the plan's
#    markers missing.
sed "s|  for (const m of ch.markers) {|  for (const m of ch.markers.filter(m => m.kind !== 'election')) {|" "$PAGE" >"$T/nomarks.html"
cmp -s "$PAGE" "$T/nomarks.html" && fail "could not break the page (no markers)"
load "file://$T/nomarks.html#cell=rolling_upgrade/v1/v1"
must check_clean
why=$(check_chart rolling_upgrade/v1/v1) && fail "check_chart passed a chart without election markers"
echo "negative check 2b ok: missing markers are caught ($why)"

# 4. Over the DevTools protocol: a real mouse click on the second red cell.
NODE=$(command -v node) || fail "node is absent (scripts/setup.sh installs nodejs)"
cdp() {  # URL CELL: sets OUT to the driver's JSON line
  run=$((run + 1))
  OUT=$(timeout 120 "$NODE" "$CDP" "$CHROMIUM" "$1" "$2" "$T/profile$run")
  echo "devtools run $run: $1, click on $2 -> $OUT"
}
want='{"errors":[],"found":true,"hit":true,"detail":"'$RED2'","repro":"'$REPRO2'"}'
cdp "file://$PAGE" "$RED2"
[[ "$OUT" == "$want" ]] || fail "devtools: got $OUT, want $want"
cdp "file://$T/throws.html" "$RED2"
[[ "$OUT" == *'"errors":["exception: TypeError: Cannot read properties of undefined'* ]] ||
  fail "devtools missed the exception of the throwing page: $OUT"
cdp "file://$T/deaf.html" "$RED2"
[[ "$OUT" == "$want" ]] && fail "devtools: a click on a cell that ignores clicks opened it"
[[ "$OUT" == *'"detail":"'$RED1'"'* ]] || fail "devtools: the deaf page did not keep the first red cell open: $OUT"
echo "negative checks 3 and 4 ok: over the DevTools protocol too"

echo PASS
