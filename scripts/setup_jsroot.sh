#!/usr/bin/env bash
# Sets up JSROOT (an independent ROOT reader, pinned to the version the reference statistics
# were made with) in build/jsroot-tools for the tests that check written files with it.
# Uses the node and npm already on the machine; installs Debian's packages only where missing.
# Never fails the caller: without JSROOT those tests skip with a message.
set -uo pipefail
cd "$(dirname "$0")/.."
dest=build/jsroot-tools
tools=../shared/tools/jsroot
if [ ! -f "$tools/makeref.mjs" ]; then
  echo "setup_jsroot: $tools is missing; the JSROOT tests will be skipped"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
if ! command -v node >/dev/null; then
  $SUDO apt-get install -y --no-install-recommends nodejs >/dev/null || true
fi
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y --no-install-recommends npm >/dev/null || true
fi
mkdir -p "$dest"
cp "$tools"/*.mjs "$dest"/
if [ ! -f "$dest/node_modules/jsroot/package.json" ] || ! grep -q '"version": "7.11.2"' "$dest/node_modules/jsroot/package.json"; then
  (cd "$dest" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --ignore-scripts --no-audit --no-fund jsroot@7.11.2 >/dev/null) \
    || echo "setup_jsroot: npm install jsroot@7.11.2 failed; the JSROOT tests will be skipped"
fi
[ -f "$dest/node_modules/jsroot/package.json" ] && echo "setup_jsroot: JSROOT $(grep -o '"version": "[^"]*"' "$dest/node_modules/jsroot/package.json") in $dest"
exit 0
