#!/bin/bash
# The test behind wire_compat_test (//wire:compat.bzl).
#   compat_test_runner.sh --expect=compatible|incompatible --expect_rules=A,B \
#       COMPAT_BINARY OLD.binpb NEW.binpb [checker flags...]
# Runs the checker and passes when its verdict is the expected one (and, when
# incompatible is expected, every rule of --expect_rules was reported).
set -u

expect="${1#--expect=}"
expect_rules="${2#--expect_rules=}"
shift 2
binary="$1"
shift

# Paths are runfiles-relative: resolve them here, not against the directory
# of a `bazel run` of this test.
unset BUILD_WORKING_DIRECTORY

output="$("$binary" "$@")"
rc=$?
printf '%s\n' "$output"

case "$expect" in
  compatible)
    if [[ $rc -ne 0 ]]; then
      echo "FAIL: expected a compatible pair, the checker exited $rc" >&2
      exit 1
    fi
    ;;
  incompatible)
    if [[ $rc -ne 1 ]]; then
      echo "FAIL: expected an incompatible pair (exit 1), the checker exited $rc" >&2
      exit 1
    fi
    IFS=',' read -r -a rules <<< "$expect_rules"
    for rule in "${rules[@]}"; do
      [[ -z "$rule" ]] && continue
      if ! grep -q "^error $rule " <<< "$output"; then
        echo "FAIL: expected rule $rule to be reported as an error" >&2
        exit 1
      fi
    done
    ;;
  *)
    echo "FAIL: bad --expect=$expect" >&2
    exit 1
    ;;
esac
echo "PASS: $expect as expected"
