"""The [split] methods and the weight policies of `evclass train`, checked on the score files.

On a CSV sample written here (a row index, a label, a split column, two features, weights with
some negative) the test trains with every split method and checks, from scores_*.csv alone:
- random: stratified fractions (round(0.7 n) per class), no event twice, every event once;
- expression (`entry % 10 < 3` is test): the test rows are exactly those entries;
- column: the test rows are exactly split == 1, training rows split == 0, validation split == 2;
- kfold: every event appears exactly once in scores_test.csv (out-of-fold) and the model file holds
  one model per fold;
- validation_from_train: the validation count is round(fraction × training events) per class;
- negative-weight policies and class balancing train without error and give finite AUCs;
- `evclass apply` on the CSV file writes one score row per input row, equal to the run's scores.

usage: test_splits.py EVCLASS SCRATCH_DIR
"""
import json
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    import pandas as pd
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e}")
    sys.exit(77)

EVCLASS, WORK = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def train(name, split_toml, extra=""):
    run = os.path.join(WORK, name)
    cfg = os.path.join(WORK, name + ".toml")
    with open(cfg, "w") as f:
        f.write(f"""
[run]
name = "{name}"
seed = 7
[[sample]]
name = "events"
files = ["events.csv"]
label_column = "label"
[features]
use = ["x", "y"]
spectators = ["row"]
[weights]
expression = "w"
{extra}
{split_toml}
[[model]]
name = "lr"
type = "logistic_regression"
""")
    p = subprocess.run([EVCLASS, "train", cfg, "--out", run], capture_output=True, text=True)
    check(p.returncode == 0, f"{name}: train exits 0", p.stderr[-500:])
    if p.returncode != 0:
        return None, None, None, None
    read = lambda f: pd.read_csv(os.path.join(run, f))
    test = read("scores_test.csv")
    train_ = read("scores_train.csv")
    metrics = json.load(open(os.path.join(run, "metrics.json")))
    model = json.load(open(os.path.join(run, "models", "lr.json")))
    return test, train_, metrics, model


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
rng = np.random.default_rng(3)
n = 3001
label = (rng.random(n) < 0.3).astype(int)
x = rng.normal(label * 1.0, 1.0)
y = rng.normal(-label * 0.5, 1.0)
w = np.where(rng.random(n) < 0.1, -0.5, 1.0) * rng.uniform(0.5, 1.5, n)
split = rng.integers(0, 3, n)
pd.DataFrame({"row": np.arange(n), "label": label, "split": split, "x": x, "y": y, "w": w}).to_csv(
    os.path.join(WORK, "events.csv"), index=False)
counts = np.bincount(label)

# random
test, tr, metrics, _ = train("random", '[split]\nmethod = "random"\ntrain = 0.7\ntest = 0.3')
if test is not None:
    rows = np.concatenate([test["row"], tr["row"]])
    check(len(rows) == n and len(np.unique(rows)) == n, "random: every event once in train or test")
    for c in (0, 1):
        check((tr["label"] == c).sum() == round(0.7 * counts[c]), f"random: class {c} trains round(0.7 n)",
              f"{(tr['label'] == c).sum()} vs {round(0.7 * counts[c])}")

# expression on the entry number (the CSV row number here)
test, tr, metrics, _ = train("expression", '[split]\nmethod = "expression"\ntest_expression = "entry % 10 < 3"')
if test is not None:
    check(set(test["row"]) == {r for r in range(n) if r % 10 < 3}, "expression: test rows are entry % 10 < 3")
    check(set(tr["row"]) == {r for r in range(n) if r % 10 >= 3}, "expression: the others train")
    check((test["entry"] == test["row"]).all(), "expression: entry column is the row number")

# split column
test, tr, metrics, _ = train("column", '[split]\nmethod = "column"\ncolumn = "split"')
if test is not None:
    check(set(test["row"]) == set(np.flatnonzero(split == 1)), "column: test rows are split == 1")
    check(set(tr["row"]) == set(np.flatnonzero(split == 0)), "column: training rows are split == 0")
    check(metrics["split"]["validation"] == int((split == 2).sum()), "column: validation rows are split == 2",
          str(metrics["split"]))

    # apply to the CSV itself: one score row per input row, in order, equal to the run's scores
    out = os.path.join(WORK, "applied")
    p = subprocess.run([EVCLASS, "apply", os.path.join(WORK, "column"), os.path.join(WORK, "events.csv"), "--out", out],
                       capture_output=True, text=True)
    check(p.returncode == 0, "apply on a CSV file exits 0", p.stderr[-300:])
    if p.returncode == 0:
        applied = pd.read_csv(os.path.join(out, "events_scores.csv"))
        check(len(applied) == n, "apply on CSV: one row per input row", str(len(applied)))
        both = pd.concat([test, tr])
        check(np.array_equal(applied["score_lr"].to_numpy()[both["row"].to_numpy()], both["score_lr"].to_numpy()),
              "apply on CSV: row i scores equal the run's scores of event i")
        check((applied["pass_selection"] == 1).all(), "apply on CSV: no selection, every row passes")

# k-fold
test, tr, metrics, model = train("kfold", '[split]\nmethod = "kfold"\nfolds = 3')
if test is not None:
    check(len(test) == n and sorted(test["row"]) == list(range(n)), "kfold: every event scored once out of fold")
    check(len(model["models"]) == 3, "kfold: the model file holds one model per fold", str(len(model["models"])))
    check(np.isfinite(test["score_lr"]).all(), "kfold: finite scores")

# validation carved from the training part
test, tr, metrics, _ = train("carve", '[split]\nmethod = "random"\ntrain = 0.7\ntest = 0.3\nvalidation_from_train = 0.2')
if test is not None:
    trained = [round(0.7 * counts[c]) for c in (0, 1)]
    expected_val = sum(round(t * 0.2) for t in trained)
    check(abs(metrics["split"]["validation"] - expected_val) <= 2, "carve: validation is 20 % of training per class",
          f"{metrics['split']} vs {expected_val}")
    check(len(tr) + metrics["split"]["validation"] == sum(trained), "carve: validation events left the training set")

# weight policies
for policy in ("keep", "ignore_in_training", "abs"):
    for balance in ("none", "equal_sum", "balanced"):
        test, tr, metrics, _ = train(f"w_{policy}_{balance}", '[split]\nmethod = "random"\ntrain = 0.7\ntest = 0.3',
                                     f'negative = "{policy}"\nclass_balance = "{balance}"')
        if test is not None:
            auc = metrics["models"][0]["auc"]
            check(np.isfinite(auc) and auc > 0.7, f"weights {policy}/{balance}: a finite, useful AUC", str(auc))

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all split and weight-policy checks passed")
