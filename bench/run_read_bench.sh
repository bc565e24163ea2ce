#!/usr/bin/env bash
# Runs evclass_read_bench on the largest shared ROOT files, one per codec where there is one, and
# on any extra files given as arguments (e.g. the large files the writer generates into
# build/data/). Builds the benchmark in Release first if needed. Prints Markdown.
#
#   bench/run_read_bench.sh [FILE...]
#   EVC_BENCH_ARGS="--repeat 9 --min-seconds 0.5" bench/run_read_bench.sh build/data/*.root
#
# Environment: EVC_BENCH_BUILD (build directory, default build-bench), EVC_BENCH_ARGS (options
# passed to evclass_read_bench, default "--threads 1,2 --repeat 7 --min-seconds 0.3"),
# EVC_SHARED_DATA (default ../shared/data/root beside this checkout).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${EVC_BENCH_BUILD:-$root/build-bench}"
data="${EVC_SHARED_DATA:-$root/../shared/data/root}"
[ -d "$data" ] && data="$(cd "$data" && pwd)"
args="${EVC_BENCH_ARGS:---threads 1,2 --repeat 7 --min-seconds 0.3}"

# Build output is shown only when the build fails.
if [ ! -f "$build/build.ninja" ]; then
  if ! log="$(cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEVC_BUILD_TESTS=OFF 2>&1)"; then
    echo "$log" >&2
    exit 1
  fi
fi
if ! log="$(ninja -C "$build" evclass_read_bench 2>&1)"; then
  echo "$log" >&2
  exit 1
fi
bench="$build/bench/evclass_read_bench"

# The largest shared files, covering every codec: ZL, CS (ROOT 4 deflate), XZ, ZS, L4, none.
shared=(
  NanoAODv5_sample.root                    # ZL, ~1000 branches, CMS NanoAOD
  roottest-dat_001.root                    # CS
  uproot-issue412.root                     # ZL, 1M entries
  uproot-demo-double32.root                # Double32_t
  uproot-HZZ-lzma.root                     # XZ
  uproot-HZZ-zstd.root                     # ZS
  uproot-Zmumu-lz4.root                    # L4
  uproot-sample-6.14.00-uncompressed.root  # none
  tree_with_large_array.root
)
files=()
if [ -d "$data" ]; then
  for f in "${shared[@]}"; do [ -f "$data/$f" ] && files+=("$data/$f"); done
else
  echo "note: shared data not found at $data; measuring only the files given" >&2
fi
files+=("$@")
if [ ${#files[@]} -eq 0 ]; then
  echo "no ROOT files to measure" >&2
  exit 1
fi

echo "## evclass read benchmark"
echo
echo "- date: $(date)"
echo "- machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores available," \
     "$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -1) core(s) per socket," \
     "$(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
echo "- commit: $commit"
cxx="$(grep -m1 '^CMAKE_CXX_COMPILER:' "$build/CMakeCache.txt" | cut -d= -f2)"
echo "- compiler: $("$cxx" --version | head -1), $(grep -m1 '^CMAKE_BUILD_TYPE:' "$build/CMakeCache.txt" | cut -d= -f2) build in $build"
echo "- command: $bench $args FILE..."
echo
# One process per file: how much of a read goes to page faults depends on the state of the
# allocator's heap, so a file measured after others would not be measured the same as alone.
status=0
for f in "${files[@]}"; do
  # shellcheck disable=SC2086  # $args is a list of options
  "$bench" $args "$f" || status=$?
done
echo
echo "- load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
