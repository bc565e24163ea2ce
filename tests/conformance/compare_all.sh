#!/usr/bin/env bash
# Conformance against the JSROOT reference statistics of every real ROOT file in
# ../shared/data/root: `evclass inspect FILE --stats --json` must match FILE.ref.json according to
# ../shared/tools/compare_stats.py (on every branch the reference marks reliable, the tree entry
# counts and the leaf-list per-leaf statistics). The only mismatches accepted are the reference
# errors listed, with their reasons, in known_reference_errors.txt.
set -u
shared=${1:?usage: compare_all.sh SHARED_DIR}
data="$shared/data/root"
tool="$shared/tools/compare_stats.py"
here=$(cd "$(dirname "$0")" && pwd)
evclass=${EVC_BIN:?set EVC_BIN to the evclass program}
if [ ! -d "$data" ] || [ ! -f "$tool" ]; then
  echo "SKIP: $data or $tool not found (../shared is not beside this checkout)"
  exit 77
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is needed to run compare_stats.py"
  exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
files=0
for ref in "$data"/*.root.ref.json; do
  root_file=${ref%.ref.json}
  name=$(basename "$root_file")
  files=$((files + 1))
  if ! "$evclass" inspect "$root_file" --stats --json > "$out/$name.json" 2> "$out/$name.err"; then
    echo "FAIL $name: evclass exited with an error:"
    sed 's/^/    /' "$out/$name.err"
    failures=$((failures + 1))
    continue
  fi
  report=$(python3 "$tool" "$ref" "$out/$name.json")
  status=$?
  summary=$(printf '%s\n' "$report" | tail -n 1)
  unexpected=""
  while IFS= read -r line; do
    case "$line" in
      MISMATCH*)
        where=$(printf '%s' "$line" | sed -E 's/^MISMATCH ([^:]*):.*/\1/')
        if grep -qE "^$name $where( |$)" "$here/known_reference_errors.txt"; then
          echo "  known reference error accepted: $name $where"
        else
          unexpected+="$line"$'\n'
        fi
        ;;
    esac
  done <<< "$report"
  if [ -n "$unexpected" ] || { [ $status -ne 0 ] && [ $status -ne 1 ]; }; then
    echo "FAIL $name: $summary"
    printf '%s' "$unexpected" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok   $name: $summary"
  fi
done
echo "$((files - failures))/$files files match their JSROOT reference"
[ $failures -eq 0 ]
