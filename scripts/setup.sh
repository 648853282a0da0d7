#!/usr/bin/env bash
# Installs every Debian package the build and the tests need. Idempotent: when
# everything is already present it does no apt work at all.
set -euo pipefail

PACKAGES=(
  bazel-bootstrap          # Bazel 4.2.3, WORKSPACE mode
  bazel-rules-proto        # /usr/share/bazel/rules/proto
  bazel-platforms          # /usr/share/bazel/platforms
  default-jdk-headless     # Bazel's server
  g++
  pkg-config
  patch                    # canary patches are applied at build time
  protobuf-compiler
  libprotobuf-dev
  libabsl-dev
  libzstd-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libssl-dev
  chromium                 # /usr/bin/chromium: //matrix/runner:report_browser_test
  nodejs                   # drives it over the DevTools protocol (no npm packages)
  libxml2-utils            # xmllint: //matrix/runner:report_junit_test validates report.xml
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q; then
  echo "setup: apt-get update failed; is Debian's archive reachable?" >&2
  exit 1
fi
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "setup: apt-get install failed for: ${missing[*]}" >&2
  exit 1
fi
command -v bazel >/dev/null || { echo "setup: bazel not on PATH after install" >&2; exit 1; }
echo "setup: done ($(bazel --version 2>/dev/null || echo bazel))"
