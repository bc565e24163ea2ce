#!/usr/bin/env bash
# The neural-network benchmark of issue 6: builds evclass_learn_bench (Release), makes the
# ../shared/bench datasets into build/bench-data if missing, and runs bench/mlp_vs_peers.py
# (evclass mlp beside scikit-learn MLPClassifier and PyTorch, ratios in one run). Arguments go
# to the .py. PyTorch comes from Debian's python3-torch (apt-get install python3-torch).
#
#   bench/mlp_vs_peers.sh                                    # zprime16_1M, higgs28_1M, both peers
#   bench/mlp_vs_peers.sh --datasets zprime16_1M --peers torch_mlp
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${EVC_BENCH_BUILD:-$root/build}"
data="$build/bench-data"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
fi
ninja -C "$build" evclass_learn_bench > /dev/null
if [ ! -f "$data/higgs28_5M.bin" ]; then
  mkdir -p "$data"
  (cd "$build" && /usr/bin/python3 "$root/../shared/bench/make_data.py" --out bench-data)
fi
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(date -u +%F)"
exec /usr/bin/python3 "$root/bench/mlp_vs_peers.py" --bench "$build/bench/evclass_learn_bench" --data "$data" "$@"
