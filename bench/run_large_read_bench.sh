#!/usr/bin/env bash
# Large-file figures for docs/benchmarks.md: writes `evclass generate hzz4l --events N` (10M by
# default) into a git-ignored folder under the build directory, reporting the generator's wall
# time and peak memory; then, on the largest file, runs the per-codec read benchmark
# (evclass_read_bench: read vs pure decompression, 1 and 2 threads) and the whole-tree read rate
# of evclass beside JSROOT's in node, with their ratio.
#
#   bench/run_large_read_bench.sh              # 10M events, zstd:5
#   EVC_EVENTS=2000000 EVC_COMPRESSION=zlib:1 bench/run_large_read_bench.sh
#
# Environment: EVC_BENCH_BUILD (default build-bench), EVC_DATA (default build/data/hzz4l-<N>-<codec>),
# EVC_EVENTS, EVC_COMPRESSION, EVC_JSROOT_DIR (default build/jsroot-tools, see scripts/setup_jsroot.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${EVC_BENCH_BUILD:-$root/build-bench}"
events="${EVC_EVENTS:-10000000}"
codec="${EVC_COMPRESSION:-zstd:5}"
data="${EVC_DATA:-$root/build/data/hzz4l-$events-${codec/:/}}"
js="${EVC_JSROOT_DIR:-$root/build/jsroot-tools}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEVC_BUILD_TESTS=OFF > /dev/null
fi
ninja -C "$build" evclass evclass_read_bench evclass_tree_read > /dev/null
evc="$build/apps/evclass/evclass"

echo "## Large files: hzz4l, $events events per MC sample, $codec"
echo
echo "- date: $(date)"
echo "- machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores," \
     "$(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "- commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  log="$(mktemp)"
  /usr/bin/time -v "$evc" generate hzz4l --out "$data" --events "$events" --compression "$codec" --seed 1 2> "$log" | tail -1
  echo "- generate: wall $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")," \
       "peak resident $(awk '/Maximum resident set size/ {printf "%.0f MB", $6 / 1024}' "$log")," \
       "CPU $(sed -n 's/.*Percent of CPU this job got: //p' "$log")"
  rm -f "$log"
  touch "$data/.complete"
else
  echo "- generate: reusing $data"
fi
echo "- files: $(du -sh "$data" | cut -f1) in $data"
largest="$(ls -S "$data"/*.root | head -1)"
echo "- largest: $(basename "$largest"), $(du -h "$largest" | cut -f1) on disk"
echo

"$build/bench/evclass_read_bench" --threads 1,2 --repeat 3 --min-seconds 0 "$largest"
echo

tree="$("$evc" inspect "$largest" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["trees"][0]["path"])')"
ours="$("$build/bench/evclass_tree_read" "$largest" "$tree" --threads 1,2 --repeat 3)"
echo "$ours"
if [ -f "$js/node_modules/jsroot/package.json" ] && command -v node > /dev/null; then
  cp "$root/bench/jsroot_read.mjs" "$js/"
  theirs="$(cd "$js" && node --max-old-space-size=8192 jsroot_read.mjs "$largest" "$tree")"
  echo "$theirs"
  python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = [json.loads(l) for l in sys.argv[1].splitlines()]
js = json.loads(sys.argv[2])
print()
print("| reader | threads | seconds | events/s | ratio to JSROOT |")
print("|---|---:|---:|---:|---:|")
print(f"| JSROOT 7.11.2 (node) | 1 | {js['seconds']:.1f} | {js['events_per_s']:.3g} | 1 |")
for o in ours:
    print(f"| evclass | {o['threads']} | {o['seconds']:.2f} | {o['events_per_s']:.3g} | {o['events_per_s'] / js['events_per_s']:.0f} |")
PY
else
  echo "JSROOT is not set up in $js (scripts/setup_jsroot.sh); no JSROOT figures"
fi
