#!/usr/bin/env bash
# The main job on built-in data: `evclass demo` generates the Z' samples of the reference analysis
# 000, trains and evaluates its config (examples/zprime.toml), applies the model to the independent
# application files and prints the summary. Everything goes to build/demo/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/demo
build/apps/evclass/evclass demo --out build/demo
