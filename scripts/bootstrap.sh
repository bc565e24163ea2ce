#!/usr/bin/env bash
# Installs what evclass needs (Debian 12 packages only), then configures and builds it in Release
# into ./build. Safe to run again: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config python3
  libdeflate-dev zlib1g-dev liblz4-dev libzstd-dev liblzma-dev libxxhash-dev  # ROOT's codecs
  libfmt-dev libcli11-dev nlohmann-json3-dev                                # text, CLI, JSON
  libtomlplusplus-dev libeigen3-dev                                         # configs, dense math
  python3-sklearn python3-pandas python3-xgboost libopenblas0-pthread        # peers checked in tests
  libgtest-dev libbenchmark-dev                                             # tests, benchmarks
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
