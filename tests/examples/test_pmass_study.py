#!/usr/bin/python3
"""The parametric-network study of examples/pmass.toml, end to end.

Usage: test_pmass_study.py EVCLASS_PROGRAM SOURCE_DIR SCRATCH_DIR
Exit 0 = pass, 1 = a check failed, 77 = skipped (numpy, pandas or scikit-learn missing).

1. `evclass generate pmass` (masses 500..1500 GeV) and `evclass train` on the example config
   unchanged but for its paths: one mlp per mass (train_at), pnn with concat and affine
   conditioning, and both pnns without the 1000 GeV signal (leave_out).
2. The per-mass AUC table (auc_by_parameter.csv) is recomputed here: `evclass apply` scores the
   training file at every mass (`--parameter mass=...`); the run's test events (scores_test.csv)
   are picked out, and scikit-learn's roc_auc_score of the signal at each mass against every test
   background event, scored at that mass, must equal the table's value (1e-6).
3. Physics of the study, on those recomputed AUCs: at the left-out 1000 GeV both pnns are within
   0.01 of the network trained at 1000 GeV only (the interpolation of the pNN paper); at every
   mass the pnns trained on all masses are within 0.01 of the dedicated network; and a network
   trained at 500 GeV is worse at 1500 GeV than the pnn (it is not a parametric model).
4. On the independent test file (pmass_test.root) the same comparisons hold within 0.01.
"""
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    import pandas as pd
    from sklearn.metrics import roc_auc_score
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e} (install python3-numpy python3-pandas python3-sklearn)")
    sys.exit(77)

if len(sys.argv) != 4:
    print(__doc__)
    sys.exit(2)
EVCLASS, SOURCE, SCRATCH = (os.path.abspath(a) for a in sys.argv[1:4])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from example_config import copy_config  # noqa: E402

MASSES = [500, 750, 1000, 1250, 1500]
EVENTS = 10000  # per mass point: 100k rows in the training file
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


def dump(root_file, tree, out_csv):
    run("dump", root_file, "--tree", tree, "--csv", out_csv)
    return pd.read_csv(out_csv)


def auc_at(scores, labels, masses, m):
    """Signal at mass m against every background event (all scored at m)."""
    keep = (labels == 0) | (masses == m)
    return roc_auc_score(labels[keep], scores[keep])


work = os.path.join(SCRATCH, "pmass_study")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
run("generate", "pmass", "--out", os.path.join(work, "samples"), "--events", EVENTS, "--seed", 7)
with open(os.path.join(work, "pmass.toml"), "w") as f:
    f.write(copy_config(SOURCE, "pmass"))
print(run("train", "pmass.toml", cwd=work))
run_dir = os.path.join(work, "run_default")
table = pd.read_csv(os.path.join(run_dir, "auc_by_parameter.csv"))
models = [c for c in table.columns if c not in ("parameter", "value", "dedicated")]
check(sorted(table["value"].tolist()) == MASSES, f"the table has one row per mass: {table['value'].tolist()}")
for want in ["mlp_1000", "pnn_concat", "pnn_affine", "pnn_concat_no1000", "pnn_affine_no1000", "dedicated"]:
    check(want in table.columns, f"the table has a column {want}")
table = table.set_index("value")

# 2. The table recomputed from `evclass apply` at each mass on the run's test events.
masses_option = "mass=" + ",".join(map(str, MASSES))
run("apply", run_dir, os.path.join(work, "samples", "pmass_train.root"), "--parameter", masses_option,
    "--out", os.path.join(work, "applied"))
applied = dump(os.path.join(work, "applied", "pmass_train_scores.root"), "scores", os.path.join(work, "applied.csv"))
events = dump(os.path.join(work, "samples", "pmass_train.root"), "pmass", os.path.join(work, "train.csv"))
test_entries = pd.read_csv(os.path.join(run_dir, "scores_test.csv"))["entry"].to_numpy()
labels = events["label"].to_numpy()[test_entries].astype(int)
masses = events["mass"].to_numpy()[test_entries]
recomputed = {}
for model in models:
    for m in MASSES:
        scores = applied[f"score_{model}_mass{m}"].to_numpy()[test_entries]
        recomputed[model, m] = auc_at(scores, labels, masses, m)
worst = max(abs(recomputed[model, m] - table.loc[m, model]) for model in models for m in MASSES)
check(worst < 1e-6, f"every AUC of the table equals sklearn's on `evclass apply --parameter` scores (worst {worst:.2e})")
for m in MASSES:
    check(abs(table.loc[m, "dedicated"] - recomputed[f"mlp_{m}", m]) < 1e-6,
          f"dedicated at {m} is mlp_{m} there ({table.loc[m, 'dedicated']:.4f})")


# 3. and 4. The study's physics, on the run's test events and on the independent test file.
def study(aucs, where):
    dedicated = aucs["mlp_1000", 1000]
    for pnn in ["pnn_concat_no1000", "pnn_affine_no1000"]:
        check(aucs[pnn, 1000] >= dedicated - SLACK,
              f"{where}: {pnn} at the left-out 1000 GeV {aucs[pnn, 1000]:.4f} >= mlp_1000 {dedicated:.4f} - {SLACK}")
    for m in MASSES:
        for pnn in ["pnn_concat", "pnn_affine"]:
            check(aucs[pnn, m] >= aucs[f"mlp_{m}", m] - SLACK,
                  f"{where}: {pnn} at {m} {aucs[pnn, m]:.4f} >= mlp_{m} {aucs[f'mlp_{m}', m]:.4f} - {SLACK}")
    check(aucs["mlp_500", 1500] < aucs["pnn_concat", 1500] - 0.05,
          f"{where}: the 500 GeV network at 1500 GeV {aucs['mlp_500', 1500]:.4f} is well below the pnn's "
          f"{aucs['pnn_concat', 1500]:.4f}")


study(recomputed, "run test events")
run("apply", run_dir, os.path.join(work, "samples", "pmass_test.root"), "--parameter", masses_option,
    "--out", os.path.join(work, "applied"))
applied = dump(os.path.join(work, "applied", "pmass_test_scores.root"), "scores", os.path.join(work, "applied_test.csv"))
events = dump(os.path.join(work, "samples", "pmass_test.root"), "pmass", os.path.join(work, "test.csv"))
labels, masses = events["label"].to_numpy().astype(int), events["mass"].to_numpy()
independent = {(model, m): auc_at(applied[f"score_{model}_mass{m}"].to_numpy(), labels, masses, m)
               for model in models for m in MASSES}
study(independent, "pmass_test.root")

if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all checks passed")
