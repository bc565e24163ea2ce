#!/usr/bin/env bash
# The whole test suite: every test of the Release build in ./build (unit, conformance against
# real ROOT files, damaged inputs, CLI, fuzz corpus replay, written files read back by evclass
# and by JSROOT, physics of the generated samples), then the unit, conformance and
# fuzz-replay tests again in ./build-asan under AddressSanitizer and UndefinedBehaviorSanitizer.
# Run scripts/bootstrap.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# JSROOT for the tests that read written files with an independent reader (skipped without it).
scripts/setup_jsroot.sh
export EVC_JSROOT_DIR="$PWD/build/jsroot-tools"
ctest --test-dir build --output-on-failure -j 2 || status=1

echo
echo "== the same unit, conformance, round-trip and fuzz-replay tests under ASan + UBSan =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVC_SANITIZE=ON -DEVC_BUILD_BENCH=OFF > /dev/null
cmake --build build-asan -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j 2 -L "^(unit|conformance|fuzz_replay|roundtrip)$" || status=1
exit $status
