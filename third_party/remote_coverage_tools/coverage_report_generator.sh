#!/bin/sh
echo "coverage_report_generator: bazel coverage is not supported in this offline workspace" >&2
exit 1
