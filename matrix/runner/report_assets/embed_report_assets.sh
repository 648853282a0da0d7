#!/bin/bash
# Turns the report page template (report.html) and the asset files it names
# into a C++ header holding the page before and after the JSON report, as two
# raw string literals (kHtmlHead, kHtmlTail), so that the runner writes a
# self-contained report.html without reading any file at run time.
#
#   embed_report_assets.sh OUT_HEADER TEMPLATE ASSET...
#
# Template syntax (see report.html): a line starting with "@@#" is a comment
# and is dropped; a line that is only "@@NAME@@" is replaced by the whole
# content of the ASSET whose file name is NAME; the line "@@report.json@@"
# splits the page into head and tail (the runner puts the JSON there). Every
# other line is copied as is. Fails, naming the problem, when the template or
# an asset does not end with a newline, an asset is named but not given (or
# given but never used, or used twice), the split line is missing or repeated,
# or a text holds the literal's closing delimiter.
set -euo pipefail

fail() { echo "embed_report_assets: $*" >&2; exit 1; }

(($# >= 2)) || fail "usage: $0 OUT_HEADER TEMPLATE ASSET..."
out="$1" template="$2"
shift 2

ends_with_newline() { [[ -s "$1" && -z "$(tail -c 1 "$1")" ]]; }

declare -A asset_path asset_uses
for f in "$@"; do
  name="$(basename "$f")"
  [[ -z "${asset_path[$name]:-}" ]] || fail "asset $name given twice"
  ends_with_newline "$f" || fail "asset $f is empty or does not end with a newline"
  asset_path[$name]="$f"
  asset_uses[$name]=0
done
ends_with_newline "$template" || fail "template $template is empty or does not end with a newline"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
head="$work/head" tail="$work/tail"
: >"$head"
: >"$tail"
part="$head"
splits=0
lineno=0
while IFS= read -r line; do
  lineno=$((lineno + 1))
  if [[ "$line" == "@@#"* ]]; then
    continue
  elif [[ "$line" == "@@report.json@@" ]]; then
    splits=$((splits + 1))
    part="$tail"
  elif [[ "$line" =~ ^@@([^@]+)@@$ ]]; then
    name="${BASH_REMATCH[1]}"
    [[ -n "${asset_path[$name]:-}" ]] || fail "$template:$lineno names $name, which is not a given asset"
    asset_uses[$name]=$((asset_uses[$name] + 1))
    cat "${asset_path[$name]}" >>"$part"
  else
    printf '%s\n' "$line" >>"$part"
  fi
done <"$template"

((splits == 1)) || fail "$template has $splits @@report.json@@ lines, wants exactly 1"
for name in "${!asset_uses[@]}"; do
  ((asset_uses[$name] == 1)) || fail "asset $name is used ${asset_uses[$name]} times in $template, wants exactly 1"
done

readonly delimiter='ASSET'
for f in "$head" "$tail"; do
  if grep -qF ")$delimiter\"" "$f"; then fail "a text holds )$delimiter\", the raw string's end"; fi
done

{
  echo "// Generated from matrix/runner/report_assets/report.html and the assets it"
  echo "// names by embed_report_assets.sh; edit those files, not this one."
  echo "#ifndef RAFTLOG_MATRIX_RUNNER_REPORT_ASSETS_REPORT_ASSETS_H_"
  echo "#define RAFTLOG_MATRIX_RUNNER_REPORT_ASSETS_REPORT_ASSETS_H_"
  echo
  echo "namespace raftlog::runner::report_assets {"
  echo
  echo "// report.html up to the JSON report, and after it."
  printf 'inline constexpr char kHtmlHead[] = R"%s(' "$delimiter"
  cat "$head"
  printf ')%s";\n' "$delimiter"
  printf 'inline constexpr char kHtmlTail[] = R"%s(' "$delimiter"
  cat "$tail"
  printf ')%s";\n' "$delimiter"
  echo
  echo "}  // namespace raftlog::runner::report_assets"
  echo
  echo "#endif  // RAFTLOG_MATRIX_RUNNER_REPORT_ASSETS_REPORT_ASSETS_H_"
} >"$out"
