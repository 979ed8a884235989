#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the browser tests (test/browser), idempotently:
# installs the package only when the binary is missing. playwright-core drives it; no browser build is
# ever downloaded by npm. Sourced by .ci/run; safe to run again on a machine where it already ran.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
  echo "chromium: installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'installed at /usr/bin/chromium')"
