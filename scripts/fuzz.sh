#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, .bazelrc --config=fuzz:
# -fsanitize=fuzzer,address,undefined), seeds each one's corpus from the
# goldens (golden/<tag>/), the cross-decode captures and each decoder's
# sample writer, runs each, and prints one line per target: executions,
# executions per second, coverage (edges: libFuzzer's last "cov:") and
# crashes (crash-/timeout-/oom-/leak- files it wrote).
#
#   scripts/fuzz.sh                        # every target, 60 s each
#   scripts/fuzz.sh deliver_v3 --seconds 180
#   scripts/fuzz.sh --list
#
# Options:
#   --seconds N   time per target (default 60)
#   --runs N      stop a target after N executions as well (default: none)
#   --out DIR     corpora, logs and crash files (default /tmp/raftcert-fuzz)
#   --no-build    use the binaries already built
# Environment: RAFTCERT_FUZZ_OUTPUT_BASE, Bazel's output base for the clang
# build (default ~/.cache/bazel-raftcert-fuzz), kept apart from the gcc
# build so neither rebuilds the other's objects.
#
# Each target runs with -jobs=1 -workers=1 (one core: the machine is shared),
# -timeout=10 per input and -rss_limit_mb=2048. A crash ends that target's
# run; its input is in OUT/artifacts/TARGET/, replay it with
#   OUT/bin/TARGET OUT/artifacts/TARGET/crash-...
# Exit status: 0 when no target crashed, 1 when one did, 2 on a setup error.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

# name|bazel label of the libFuzzer binary|seed kind
TARGETS=(
  "deliver_v1|//versions/fuzz:deliver_v1_fuzz|wire"
  "deliver_v2|//versions/fuzz:deliver_v2_fuzz|wire"
  "deliver_v3|//versions/fuzz:deliver_v3_fuzz|wire"
  "cross_decode|//wire/cross_decode:decode_fuzz|wire"
  "datadir_v1|//versions/fuzz:datadir_v1_fuzz|datadir"
  "datadir_v2|//versions/fuzz:datadir_v2_fuzz|datadir"
  "datadir_v3|//versions/fuzz:datadir_v3_fuzz|datadir"
  "format1|//snapshots/format1:format1_fuzz|format1"
  "format2|//snapshots/format2:format2_fuzz|format2"
  "format3|//snapshots/format3:format3_fuzz|format3"
  "install|//snapshots:install_fuzz|install"
  "edn|//matrix/lin:edn_fuzz|edn"
  "policy|//versions/fuzz:policy_fuzz|policy"
  "regressions|//matrix/regressions:regressions_fuzz|regressions"
  "schema|//wire/compat:schema_fuzz|schema"
)

SECONDS_EACH=60
RUNS=""
OUT=/tmp/raftcert-fuzz
BUILD=1
WANT=()
while (($#)); do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --seconds=*) SECONDS_EACH="${1#*=}"; shift ;;
    --runs) RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --out=*) OUT="${1#*=}"; shift ;;
    --no-build) BUILD=0; shift ;;
    --list) for t in "${TARGETS[@]}"; do echo "${t%%|*}"; done; exit 0 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) WANT+=("$1"); shift ;;
  esac
done
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seconds needs a number" >&2; exit 2; }

SELECTED=()
for t in "${TARGETS[@]}"; do
  name=${t%%|*}
  if ((${#WANT[@]} == 0)); then SELECTED+=("$t"); continue; fi
  for w in "${WANT[@]}"; do [[ "$w" == "$name" ]] && SELECTED+=("$t"); done
done
if ((${#SELECTED[@]} != ${#WANT[@]})) && ((${#WANT[@]} > 0)); then
  echo "fuzz.sh: unknown target among: ${WANT[*]} (see --list)" >&2
  exit 2
fi

# clang-14 and libFuzzer's runtime (Debian: libclang-rt-14-dev); only this
# script needs them, so scripts/setup.sh does not install them.
need_clang() {
  command -v clang-14 >/dev/null &&
    compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null
}
if ! need_clang; then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "fuzz.sh: installing clang-14 and libFuzzer's runtime (libclang-rt-14-dev)" >&2
  $SUDO apt-get install -y -q --no-install-recommends clang-14 libclang-rt-14-dev >&2 ||
    { echo "fuzz.sh: could not install clang-14 libclang-rt-14-dev" >&2; exit 2; }
fi

FUZZ_OB=${RAFTCERT_FUZZ_OUTPUT_BASE:-$HOME/.cache/bazel-raftcert-fuzz}
mkdir -p "$OUT"/{bin,corpus,artifacts,logs,seeds}

# Seed writers and descriptor sets: the normal (gcc) build. Under
# --config=fuzz every link gets libFuzzer's main(), so they cannot be built
# there.
SEED_TOOLS=(//wire/cross_decode:write_seeds //snapshots/format1:write_sample
  //snapshots/format2:write_sample //snapshots/format3:write_sample
  //snapshots:write_install_seeds //wire/testdata:all_sets //wire/v3:raft_proto)
labels=()
for t in "${SELECTED[@]}"; do IFS='|' read -r _ label _ <<<"$t"; labels+=("$label"); done
if ((BUILD)); then
  echo "fuzz.sh: building seed writers" >&2
  bazel build "${SEED_TOOLS[@]}" >&2
  echo "fuzz.sh: building ${#labels[@]} fuzz targets (--config=fuzz, output base $FUZZ_OB)" >&2
  bazel --output_base="$FUZZ_OB" build --config=fuzz "${labels[@]}" >&2
fi
BIN=$(bazel info bazel-bin 2>/dev/null)
FUZZ_BIN=$(bazel --output_base="$FUZZ_OB" info --config=fuzz bazel-bin 2>/dev/null)

# --- seeds -------------------------------------------------------------------
# Packs files as a datadir_fuzz archive (versions/fuzz/archive.h).
pack_archive() {  # OUT MODE PATH=FILE...
  python3 - "$@" <<'EOF'
import struct, sys
out, mode, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
data = bytes([mode])
for p in pairs:
    name, path = p.split("=", 1)
    body = open(path, "rb").read()
    data += name.encode() + b"\n" + struct.pack("<I", len(body)) + body
open(out, "wb").write(data)
EOF
}

seed_wire() {
  local dir=$1
  "$BIN/wire/cross_decode/write_seeds" "$dir" >/dev/null 2>&1 || true
  # The golden messages, as from 2 to 1 in each receiver state.
  for f in golden/v*/wire-*.bin; do
    local tag=${f#golden/}; tag=${tag%%/*}
    for s in 0 1 2 3; do
      { printf "\x02\x01\x0$s"; cat "$f"; } >"$dir/golden_${tag}_$(basename "$f" .bin)_s$s"
    done
  done
}

seed_datadir() {
  local dir=$1 tag
  for tag in v1 v2 v3; do
    local g=golden/$tag pairs=() base=()
    while read -r _ file _; do
      local src
      src=$(grep -o "^file $file .*source=[^ ]*" "$g/MANIFEST" | sed 's/.*source=//')
      [[ -n "$src" ]] || continue
      pairs+=("$src=$g/$file")
      [[ "$src" == snap/* ]] || base+=("$src=$g/$file")
    done < <(grep '^file .*source=' "$g/MANIFEST")
    local mode
    for mode in 0 1 2 3; do
      pack_archive "$dir/golden_${tag}_all_m$mode" "$mode" "${pairs[@]}"
      pack_archive "$dir/golden_${tag}_nosnap_m$mode" "$mode" "${base[@]}"
    done
    local p
    for p in "${pairs[@]}"; do
      pack_archive "$dir/golden_${tag}_$(basename "${p%%=*}")_m3" 3 "$p"
    done
  done
}

seed_snapshot() {  # DIR FORMAT_DIR KIND...
  local dir=$1 fmt=$2; shift 2
  local k
  for k in "$@"; do "$BIN/snapshots/$fmt/write_sample" "$k" "$dir/$k.snap" >/dev/null 2>&1 || true; done
  local n=${fmt#format}
  for f in golden/v*/snapshot-format$n.bin; do
    local tag=${f#golden/}; cp "$f" "$dir/golden_${tag%%/*}.snap"
  done
}

seed() {  # KIND DIR
  local kind=$1 dir=$2
  case "$kind" in
    wire) seed_wire "$dir" ;;
    datadir) seed_datadir "$dir" ;;
    format1) seed_snapshot "$dir" format1 empty small generated ;;
    format2) seed_snapshot "$dir" format2 empty small tiny_chunks ;;
    format3) seed_snapshot "$dir" format3 empty small ;;
    install)
      "$BIN/snapshots/write_install_seeds" "$dir" golden/v*/snapshot-format2.bin \
        golden/v*/snapshot-format3.bin >/dev/null 2>&1 ;;
    edn) cp matrix/lin/testdata/*.edn "$dir/" ;;
    policy) cp versions/policy.txt "$dir/" ;;
    regressions) cp matrix/regressions/regressions.txt "$dir/" ;;
    schema)
      # Each set alone (the two split bytes = its size: all of it is the old
      # set, as schema_fuzz.cc reads them); at most 40 sets.
      python3 - "$dir" "$BIN"/wire/testdata/*_set.binpb \
        "$BIN"/wire/v3/raft_proto-descriptor-set.proto.bin <<'EOF'
import os, struct, sys
out, sets = sys.argv[1], [p for p in sys.argv[2:] if os.path.isfile(p)][:40]
for i, p in enumerate(sets):
    body = open(p, "rb").read()
    if len(body) < 65536:
        open(os.path.join(out, "set_%d" % i), "wb").write(struct.pack("<H", len(body)) + body)
EOF
      ;;
  esac
}

# --- run -----------------------------------------------------------------------
printf '%-14s %12s %9s %7s %7s\n' target executions exec/s edges crashes
total_crashes=0
for t in "${SELECTED[@]}"; do
  IFS='|' read -r name label kind <<<"$t"
  pkg=${label#//}; pkg=${pkg%%:*}; bin_name=${label##*:}
  binary="$FUZZ_BIN/$pkg/$bin_name"
  [[ -x "$binary" ]] || { echo "fuzz.sh: $binary not built" >&2; exit 2; }
  cp -f "$binary" "$OUT/bin/$name"
  corpus="$OUT/corpus/$name" seeds="$OUT/seeds/$name" art="$OUT/artifacts/$name/"
  rm -rf "$seeds" && mkdir -p "$corpus" "$seeds" "$art"
  seed "$kind" "$seeds"
  run_dir="$OUT/logs/$name"
  rm -rf "$run_dir" && mkdir -p "$run_dir"
  flags=(-jobs=1 -workers=1 -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$art")
  [[ -n "$RUNS" ]] && flags+=(-runs="$RUNS")
  (cd "$run_dir" && "$OUT/bin/$name" "${flags[@]}" "$corpus" "$seeds" >"$run_dir/driver.log" 2>&1) || true
  log="$run_dir/fuzz-0.log"
  [[ -f "$log" ]] || log="$run_dir/driver.log"
  execs=$(grep -h 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
  rate=$(grep -h 'stat::average_exec_per_sec' "$log" | tail -1 | awk '{print $2}')
  if [[ -z "$execs" ]]; then  # a crash ends the run before the final stats
    execs=$(grep -ho '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    rate=$(grep -ho 'exec/s: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  fi
  edges=$(grep -ho 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  crashes=$(find "$art" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  total_crashes=$((total_crashes + crashes))
  printf '%-14s %12s %9s %7s %7s\n' "$name" "${execs:-?}" "${rate:-?}" "${edges:-?}" "$crashes"
done
echo "fuzz.sh: logs, corpora and crash inputs under $OUT" >&2
((total_crashes == 0))
