#!/usr/bin/env python3
"""Files evclass writes, read by an independent reader: JSROOT (node) must give the same
statistics as `evclass inspect --stats --json` for every branch of every file.

Files: the all-kinds tree with every codec (evc_write_fixtures) and the output of every
generator (`evclass generate ANALYSIS --events N`). The comparison is ../shared/tools/compare_stats.py.

Usage: jsroot_roundtrip.py EVCLASS WRITE_FIXTURES COMPARE_STATS_PY OUT_DIR
JSROOT: $EVC_JSROOT_DIR must hold makeref.mjs and node_modules/jsroot (scripts/setup_jsroot.sh
makes it). Without it, or without node, the test is skipped (exit 77) with a message.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77


def main():
    evclass, fixtures, compare, out = sys.argv[1:5]
    js = os.environ.get("EVC_JSROOT_DIR", "")
    if not js or not os.path.isfile(os.path.join(js, "makeref.mjs")) or not os.path.isdir(
            os.path.join(js, "node_modules", "jsroot")):
        print(f"SKIP: JSROOT is not set up (EVC_JSROOT_DIR='{js}'); run scripts/setup_jsroot.sh and export "
              "EVC_JSROOT_DIR=build/jsroot-tools")
        return SKIP
    if shutil.which("node") is None:
        print("SKIP: node is not installed")
        return SKIP
    if not os.path.isfile(compare):
        print(f"SKIP: {compare} is missing (../shared is not beside the checkout)")
        return SKIP

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    files = subprocess.run([fixtures, os.path.join(out, "fixtures")], check=True, capture_output=True,
                           text=True).stdout.split()
    events = {"zprime": 3000, "hzz4l": 2000, "hgg": 2000, "pmass": 2000}
    for analysis, n in events.items():
        d = os.path.join(out, analysis)
        subprocess.run([evclass, "generate", analysis, "--out", d, "--events", str(n), "--seed", "7"], check=True,
                       capture_output=True, text=True)
        files += sorted(glob.glob(os.path.join(d, "*.root")))

    failures = 0
    for f in files:
        ours = subprocess.run([evclass, "inspect", f, "--stats", "--json"], capture_output=True, text=True)
        theirs = subprocess.run(["node", os.path.join(js, "makeref.mjs"), "--stdout", f], capture_output=True,
                                text=True, cwd=js, timeout=600)
        if ours.returncode != 0 or theirs.returncode != 0:
            print(f"FAIL {f}: evclass exit {ours.returncode} {ours.stderr.strip()[:300]} / "
                  f"jsroot exit {theirs.returncode} {theirs.stderr.strip()[:300]}")
            failures += 1
            continue
        a, b = f + ".jsroot.json", f + ".evclass.json"
        open(a, "w").write(theirs.stdout)
        open(b, "w").write(ours.stdout)
        cmp = subprocess.run([sys.executable, compare, a, b], capture_output=True, text=True)
        expected = sum(len(t["branches"]) + sum(len(br.get("leaves", [])) for br in t["branches"])
                       for t in json.loads(ours.stdout)["trees"])
        m = re.search(r"(\d+)/(\d+) branches match", cmp.stdout)
        compared = int(m.group(2)) if m else -1
        ok = cmp.returncode == 0 and compared >= expected > 0
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.relpath(f, out)}: {cmp.stdout.strip().splitlines()[-1] if cmp.stdout.strip() else ''}"
              f" (evclass lists {expected})")
        if not ok:
            print(cmp.stdout[-3000:])
            failures += 1
    print(f"{len(files) - failures}/{len(files)} files read identically by JSROOT and evclass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
