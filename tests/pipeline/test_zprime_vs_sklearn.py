#!/usr/bin/python3
"""Acceptance test of `evclass train` on the Z' analysis, checked against pandas and scikit-learn.

Usage: test_zprime_vs_sklearn.py EVCLASS_PROGRAM SCRATCH_DIR
Exit 0 = pass, 1 = a check failed, 77 = skipped (pandas or scikit-learn missing).

Every expected value is computed here, independently of evclass: the input trees are exported
with `evclass dump` (the reader is tested against ROOT/uproot elsewhere) and selected, weighted
and counted with pandas; ROC curves and AUCs come from sklearn.metrics; the reference logistic
regression is sklearn's LogisticRegression on StandardScaler-transformed features.
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
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score, roc_curve
    from sklearn.preprocessing import StandardScaler
except ImportError as e:  # pragma: no cover
    print(f"SKIP: this test needs numpy, pandas and scikit-learn in {sys.executable}: {e}")
    sys.exit(77)

if len(sys.argv) != 3:
    print(__doc__)
    sys.exit(2)
EVCLASS, SCRATCH = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
EVENTS = 30000

FEATURES = [
    "Zp_cm_p_beforeFit", "P_beforeFit",
    "Zp_tau0_CMS_p_beforeFit", "Zp_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_p_beforeFit", "fake_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_pt_beforeFit", "fake_tau1_CMS_pt_beforeFit",
    "fake_PtTheta_beforeFit", "fake_PtRho_beforeFit",
    "IntSymmZp_Pt_beforeFit", "DistZp_Pt_beforeFit",
    "Zp_PtTheta_sign_beforeFit", "Zp_PtRho_sign_beforeFit",
    "Zp_ptPtMin_Theta_beforeFit", "Zp_ptPtMin_Rho_beforeFit",
]
TRUTH = ["Zp_tau_0_dau_genMotherPDG", "Zp_tau_1_dau_genMotherPDG"]
# A name may not be both a feature and a spectator (docs/config.md, [features]), so the features
# are carried to the outputs as derived variables that copy them: spec_<feature>.
SPEC_FEATURES = ["spec_" + f for f in FEATURES]
SPECTATORS = SPEC_FEATURES + ["Zp_M_beforeFit"] + TRUTH

# Background weight of the weighted variant: positive, varying, and negative for every 7th entry.
BKG_WEIGHT_EXPR = "(entry % 7 == 0 ? -1 : 1) * (0.5 + Zp_cm_p_beforeFit / 10)"

FAILURES = []
T0 = time.time()


def check(ok, what, detail=""):
    status = "ok  " if ok else "FAIL"
    print(f"[{status}] {what}" + (f": {detail}" if detail else ""), flush=True)
    if not ok:
        FAILURES.append(f"{what}: {detail}")
    return ok


def run(*args, timeout=600):
    t = time.time()
    p = subprocess.run([EVCLASS, *args], capture_output=True, text=True, timeout=timeout)
    print(f"  $ evclass {' '.join(args)}  -> exit {p.returncode} in {time.time() - t:.1f} s", flush=True)
    if p.returncode != 0:
        print(p.stdout[-3000:])
        print(p.stderr[-3000:])
        raise SystemExit(f"FAIL: evclass {' '.join(args)} exited with {p.returncode}")
    return p


def read_csv(path):
    # round_trip: the exact double of each written decimal (pandas' default parser may be 1 ulp off).
    return pd.read_csv(path, float_precision="round_trip")


def write_config(path, samples_dir, background_weight=None):
    bkg_weight = f'weight = "{background_weight}"\n' if background_weight else ""
    variables = "\n".join(f'spec_{f} = "{f}"' for f in FEATURES)
    text = f"""# Written by tests/pipeline/test_zprime_vs_sklearn.py (based on examples/zprime.toml).
[run]
name = "zprime_accept"
seed = 42

[[sample]]
name = "signal"
files = ["{samples_dir}/reduced_signal_forTraining.root"]
tree = "zp"
class = "signal"
selection = "Zp_tau_0_dau_genMotherPDG == 26 && Zp_tau_1_dau_genMotherPDG == 26"

[[sample]]
name = "background"
files = ["{samples_dir}/reduced_background_forTraining.root"]
tree = "zp"
class = "background"
{bkg_weight}
[selection.class]
background = "4.5 < Zp_M_beforeFit && Zp_M_beforeFit < 5.5"

[variables]
{variables}

[features]
use = {json.dumps(FEATURES)}
spectators = {json.dumps(SPECTATORS)}

[split]
method = "random"
train = 0.7
test = 0.3
stratify = true

[preprocessing]
scaler = "standard"

[[model]]
name = "logreg"
type = "logistic_regression"
C = 1.0

[evaluation]
signal_class = "signal"
threshold = 0.5
roc_points = 0

[output]
formats = ["root", "csv"]
"""
    with open(path, "w") as f:
        f.write(text)


def f32(series):
    """Float columns as the float32 values evclass holds (CSV text -> nearest float32 -> double)."""
    return series.to_numpy(dtype=np.float64).astype(np.float32).astype(np.float64)


def check_roc_and_auc(run_dir, tag):
    """(a) AUCs and (b) ROC points of metrics.json against sklearn on scores_test.csv."""
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))
    test = read_csv(os.path.join(run_dir, "scores_test.csv"))
    m = metrics["models"][0]
    check(m["name"] == "logreg", f"{tag}: models[0] is logreg", m["name"])
    y = test["label"].to_numpy()
    s = f32(test["score_logreg"])
    w = test["weight"].to_numpy(dtype=np.float64)

    auc = roc_auc_score(y, s)
    check(abs(m["auc"] - auc) <= 1e-9, f"{tag}: metrics auc == sklearn roc_auc_score",
          f"evclass {m['auc']!r} sklearn {auc!r} diff {m['auc'] - auc:.3g}")
    try:
        aucw = roc_auc_score(y, s, sample_weight=w)
        how = "roc_auc_score"
    except ValueError as e:
        # With negative weights the weighted FPR is not monotonic and sklearn.metrics.auc refuses;
        # its formula (trapezoids over roc_curve, the curve of (b)) is applied directly.
        fpr, tpr, _ = roc_curve(y, s, sample_weight=w, drop_intermediate=False)
        aucw = float(np.trapz(tpr, fpr))
        how = f"trapezoids of roc_curve (roc_auc_score: {e})"
    check(abs(m["auc_weighted"] - aucw) <= 1e-9, f"{tag}: metrics auc_weighted == sklearn weighted AUC",
          f"evclass {m['auc_weighted']!r} sklearn {aucw!r} diff {m['auc_weighted'] - aucw:.3g} via {how}")

    for key, sw in (("roc", None), ("roc_weighted", w)):
        roc = m.get(key)
        if not check(roc is not None, f"{tag}: metrics has models[0].{key}"):
            continue
        fpr, tpr, thr = roc_curve(y, s, sample_weight=sw, drop_intermediate=False)
        e_fpr, e_tpr = np.array(roc["fpr"], dtype=float), np.array(roc["tpr"], dtype=float)
        e_thr = roc["thresholds"]
        same_len = len(e_fpr) == len(fpr) and len(e_tpr) == len(tpr) and len(e_thr) == len(thr)
        if not check(same_len, f"{tag}: {key} has as many points as sklearn roc_curve",
                     f"evclass {len(e_fpr)}/{len(e_tpr)}/{len(e_thr)} sklearn {len(fpr)}"):
            continue
        check(e_thr[0] is None, f"{tag}: {key} first threshold is null", repr(e_thr[0]))
        dfpr, dtpr = np.max(np.abs(e_fpr - fpr)), np.max(np.abs(e_tpr - tpr))
        check(dfpr <= 1e-12 and dtpr <= 1e-12, f"{tag}: {key} fpr/tpr == sklearn to 1e-12",
              f"max |dfpr| {dfpr:.3g} max |dtpr| {dtpr:.3g} over {len(fpr)} points")
        e_rest = np.array([np.nan if t is None else t for t in e_thr[1:]], dtype=float)
        bad = np.flatnonzero(e_rest != thr[1:])
        check(bad.size == 0, f"{tag}: {key} thresholds[1:] == sklearn's (the float scores)",
              f"{bad.size} differ" + (f", first at {bad[0] + 1}: {e_rest[bad[0]]!r} vs {thr[bad[0] + 1]!r}"
                                      if bad.size else f" ({len(thr) - 1} compared)"))
    return metrics, test


def main():
    if os.path.isdir(SCRATCH):
        shutil.rmtree(SCRATCH)
    os.makedirs(SCRATCH)
    samples = os.path.join(SCRATCH, "samples")

    # 1. Samples.
    run("generate", "zprime", "--out", samples, "--events", str(EVENTS))

    # Independent export of the training trees.
    dumps = {}
    for name in ("signal", "background"):
        root = os.path.join(samples, f"reduced_{name}_forTraining.root")
        out = os.path.join(SCRATCH, f"{name}_dump.csv")
        run("dump", root, "--tree", "zp", "--csv", out)
        dumps[name] = read_csv(out)
        check(len(dumps[name]) == EVENTS, f"dump of {name} has {EVENTS} rows", str(len(dumps[name])))
        missing = [c for c in FEATURES + ["Zp_M_beforeFit"] + TRUTH if c not in dumps[name].columns]
        check(not missing, f"dump of {name} has every branch used", ",".join(missing))
    sig, bkg = dumps["signal"], dumps["background"]
    sig_sel = (sig[TRUTH[0]] == 26) & (sig[TRUTH[1]] == 26)
    mbkg = f32(bkg["Zp_M_beforeFit"])
    bkg_sel = (4.5 < mbkg) & (mbkg < 5.5)
    expected = {"signal": np.flatnonzero(sig_sel.to_numpy()), "background": np.flatnonzero(bkg_sel)}
    print(f"  pandas selection: signal {len(expected['signal'])} of {len(sig)}, "
          f"background {len(expected['background'])} of {len(bkg)}")

    # 2. Configs and runs.
    cfg = os.path.join(SCRATCH, "zprime.toml")
    cfg_w = os.path.join(SCRATCH, "zprime_weighted.toml")
    write_config(cfg, samples)
    write_config(cfg_w, samples, BKG_WEIGHT_EXPR)
    run_dir, run2_dir, run_w = (os.path.join(SCRATCH, d) for d in ("run", "run2", "run_weighted"))
    run("train", cfg, "--out", run_dir)

    # 3a/3b. AUC and ROC, unweighted config (all weights 1: weighted == unweighted).
    metrics, test = check_roc_and_auc(run_dir, "unweighted config")
    train = read_csv(os.path.join(run_dir, "scores_train.csv"))
    check((test["weight"] == 1).all() and (train["weight"] == 1).all(), "unweighted config: every weight is 1")
    m = metrics["models"][0]
    print(f"  evclass logreg: test AUC {m['auc']:.6f}, weighted {m['auc_weighted']:.6f}")

    # 3c. Reference logistic regression.
    scaler = StandardScaler().fit(train[SPEC_FEATURES].to_numpy(dtype=np.float64).astype(np.float32))
    xtr = scaler.transform(train[SPEC_FEATURES].to_numpy(dtype=np.float64).astype(np.float32))
    xte = scaler.transform(test[SPEC_FEATURES].to_numpy(dtype=np.float64).astype(np.float32))
    ref = LogisticRegression(C=1.0, max_iter=1000).fit(xtr, train["label"].to_numpy())
    p_ref = ref.predict_proba(xte)[:, 1]
    auc_ref = roc_auc_score(test["label"].to_numpy(), p_ref)
    dp = np.abs(p_ref - f32(test["score_logreg"]))
    check(abs(m["auc"] - auc_ref) <= 0.002, "logreg test AUC within 0.002 of sklearn LogisticRegression(C=1)",
          f"evclass {m['auc']:.6f} sklearn {auc_ref:.6f} diff {m['auc'] - auc_ref:+.2e}; "
          f"per-event |dp| max {dp.max():.2e} mean {dp.mean():.2e}")

    # 3d. Cut flow.
    for s in metrics["samples"]:
        flow = s["cutflow"]
        n_exp = len(expected[s["name"]])
        check(len(flow) >= 2 and flow[0]["events"] == EVENTS and flow[-1]["events"] == n_exp
              and s["selected"] == n_exp,
              f"cutflow of {s['name']}: {EVENTS} read -> {n_exp} selected (pandas)",
              json.dumps(flow) + f", selected {s['selected']}")
        events = [c["events"] for c in flow]
        check(all(a >= b for a, b in zip(events, events[1:])), f"cutflow of {s['name']} never increases",
              str(events))
    names = [s["name"] for s in metrics["samples"]]
    check(names == ["signal", "background"], "metrics samples are signal, background in config order", str(names))

    # 3e. Split.
    sample_names = names
    both = pd.concat([train.assign(part="train"), test.assign(part="test")], ignore_index=True)
    key = list(zip(both["sample"], both["entry"]))
    check(len(set(key)) == len(key), "no (sample, entry) in both train and test (nor twice in one)",
          f"{len(key) - len(set(key))} duplicates")
    for idx, name in enumerate(sample_names):
        got = np.sort(both.loc[both["sample"] == idx, "entry"].to_numpy())
        exp = expected[name]
        check(len(got) == len(exp) and np.array_equal(got, exp),
              f"{name}: train + test entries == the pandas-selected entries",
              f"{len(got)} rows vs {len(exp)} selected")
        n_train = int(((train["sample"] == idx)).sum())
        target = round(0.7 * len(exp))
        check(abs(n_train - target) <= 1, f"{name}: train part within 1 of round(0.7 n)",
              f"{n_train} of {len(exp)} (round(0.7 n) = {target}, fraction {n_train / max(len(exp), 1):.4f})")
        # The carried values are the input's values at that entry.
        sub = both[both["sample"] == idx]
        src = dumps[name].iloc[sub["entry"].to_numpy()]
        bad = [c for c in FEATURES + ["Zp_M_beforeFit"]
               if not np.array_equal(f32(sub["spec_" + c if c in FEATURES else c]), f32(src[c]))]
        bad += [c for c in TRUTH if not np.array_equal(sub[c].to_numpy(dtype=np.float64),
                                                         src[c].to_numpy(dtype=np.float64))]
        check(not bad, f"{name}: spectator values == the dumped branch values at (sample, entry)", ",".join(bad))
        labels = set(sub["label"].unique())
        check(labels == {1 if name == "signal" else 0}, f"{name}: label is {1 if name == 'signal' else 0}",
              str(labels))

    # 3f. Determinism.
    # The same command twice, then once more on one thread (the seed fixes every random choice).
    run3_dir = os.path.join(SCRATCH, "run_1thread")
    run("train", cfg, "--out", run2_dir)
    run("train", cfg, "--out", run3_dir, "--threads", "1")
    for other, how in ((run2_dir, "two identical runs"), (run3_dir, "default threads vs --threads 1")):
        for f in ("models/logreg.json", "scores_test.csv"):
            a = open(os.path.join(run_dir, f), "rb").read()
            b = open(os.path.join(other, f), "rb").read()
            check(a == b, f"determinism: {f} identical in {how}", f"{len(a)} vs {len(b)} bytes")

    # 3a/3b with non-trivial, partly negative background weights.
    run("train", cfg_w, "--out", run_w)
    mw, test_w = check_roc_and_auc(run_w, "weighted config")
    m2 = mw["models"][0]
    print(f"  evclass logreg (weighted config): test AUC {m2['auc']:.6f}, weighted {m2['auc_weighted']:.6f}")
    check(abs(m2["auc"] - m2["auc_weighted"]) > 1e-4, "weighted config: auc_weighted differs from auc",
          f"{m2['auc']:.6f} vs {m2['auc_weighted']:.6f}")
    # The weights themselves, computed in pandas from the dump.
    is_b = test_w["sample"] == 1
    ent = test_w.loc[is_b, "entry"].to_numpy()
    p = bkg["Zp_cm_p_beforeFit"].to_numpy(np.float64)[ent].astype(np.float32).astype(np.float64)
    w_exp = np.where(ent % 7 == 0, -1.0, 1.0) * (0.5 + p / 10)
    w_got = test_w.loc[is_b, "weight"].to_numpy(dtype=np.float64)
    dw = np.max(np.abs(w_got - w_exp) / np.abs(w_exp))
    check(dw <= 1e-12, "weighted config: background weights == (entry%7==0 ? -1 : 1)*(0.5+p/10) from the dump",
          f"max relative diff {dw:.2e}; {int((w_got < 0).sum())} negative of {len(w_got)}")
    check((test_w.loc[~is_b, "weight"] == 1).all(), "weighted config: signal weights stay 1")

    print(f"\n{len(FAILURES)} failure(s) in {time.time() - T0:.1f} s")
    for f in FAILURES:
        print("  FAILED:", f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
