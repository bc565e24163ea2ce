#!/usr/bin/env bash
# The main job on built-in data. Until the training pipeline lands (issue 4), it generates the
# H->ZZ*->4l samples, lists what was written, reads every branch back with statistics and shows
# the first events as CSV. Everything goes to build/demo/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
evclass=build/apps/evclass/evclass
out=build/demo/hzz4l
rm -rf "$out"
"$evclass" generate hzz4l --out "$out" --events 20000 --seed 1
echo
"$evclass" inspect "$out/ggH125_ZZ4lep.root" --stats
echo
"$evclass" dump "$out/ggH125_ZZ4lep.root" --tree mini --branches lep_n,lep_pt,lep_eta,lep_charge,lep_type,mcWeight \
  --entries 5 --max-items 4 --csv -
