#!/usr/bin/env bash
# The main job on built-in data. Until the sample generators and the training pipeline land, it
# shows evclass reading real ROOT files: the listing of a file and the statistics of its branches.
set -euo pipefail
cd "$(dirname "$0")/.."
evclass=build/apps/evclass/evclass
data=../shared/data/root
if [ ! -d "$data" ]; then
  echo "The demo reads ROOT files from $data, which is not beside this checkout."
  echo "Point evclass at any ROOT file instead: $evclass inspect FILE --stats"
  exit 1
fi
"$evclass" inspect "$data/uproot-HZZ-zstd.root" --stats
echo
"$evclass" inspect "$data/roottest-Event3a.root" --tree T
