#!/usr/bin/python3
"""Multi-class models on the H -> gamma gamma example (examples/hgg.toml, five production modes):
gradient-boosted trees against scikit-learn's HistGradientBoosting, the MLP against its MLPClassifier.

Usage: test_hgg_models.py EVCLASS_PROGRAM SOURCE_DIR SCRATCH_DIR
Exit 0 = pass, 1 = a check failed, 77 = skipped (numpy, pandas or scikit-learn missing).

`evclass generate hgg` writes samples; examples/hgg.toml is trained with its model replaced by
evclass's gbdt (multi-class softmax) in the settings of scikit-learn's
HistGradientBoostingClassifier (100 iterations, learning rate 0.1, 31 leaves grown best-first,
20 events per leaf, no L2, 255 bins), with every feature carried as a spectator. Then
HistGradientBoostingClassifier itself (early stopping off) trains on the same training events and
features from scores_train.csv, weighted as evclass trains (the evaluation weight with the
config's class_balance = "equal_sum"), and is scored on the events of scores_test.csv. Every
class's one-vs-rest test AUC of evclass must be at least scikit-learn's - 0.01 (unweighted, as
metrics.json's "auc"; the weighted AUCs are printed beside).

Then the same events train evclass's mlp ((64, 32), adam, batch 256, 40 epochs without early
stopping) unweighted (`train_weighted = false`: Debian's scikit-learn 1.2 MLPClassifier takes no
sample weights; the five classes have similar event counts) beside MLPClassifier with the same
settings on the StandardScaler-scaled features (evclass's default scaler); again every class's
one-vs-rest AUC must be at least scikit-learn's - 0.01.
"""
import json
import os
import shutil
import subprocess
import sys
import time

try:
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
except ImportError as e:  # pragma: no cover
    print(f"SKIP: this test needs numpy, pandas and scikit-learn in {sys.executable}: {e}")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from example_config import copy_config, equal_sum_weights, features_of, with_feature_spectators  # noqa: E402

if len(sys.argv) != 4:
    print(__doc__)
    sys.exit(2)
EVCLASS, SOURCE, SCRATCH = (os.path.abspath(a) for a in sys.argv[1:4])
EVENTS = 40000
AUC_SLACK = 0.01
MLP = """[[model]]
name = "nn"
type = "mlp"
hidden_layer_sizes = [64, 32]
batch_size = 256
max_iter = 40
n_iter_no_change = 1000
random_state = 0
"""
MODEL = """[[model]]
name = "bdt"
type = "gbdt"
n_estimators = 100
learning_rate = 0.1
grow_policy = "lossguide"
max_leaves = 31
max_depth = 0
min_samples_leaf = 20
reg_lambda = 0.0
min_child_weight = 0.001
max_bins = 255
"""


def run(*args):
    t = time.time()
    p = subprocess.run([EVCLASS, *args], capture_output=True, text=True, timeout=600)
    print(f"  $ evclass {' '.join(args)}  -> exit {p.returncode} in {time.time() - t:.1f} s", flush=True)
    if p.returncode != 0:
        print(p.stdout[-3000:], p.stderr[-3000:])
        raise RuntimeError(f"evclass {' '.join(args)} exited with {p.returncode}")
    return p


def main():
    work = os.path.join(SCRATCH, "hgg_models")
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    run("generate", "hgg", "--out", os.path.join(work, "samples"), "--events", str(EVENTS))
    text = copy_config(SOURCE, "hgg")
    at = text.index("[[model]]")
    text = text[:at] + MODEL
    text, spec = with_feature_spectators(text, features_of(text))
    cfg = os.path.join(work, "hgg.toml")
    open(cfg, "w").write(text)
    run_dir = os.path.join(work, "run")
    run("train", cfg, "--out", run_dir)
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))
    classes = metrics["classes"]
    train = pd.read_csv(os.path.join(run_dir, "scores_train.csv"), float_precision="round_trip")
    test = pd.read_csv(os.path.join(run_dir, "scores_test.csv"), float_precision="round_trip")
    y_train = train["label"].to_numpy(dtype=np.int64)
    y_test = test["label"].to_numpy(dtype=np.int64)
    w_train = equal_sum_weights(y_train, train["weight"].to_numpy(dtype=np.float64), len(classes))
    x_train = train[spec].to_numpy(dtype=np.float32)
    x_test = test[spec].to_numpy(dtype=np.float32)
    print(f"  {len(train)} training and {len(test)} test events, {len(spec)} features, classes {classes}")
    ref = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
                                         l2_regularization=0.0, max_bins=255, early_stopping=False, random_state=0)
    ref.fit(x_train, y_train, sample_weight=w_train)
    p_ref = ref.predict_proba(x_test)
    failures = []
    w_test = test["weight"].to_numpy(dtype=np.float64)
    for k, c in enumerate(classes):
        ours = metrics["models"][0]["auc"][k]
        again = roc_auc_score(y_test == k, test[f"score_bdt_{c}"].to_numpy(dtype=np.float64))
        theirs = roc_auc_score(y_test == k, p_ref[:, k])
        ours_w = roc_auc_score(y_test == k, test[f"score_bdt_{c}"].to_numpy(dtype=np.float64), sample_weight=np.abs(w_test))
        theirs_w = roc_auc_score(y_test == k, p_ref[:, k], sample_weight=np.abs(w_test))
        ok = ours >= theirs - AUC_SLACK and abs(ours - again) <= 1e-9
        print(f"[{'ok  ' if ok else 'FAIL'}] {c}: evclass gbdt one-vs-rest AUC {ours:.4f} (recomputed {again:.4f}) >= "
              f"HistGradientBoosting {theirs:.4f} - {AUC_SLACK} (diff {ours - theirs:+.4f}); |w|-weighted "
              f"{ours_w:.4f} vs {theirs_w:.4f}", flush=True)
        if not ok:
            failures.append(c)
    # `evclass apply` scores a sample file with the saved trees: every run event gets its run score.
    vbf = os.path.join(work, "samples", "VBFH125_gamgam.root")
    run("apply", run_dir, vbf, "--out", os.path.join(work, "applied"))
    friend = os.path.join(work, "applied", "VBFH125_gamgam_scores.root")
    dump = os.path.join(work, "applied.csv")
    run("dump", friend, "--tree", "scores", "--csv", dump)
    fr = pd.read_csv(dump, float_precision="round_trip")
    both = pd.concat([train, test], ignore_index=True)
    rows = both[both["sample"] == classes.index("VBF")]
    entries = rows["entry"].to_numpy(dtype=np.int64)
    cols = [f"score_bdt_{c}" for c in classes]
    diff = max(float(np.max(np.abs(fr[c].to_numpy(dtype=np.float64)[entries] - rows[c].to_numpy(dtype=np.float64))))
               for c in cols)
    ok = diff <= 1e-6 and len(entries) > 1000
    print(f"[{'ok  ' if ok else 'FAIL'}] apply: the friend tree's scores of the {len(entries)} VBF run events == the run's "
          f"(max |diff| {diff:.2e})")
    if not ok:
        failures.append("apply")
    # The MLP, unweighted, against MLPClassifier.
    text_nn = text[:text.index("[[model]]")] + MLP
    text_nn = text_nn.replace('class_balance = "equal_sum"', 'class_balance = "none"\ntrain_weighted = false')
    cfg_nn = os.path.join(work, "hgg_mlp.toml")
    open(cfg_nn, "w").write(text_nn)
    run_nn = os.path.join(work, "run_mlp")
    run("train", cfg_nn, "--out", run_nn)
    metrics_nn = json.load(open(os.path.join(run_nn, "metrics.json")))
    tr = pd.read_csv(os.path.join(run_nn, "scores_train.csv"), float_precision="round_trip")
    te = pd.read_csv(os.path.join(run_nn, "scores_test.csv"), float_precision="round_trip")
    scaler = StandardScaler().fit(tr[spec].to_numpy(dtype=np.float32))
    ref_nn = MLPClassifier(hidden_layer_sizes=(64, 32), batch_size=256, max_iter=40, n_iter_no_change=1000,
                           random_state=0)
    ref_nn.fit(scaler.transform(tr[spec].to_numpy(dtype=np.float32)), tr["label"].to_numpy(dtype=np.int64))
    p_nn = ref_nn.predict_proba(scaler.transform(te[spec].to_numpy(dtype=np.float32)))
    y_nn = te["label"].to_numpy(dtype=np.int64)
    for k, c in enumerate(classes):
        ours = metrics_nn["models"][0]["auc"][k]
        theirs = roc_auc_score(y_nn == k, p_nn[:, k])
        ok = ours >= theirs - AUC_SLACK
        print(f"[{'ok  ' if ok else 'FAIL'}] {c}: evclass mlp one-vs-rest AUC {ours:.4f} >= MLPClassifier {theirs:.4f} - "
              f"{AUC_SLACK} (diff {ours - theirs:+.4f})", flush=True)
        if not ok:
            failures.append(f"mlp {c}")
    print(f"\n{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
