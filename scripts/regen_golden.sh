#!/usr/bin/env bash
# Regenerates the goldens of the head release (golden/<head>/): snapshot
# files, one wire message of every type, log segments, hard state, their
# readable twins and the MANIFEST, with `bazel run //golden:generate`.
#
#   scripts/regen_golden.sh                        head only (newest versions/<tag>)
#   scripts/regen_golden.sh --force-released TAG   rewrite a released tag's goldens
#   scripts/regen_golden.sh --dry-run              say what would be regenerated
#
# A tag listed in versions/FROZEN is released: its goldens are rewritten only
# with --force-released TAG, which then prints every digest that changed (old
# vs new MANIFEST). Bazel startup options (your own output base) come from
# $BAZEL_STARTUP_OPTS. The implementation is golden/regen.sh (tested by
# //golden:regen_golden_test).
exec "$(dirname "$0")/../golden/regen.sh" "$@"
