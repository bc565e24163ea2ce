#!/usr/bin/python3
"""The pNN interpolation on ../shared/bench's pmass data (a reduced sample of pmass_1M).

Usage: test_pmass_bench.py EVCLASS_PROGRAM SOURCE_DIR SCRATCH_DIR
Exit 0 = pass, 1 = a check failed, 77 = skipped (../shared/bench or numpy/pandas/sklearn missing).

../shared/bench/make_data.py writes the first 200k rows of pmass_1M (its files are prefixes of
each other); `evclass train` reads the CSV with its own split column and trains a network at
1000 GeV only (train_at) and pnns with concat and affine conditioning on every mass but 1000 GeV
(leave_out). At 1000 GeV each pnn's test AUC must be within 0.01 of the dedicated network's. The
table's AUCs are checked against scikit-learn's on `evclass apply --parameter mass=1000` scores of
the test rows.
"""
import glob
import os
import shutil
import subprocess
import sys

try:
    import numpy as np  # noqa: F401
    import pandas as pd
    from sklearn.metrics import roc_auc_score
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e} (install python3-numpy python3-pandas python3-sklearn)")
    sys.exit(77)

if len(sys.argv) != 4:
    print(__doc__)
    sys.exit(2)
EVCLASS, SOURCE, SCRATCH = (os.path.abspath(a) for a in sys.argv[1:4])
MAKE_DATA = os.path.join(SOURCE, "..", "shared", "bench", "make_data.py")
if not os.path.exists(MAKE_DATA):
    print(f"SKIP: {MAKE_DATA} is not beside this checkout")
    sys.exit(77)
ROWS = 200_000
SLACK = 0.01
FAILURES = []


def run(*args, cwd=None):
    p = subprocess.run([EVCLASS, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        raise SystemExit(f"FAIL: evclass {' '.join(map(str, args))} exited {p.returncode}")
    return p.stdout


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


work = os.path.join(SCRATCH, "pmass_bench")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
subprocess.run(["/usr/bin/python3", MAKE_DATA, "--out", work, "--dataset", "pmass", "--rows", str(ROWS)], check=True,
               stdout=subprocess.DEVNULL)
csv = glob.glob(os.path.join(work, "pmass_*.csv"))
if len(csv) != 1:
    raise SystemExit(f"FAIL: make_data.py wrote {csv}, expected one pmass CSV")
csv = csv[0]
features = pd.read_csv(csv, nrows=0).columns.drop(["label", "split"]).tolist()
network = 'hidden_layer_sizes = [64, 32]\nbatch_size = 512\nmax_iter = 25\n'
config = f"""
[run]
name = "pmass_bench"
seed = 3
output = "run"

[[sample]]
name = "pmass"
files = ["{csv}"]
label_column = "label"
label_classes = ["background", "signal"]

[features]
use = {features!r}
parameters = ["mass"]

[split]
method = "column"

[[model]]
name = "mlp_1000"
type = "mlp"
{network}train_at = [1000]

[[model]]
name = "pnn_concat_no1000"
type = "pnn"
conditioning = "concat"
{network}leave_out = [1000]

[[model]]
name = "pnn_affine_no1000"
type = "pnn"
conditioning = "affine"
{network}leave_out = [1000]
""".replace("'", '"')
with open(os.path.join(work, "pmass.toml"), "w") as f:
    f.write(config)
print(run("train", "pmass.toml", cwd=work))
run_dir = os.path.join(work, "run")
table = pd.read_csv(os.path.join(run_dir, "auc_by_parameter.csv")).set_index("value")
check(1000 in table.index, "the table has a row for 1000 GeV")
dedicated = table.loc[1000, "mlp_1000"]
check(abs(table.loc[1000, "dedicated"] - dedicated) < 1e-12, "the dedicated column at 1000 is mlp_1000")
for pnn in ["pnn_concat_no1000", "pnn_affine_no1000"]:
    check(table.loc[1000, pnn] >= dedicated - SLACK,
          f"{pnn} at the left-out 1000 GeV {table.loc[1000, pnn]:.4f} >= mlp_1000 {dedicated:.4f} - {SLACK}")

# The table's 1000 GeV AUCs from `evclass apply` scores of the test rows (split == 1).
run("apply", run_dir, csv, "--parameter", "mass=1000", "--out", os.path.join(work, "applied"))
scores = pd.read_csv(glob.glob(os.path.join(work, "applied", "*_scores.csv"))[0])  # a CSV input gives a CSV
data = pd.read_csv(csv, usecols=["label", "split", "mass"])
test = data["split"].to_numpy() == 1
labels, masses = data["label"].to_numpy().astype(int), data["mass"].to_numpy()
keep = test & ((labels == 0) | (masses == 1000))
for model in ["mlp_1000", "pnn_concat_no1000", "pnn_affine_no1000"]:
    auc = roc_auc_score(labels[keep], scores[f"score_{model}_mass1000"].to_numpy()[keep])
    check(abs(auc - table.loc[1000, model]) < 1e-6,
          f"{model}: sklearn's AUC at 1000 on apply scores {auc:.6f} = the table's {table.loc[1000, model]:.6f}")

if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all checks passed")
