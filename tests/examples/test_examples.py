#!/usr/bin/python3
"""The example configs examples/hzz4l.toml, examples/hgg.toml and examples/pmass.toml, end to end.

Usage: test_examples.py EVCLASS_PROGRAM SOURCE_DIR SCRATCH_DIR [ANALYSIS ...]
       (ANALYSIS: hzz4l, hgg, pmass; default all three. zprime is covered by
       tests/pipeline/test_zprime_vs_sklearn.py.)
Exit 0 = pass, 1 = a check failed, 77 = skipped (numpy, pandas or scikit-learn missing).

For each analysis:
1. `evclass generate` writes small samples into SCRATCH_DIR/<analysis>/samples; the example config
   is copied unchanged except for its sample and metadata paths, and `evclass train` runs it.
2. The cut flow of metrics.json (events read, events after the common selection) is compared with
   counts computed here in numpy from `evclass dump --csv` exports of the input trees: the cuts
   of the example are re-implemented (hzz4l: the Z candidates of the `!isnan(mz1) && !isnan(mz2)`
   cuts are built here from the four leptons, opposite-charge same-flavour pair closest to
   91187.6 MeV; hgg: the diphoton mass from pt, eta, phi, E). The selected (sample, entry) pairs
   of scores_train.csv + scores_test.csv must be exactly the numpy-selected entries, and the
   event weights must be the normalised weights computed here from the branches and metadata.
3. The config is trained again with each feature also carried as a spectator (a derived variable
   spec_<k> whose expression is the feature's text: a name may not be both feature and spectator).
   scikit-learn's LogisticRegression(C=1) on StandardScaler-scaled features of scores_train.csv,
   with the training weights the config implies (hzz4l, hgg: the normalised event weights computed
   here, negative ones kept, each class scaled to the mean class sum = `equal_sum`; pmass:
   unweighted) gives the floor: evclass's test AUC (models[0].auc; hgg: each one-vs-rest AUC)
   must be >= sklearn's - 0.01 on the same test events. evclass's AUCs are also recomputed with
   sklearn.metrics from scores_test.csv.
4. `evclass apply RUN FILE` writes a friend tree with one entry per input entry (checked with
   `evclass inspect --json`); its pass_selection flags are the numpy selection and, for events
   that were in the training run, its scores equal the run's scores.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

try:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError as e:  # pragma: no cover
    print(f"SKIP: this test needs numpy, pandas and scikit-learn in {sys.executable}: {e}")
    sys.exit(77)

if len(sys.argv) < 4:
    print(__doc__)
    sys.exit(2)
EVCLASS, SOURCE, SCRATCH = (os.path.abspath(a) for a in sys.argv[1:4])
ANALYSES = sys.argv[4:] or ["hzz4l", "hgg", "pmass"]
EVENTS = {"hzz4l": 5000, "hgg": 5000, "pmass": 4000}
AUC_SLACK = 0.01
LUMI_FB = 10.0  # [weights] luminosity_fb of hzz4l.toml and hgg.toml

FAILURES = []
T0 = time.time()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from example_config import copy_config as _copy_config, equal_sum_weights, features_of, with_feature_spectators  # noqa: E402


def copy_config(analysis, work):
    return _copy_config(SOURCE, analysis)


def check(ok, what, detail=""):
    status = "ok  " if ok else "FAIL"
    print(f"[{status}] {what}" + (f": {detail}" if detail else ""), flush=True)
    if not ok:
        FAILURES.append(f"{what}: {detail}")
    return bool(ok)


def run(*args, timeout=300):
    t = time.time()
    p = subprocess.run([EVCLASS, *args], capture_output=True, text=True, timeout=timeout)
    print(f"  $ evclass {' '.join(args)}  -> exit {p.returncode} in {time.time() - t:.1f} s", flush=True)
    if p.returncode != 0:
        print(p.stdout[-3000:])
        print(p.stderr[-3000:])
        raise RuntimeError(f"evclass {' '.join(args)} exited with {p.returncode}: {p.stderr.strip()[-500:]}")
    return p


def read_csv(path):
    # round_trip: the exact double of each written decimal.
    return pd.read_csv(path, float_precision="round_trip")


def f32(values):
    """As the float32 values evclass holds (CSV text -> nearest float32 -> double)."""
    return np.asarray(values, dtype=np.float64).astype(np.float32).astype(np.float64)


def dump(path, tree, branches, max_items, out):
    run("dump", path, "--tree", tree, "--branches", ",".join(branches), "--max-items", str(max_items),
        "--csv", out)
    return read_csv(out)


def entries_of(path, tree):
    info = json.loads(run("inspect", path, "--json").stdout)
    found = [t["entries"] for t in info["trees"] if t["path"] == tree]
    if len(found) != 1:
        raise RuntimeError(f"{path}: tree {tree!r} not found once by inspect --json: {info['trees']}")
    return int(found[0])


def jagged(df, name, k, cast=f32):
    """(n, matrix n_rows x k) of a jagged branch exported with --max-items k (NaN past the end)."""
    n = df[f"{name}_n"].to_numpy(dtype=np.int64)
    cols = [f"{name}[{j}]" for j in range(k)]
    mat = np.full((len(df), k), np.nan)
    for j, c in enumerate(cols):
        if c in df.columns:
            mat[:, j] = cast(df[c].to_numpy(dtype=np.float64))
    mat[np.arange(k)[None, :] >= n[:, None]] = np.nan
    return n, mat


def p4(pt, eta, phi, e):
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), e


def inv_mass(*vecs):
    px = sum(v[0] for v in vecs)
    py = sum(v[1] for v in vecs)
    pz = sum(v[2] for v in vecs)
    e = sum(v[3] for v in vecs)
    return np.sqrt(np.maximum(0.0, e * e - (px * px + py * py + pz * pz)))


# ---------------------------------------------------------------------------------------------
# Config handling.

# ---------------------------------------------------------------------------------------------
# Shared checks.

def check_cutflow(analysis, metrics, expected):
    """expected: sample name -> (entries read, numpy-selected entry indices[, one mask per cut term]).

    evclass counts events after each term of a cut written as `a && b && ...`, in order; the
    numpy masks are the same terms, so the counts are compared step by step."""
    names = [s["name"] for s in metrics["samples"]]
    check(names == list(expected), f"{analysis}: metrics samples are the MC samples in config order", str(names))
    for s in metrics["samples"]:
        if s["name"] not in expected:
            continue
        n_read, sel = expected[s["name"]][:2]
        masks = expected[s["name"]][2] if len(expected[s["name"]]) > 2 else []
        exp_flow = [n_read]
        running = np.ones(n_read, dtype=bool)
        for m in masks:
            running &= m
            exp_flow.append(int(running.sum()))
        got = [c["events"] for c in s["cutflow"]]
        names_ok = s["cutflow"][0]["cut"] == "read" and all(c["cut"].startswith("common") for c in s["cutflow"][1:])
        check(got == exp_flow and names_ok and s["selected"] == len(sel),
              f"{analysis}: cutflow of {s['name']} == numpy counts",
              f"evclass {json.dumps(s['cutflow'])} selected {s['selected']}; numpy {json.dumps(exp_flow)}")


def check_selected_entries(analysis, sample_names, both, expected):
    for idx, name in enumerate(sample_names):
        got = np.sort(both.loc[both["sample"] == idx, "entry"].to_numpy(dtype=np.int64))
        exp = np.asarray(expected[name][1], dtype=np.int64)
        only_evc = np.setdiff1d(got, exp)[:10]
        only_np = np.setdiff1d(exp, got)[:10]
        check(np.array_equal(got, exp), f"{analysis}: {name}: train + test entries == numpy-selected entries",
              f"{len(got)} vs {len(exp)}; only in evclass {only_evc.tolist()}, only in numpy {only_np.tolist()}")


def check_weights(analysis, sample_names, both, w_by_sample, metrics):
    for idx, name in enumerate(sample_names):
        sub = both[both["sample"] == idx]
        w_exp = w_by_sample[name][sub["entry"].to_numpy(dtype=np.int64)]
        w_got = sub["weight"].to_numpy(dtype=np.float64)
        rel = np.max(np.abs(w_got - w_exp) / np.abs(w_exp)) if len(sub) else 0.0
        check(rel <= 1e-9, f"{analysis}: {name}: event weights == normalised weights from the branches",
              f"max relative diff {rel:.2e} over {len(sub)} events; {int((w_exp < 0).sum())} negative")
        s = next(s for s in metrics["samples"] if s["name"] == name)
        check(abs(s["sum_weights"] - w_exp.sum()) <= 1e-9 * abs(w_exp.sum()),
              f"{analysis}: {name}: metrics sum_weights == numpy sum of selected weights",
              f"evclass {s['sum_weights']:.10g} numpy {w_exp.sum():.10g}")


def sklearn_reference(analysis, train, test, spec_names, train_w):
    scaler = StandardScaler().fit(f32(train[spec_names].to_numpy(dtype=np.float64)))
    xtr = scaler.transform(f32(train[spec_names].to_numpy(dtype=np.float64)))
    xte = scaler.transform(f32(test[spec_names].to_numpy(dtype=np.float64)))
    ref = LogisticRegression(C=1.0, max_iter=5000)
    ref.fit(xtr, train["label"].to_numpy(dtype=np.int64), sample_weight=train_w)
    return ref, ref.predict_proba(xte)


def binary_auc_checks(analysis, metrics, metrics_spec, test, p_ref):
    m, m2 = metrics["models"][0], metrics_spec["models"][0]
    y = test["label"].to_numpy(dtype=np.int64)
    auc_sk_evc = roc_auc_score(y, f32(test["score_logreg"]))
    check(abs(m2["auc"] - auc_sk_evc) <= 1e-9, f"{analysis}: metrics auc == sklearn roc_auc_score of scores_test.csv",
          f"evclass {m2['auc']:.9f} sklearn {auc_sk_evc:.9f}")
    check(abs(m["auc"] - m2["auc"]) <= 1e-9, f"{analysis}: extra spectators do not change the test AUC",
          f"example config {m['auc']:.9f}, with feature spectators {m2['auc']:.9f}")
    auc_ref = roc_auc_score(y, p_ref[:, 1])
    check(m2["auc"] >= auc_ref - AUC_SLACK,
          f"{analysis}: evclass logreg test AUC >= sklearn LogisticRegression(C=1) AUC - {AUC_SLACK}",
          f"evclass {m2['auc']:.4f} sklearn {auc_ref:.4f} (diff {m2['auc'] - auc_ref:+.4f}) on {len(y)} test events")
    return auc_ref


def apply_checks(analysis, run_dir, work, path, tree, selected, run_scores, score_cols, sample_idx):
    """selected: numpy-selected entries of that file (None: no cut); run_scores: the run's scored rows."""
    out = os.path.join(work, "applied")
    run("apply", run_dir, path, "--out", out)
    stem = os.path.splitext(os.path.basename(path))[0]
    friend = os.path.join(out, f"{stem}_scores.root")
    n_in, n_out = entries_of(path, tree), entries_of(friend, "scores")
    check(n_in == n_out, f"{analysis}: apply: friend tree has one entry per input entry", f"{n_out} vs {n_in}")
    run("dump", friend, "--tree", "scores", "--csv", os.path.join(work, "applied_dump.csv"))
    fr = read_csv(os.path.join(work, "applied_dump.csv"))
    missing = [c for c in score_cols + ["pass_selection"] if c not in fr.columns]
    if not check(not missing, f"{analysis}: apply: friend tree has {score_cols + ['pass_selection']}",
                 f"columns {list(fr.columns)}"):
        return fr
    passing = np.flatnonzero(fr["pass_selection"].to_numpy() != 0)
    exp = np.arange(n_in) if selected is None else np.asarray(selected)
    check(np.array_equal(passing, exp), f"{analysis}: apply: pass_selection == the numpy selection",
          f"{len(passing)} pass vs {len(exp)} selected")
    if run_scores is not None:
        rows = run_scores[run_scores["sample"] == sample_idx]
        ent = rows["entry"].to_numpy(dtype=np.int64)
        diff = max(float(np.max(np.abs(f32(fr[c].to_numpy()[ent]) - f32(rows[c])))) for c in score_cols)
        check(diff <= 1e-6, f"{analysis}: apply: scores of the run's events == scores_train/test.csv",
              f"max |diff| {diff:.2e} over {len(ent)} events")
    return fr


# ---------------------------------------------------------------------------------------------
# hzz4l

HZZ_SAMPLES = ["ggH125_ZZ4lep", "VBFH125_ZZ4lep", "ZZ", "Zee", "Zmumu", "ttbar_lep"]
HZZ_WEIGHT = ["mcWeight", "scaleFactor_PILEUP", "scaleFactor_ELE", "scaleFactor_MUON", "scaleFactor_TRIGGER"]
HZZ_JAGGED = ["lep_pt", "lep_eta", "lep_phi", "lep_E", "lep_charge", "lep_type", "lep_ptcone30", "lep_etcone20",
              "lep_trackd0pvunbiased", "lep_tracksigd0pvunbiased"]
ZMASS = 91187.6
K_LEP = 8


def hzz4l_numpy(df):
    """Selection and Z candidates of examples/hzz4l.toml, computed here."""
    n_rows = len(df)
    lep_n = df["lep_n"].to_numpy(dtype=np.int64)
    v = {}
    for b in HZZ_JAGGED:
        n, v[b] = jagged(df, b, K_LEP)
        if n.max(initial=0) > K_LEP:
            raise RuntimeError(f"{b}: lists longer than --max-items {K_LEP}")
    charge_sum = np.nansum(v["lep_charge"], axis=1)
    type_sum = np.nansum(v["lep_type"], axis=1)
    pt = v["lep_pt"]
    with np.errstate(invalid="ignore"):
        masks = [lep_n == 4, charge_sum == 0, np.isin(type_sum, [44, 48, 52]), pt[:, 0] > 25000,
                 pt[:, 1] > 15000, pt[:, 2] > 10000]
    base = np.logical_and.reduce(masks)
    # Z candidates for events with exactly four leptons in the lists.
    four = (n := df["lep_pt_n"].to_numpy(dtype=np.int64)) == 4
    vec = [p4(pt[:, i], v["lep_eta"][:, i], v["lep_phi"][:, i], v["lep_E"][:, i]) for i in range(4)]
    pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    mz1 = np.full(n_rows, np.nan)
    mz2 = np.full(n_rows, np.nan)
    best = np.full(n_rows, np.inf)
    for i, j in pairs:
        ok = four & (v["lep_charge"][:, i] * v["lep_charge"][:, j] < 0) & (v["lep_type"][:, i] == v["lep_type"][:, j])
        m = inv_mass(vec[i], vec[j])
        k, l = [x for x in range(4) if x not in (i, j)]
        other = inv_mass(vec[k], vec[l])
        better = ok & (np.abs(m - ZMASS) < best)  # strict: ties keep the first pair
        best = np.where(better, np.abs(m - ZMASS), best)
        mz1 = np.where(better, m, mz1)
        mz2 = np.where(better, other, mz2)
    masks += [~np.isnan(mz1), ~np.isnan(mz2)]
    sel = base & masks[-2] & masks[-1]
    m4l = inv_mass(*vec)
    with np.errstate(invalid="ignore", divide="ignore"):
        extra = {
            "mz1": mz1 / 1000, "mz2": mz2 / 1000, "m4l": m4l / 1000,
            "max_ptcone": np.max(v["lep_ptcone30"][:, :4] / pt[:, :4], axis=1),
            "max_etcone": np.max(v["lep_etcone20"][:, :4] / pt[:, :4], axis=1),
            "max_d0sig": np.max(np.abs(v["lep_trackd0pvunbiased"][:, :4]) / v["lep_tracksigd0pvunbiased"][:, :4], axis=1),
            "lep_pt[3] / 1000": pt[:, 3] / 1000,
            "met_et / 1000": f32(df["met_et"]) / 1000,
        }
    return base, sel, extra, masks


def test_hzz4l(work):
    a = "hzz4l"
    samples = os.path.join(work, "samples")
    run("generate", a, "--out", samples, "--events", str(EVENTS[a]))
    meta = {s["name"]: s for s in json.load(open(os.path.join(samples, "hzz4l_samples.json")))["samples"]}
    text = copy_config(a, work)
    cfg = os.path.join(work, f"{a}.toml")
    open(cfg, "w").write(text)
    run_dir = os.path.join(work, "run")
    run("train", cfg, "--out", run_dir)
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))

    expected, weights, extras = {}, {}, {}
    for name in HZZ_SAMPLES:
        path = os.path.join(samples, f"{name}.root")
        n_entries = entries_of(path, "mini")
        df = dump(path, "mini", ["lep_n", "met_et"] + HZZ_JAGGED + HZZ_WEIGHT, K_LEP,
                  os.path.join(work, f"dump_{name}.csv"))
        check(len(df) == n_entries, f"{a}: dump of {name} has every entry", f"{len(df)} vs {n_entries}")
        base, sel, extra, masks = hzz4l_numpy(df)
        expected[name] = (n_entries, np.flatnonzero(sel), masks)
        extras[name] = extra
        print(f"  numpy {name}: {n_entries} read, {int(base.sum())} pass the cuts before !isnan(mz1/mz2), "
              f"{int(sel.sum())} after")
        s = meta[name]
        norm = s["xsec_pb"] * 1000 * LUMI_FB * s["k_factor"] * s["filter_eff"] / s["sum_of_weights"]
        w = np.ones(len(df))
        for b in HZZ_WEIGHT:
            w = w * f32(df[b])
        weights[name] = w * norm
    check_cutflow(a, metrics, expected)

    train = read_csv(os.path.join(run_dir, "scores_train.csv"))
    test = read_csv(os.path.join(run_dir, "scores_test.csv"))
    both = pd.concat([train, test], ignore_index=True)
    check_selected_entries(a, HZZ_SAMPLES, both, expected)
    check_weights(a, HZZ_SAMPLES, both, weights, metrics)
    # The m4l spectator against the numpy four-lepton mass.
    m4l_exp = np.array([extras[HZZ_SAMPLES[i]]["m4l"][e] for i, e in zip(both["sample"], both["entry"])])
    rel = np.max(np.abs(both["m4l"].to_numpy() - m4l_exp) / m4l_exp)
    check(rel <= 1e-9, f"{a}: spectator m4l == numpy mass of the four leptons", f"max relative diff {rel:.2e}")

    # 3. The same config with the features as spectators; sklearn reference.
    feats = features_of(text)
    text2, spec = with_feature_spectators(text, feats)
    cfg2 = os.path.join(work, f"{a}_spectators.toml")
    open(cfg2, "w").write(text2)
    run2 = os.path.join(work, "run_spectators")
    run("train", cfg2, "--out", run2)
    metrics2 = json.load(open(os.path.join(run2, "metrics.json")))
    train2 = read_csv(os.path.join(run2, "scores_train.csv"))
    test2 = read_csv(os.path.join(run2, "scores_test.csv"))
    both2 = pd.concat([train2, test2], ignore_index=True)
    # The carried features against numpy (Z candidates, isolation, impact parameter, ...).
    for k, f in enumerate(feats):
        exp = np.array([extras[HZZ_SAMPLES[i]][f][e] for i, e in zip(both2["sample"], both2["entry"])])
        got = both2[spec[k]].to_numpy(dtype=np.float64)
        rel = np.max(np.abs(got - exp) / np.maximum(np.abs(exp), 1e-300))
        check(rel <= 1e-6 and not np.isnan(got).any(), f"{a}: feature {f!r} == numpy value (all selected events)",
              f"max relative diff {rel:.2e}")
    labels = train2["label"].to_numpy(dtype=np.int64)
    w_train = np.array([weights[HZZ_SAMPLES[i]][e] for i, e in zip(train2["sample"], train2["entry"])])
    w_train = equal_sum_weights(labels, w_train, 2)
    _, p_ref = sklearn_reference(a, train2, test2, spec, w_train)
    auc_ref = binary_auc_checks(a, metrics, metrics2, test2, p_ref)
    print(f"  {a}: evclass test AUC {metrics['models'][0]['auc']:.4f} (weighted "
          f"{metrics['models'][0]['auc_weighted']:.4f}); sklearn (weighted training, equal_sum) {auc_ref:.4f}")

    # 4. apply to one input file.
    zz = HZZ_SAMPLES.index("ZZ")
    apply_checks(a, run_dir, work, os.path.join(samples, "ZZ.root"), "mini", expected["ZZ"][1], both,
                 ["score_logreg"], zz)


# ---------------------------------------------------------------------------------------------
# hgg

HGG_SAMPLES = [("ggH", "ggH125_gamgam"), ("VBF", "VBFH125_gamgam"), ("ttH", "ttH125_gamgam"),
               ("WH", "WH125_gamgam"), ("ZH", "ZH125_gamgam")]
HGG_WEIGHT = ["mcWeight", "scaleFactor_PILEUP", "scaleFactor_PHOTON", "scaleFactor_ELE", "scaleFactor_MUON"]
HGG_PHOTON = ["photon_pt", "photon_eta", "photon_phi", "photon_E", "photon_isTightID"]


def hgg_numpy(df):
    """Selection of examples/hgg.toml, computed here (missing_index = "zero")."""
    v = {}
    for b in HGG_PHOTON:
        _, v[b] = jagged(df, b, 2)
    n_list = df["photon_pt_n"].to_numpy(dtype=np.int64)
    have2 = n_list >= 2
    vec = [p4(v["photon_pt"][:, i], v["photon_eta"][:, i], v["photon_phi"][:, i], v["photon_E"][:, i]) for i in (0, 1)]
    myy = np.where(have2, inv_mass(*vec) / 1000, 0.0)  # mass(..., 2): missing (0 here) with fewer than 2
    z = {b: np.nan_to_num(m, nan=0.0) for b, m in v.items()}  # x[i] of a short list: 0
    eta0, eta1 = np.abs(z["photon_eta"][:, 0]), np.abs(z["photon_eta"][:, 1])
    # One mask per term of the config's `common` cut, in the order written (the cut flow).
    masks = [df["trigP"].to_numpy() != 0, df["photon_n"].to_numpy(dtype=np.int64) >= 2,
             z["photon_isTightID"][:, 0] != 0, z["photon_isTightID"][:, 1] != 0,
             eta0 < 2.37, eta1 < 2.37, ~((eta0 > 1.37) & (eta0 < 1.52)), ~((eta1 > 1.37) & (eta1 < 1.52)),
             z["photon_pt"][:, 0] / 1000 > 0.35 * myy, z["photon_pt"][:, 1] / 1000 > 0.25 * myy,
             myy > 105, myy < 160]
    sel = np.logical_and.reduce(masks)
    return sel, myy, masks


HGG_JET = ["jet_pt", "jet_eta", "jet_phi", "jet_E", "jet_MV2c10"]
K_JET = 24


def hgg_features(df):
    """The features of examples/hgg.toml, computed here (missing_index = "zero")."""
    ph, jt = {}, {}
    for b in HGG_PHOTON[:4]:
        _, ph[b] = jagged(df, b, 2)
    for b in HGG_JET:
        n, jt[b] = jagged(df, b, K_JET)
        if n.max(initial=0) > K_JET:
            raise RuntimeError(f"{b}: lists longer than --max-items {K_JET}")
    _, lep_pt = jagged(df, "lep_pt", 1)
    n_jet = df["jet_pt_n"].to_numpy(dtype=np.int64)
    z = lambda m: np.nan_to_num(m, nan=0.0)  # noqa: E731
    g = [p4(ph["photon_pt"][:, i], ph["photon_eta"][:, i], ph["photon_phi"][:, i], ph["photon_E"][:, i])
         for i in (0, 1)]
    j = [p4(jt["jet_pt"][:, i], jt["jet_eta"][:, i], jt["jet_phi"][:, i], jt["jet_E"][:, i]) for i in (0, 1)]
    with np.errstate(invalid="ignore"):
        return {
            "ptyy": z(np.hypot(g[0][0] + g[1][0], g[0][1] + g[1][1]) / 1000),
            "photon_pt[0] / 1000": z(ph["photon_pt"][:, 0] / 1000),
            "photon_pt[1] / 1000": z(ph["photon_pt"][:, 1] / 1000),
            "photon_eta[0]": z(ph["photon_eta"][:, 0]), "photon_eta[1]": z(ph["photon_eta"][:, 1]),
            "jet_n": df["jet_n"].to_numpy(dtype=np.float64),
            "jet_pt[0] / 1000": z(jt["jet_pt"][:, 0]) / 1000, "jet_pt[1] / 1000": z(jt["jet_pt"][:, 1]) / 1000,
            "jet_eta[0]": z(jt["jet_eta"][:, 0]), "jet_eta[1]": z(jt["jet_eta"][:, 1]),
            "mass(jet_pt, jet_eta, jet_phi, jet_E, 2) / 1000": np.where(n_jet >= 2, inv_mass(*j) / 1000, 0.0),
            "abs(jet_eta[0] - jet_eta[1])": np.abs(z(jt["jet_eta"][:, 0]) - z(jt["jet_eta"][:, 1])),
            "sum(jet_pt) / 1000": np.nansum(jt["jet_pt"], axis=1) / 1000,
            "length(jet_pt[jet_MV2c10 > 0.8244])": np.sum(jt["jet_MV2c10"] > 0.8244, axis=1).astype(np.float64),
            "lep_n": df["lep_n"].to_numpy(dtype=np.float64),
            "lep_pt[0] / 1000": z(lep_pt[:, 0]) / 1000,
            "met_et / 1000": f32(df["met_et"]) / 1000,
        }


def test_hgg(work):
    a = "hgg"
    samples = os.path.join(work, "samples")
    run("generate", a, "--out", samples, "--events", str(EVENTS[a]))
    text = copy_config(a, work)
    cfg = os.path.join(work, f"{a}.toml")
    open(cfg, "w").write(text)
    run_dir = os.path.join(work, "run")
    run("train", cfg, "--out", run_dir)
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))
    classes = [c for c, _ in HGG_SAMPLES]
    check(metrics["classes"] == classes, f"{a}: classes in order of appearance", str(metrics["classes"]))

    expected, weights, myys, extras = {}, {}, {}, {}
    for name, stem in HGG_SAMPLES:
        path = os.path.join(samples, f"{stem}.root")
        n_entries = entries_of(path, "mini")
        df = dump(path, "mini", ["trigP", "photon_n"] + HGG_PHOTON + HGG_WEIGHT + ["XSection", "SumWeights"], 2,
                  os.path.join(work, f"dump_{name}.csv"))
        check(len(df) == n_entries, f"{a}: dump of {name} has every entry", f"{len(df)} vs {n_entries}")
        dfj = dump(path, "mini", ["photon_pt", "photon_eta", "photon_phi", "photon_E", "jet_n", "lep_n", "met_et",
                                  "lep_pt"] + HGG_JET, K_JET, os.path.join(work, f"dump_{name}_jets.csv"))
        extras[name] = hgg_features(dfj)
        sel, myy, masks = hgg_numpy(df)
        expected[name] = (n_entries, np.flatnonzero(sel), masks)
        myys[name] = myy
        print(f"  numpy {name}: {n_entries} read, {int(sel.sum())} selected")
        # Normalisation from the XSection and SumWeights branches, first entry of the file.
        norm = f32(df["XSection"])[0] * 1000 * LUMI_FB / f32(df["SumWeights"])[0]
        w = np.ones(len(df))
        for b in HGG_WEIGHT:
            w = w * f32(df[b])
        weights[name] = w * norm
    check_cutflow(a, metrics, expected)

    train = read_csv(os.path.join(run_dir, "scores_train.csv"))
    test = read_csv(os.path.join(run_dir, "scores_test.csv"))
    both = pd.concat([train, test], ignore_index=True)
    check_selected_entries(a, classes, both, expected)
    check_weights(a, classes, both, weights, metrics)
    myy_exp = np.array([myys[classes[i]][e] for i, e in zip(both["sample"], both["entry"])])
    rel = np.max(np.abs(both["myy"].to_numpy() - myy_exp) / myy_exp)
    check(rel <= 1e-9, f"{a}: spectator myy == numpy diphoton mass", f"max relative diff {rel:.2e}")
    check((both["label"].to_numpy() == both["sample"].to_numpy()).all(), f"{a}: label == class of the sample")

    feats = features_of(text)
    text2, spec = with_feature_spectators(text, feats)
    cfg2 = os.path.join(work, f"{a}_spectators.toml")
    open(cfg2, "w").write(text2)
    run2 = os.path.join(work, "run_spectators")
    run("train", cfg2, "--out", run2)
    metrics2 = json.load(open(os.path.join(run2, "metrics.json")))
    train2 = read_csv(os.path.join(run2, "scores_train.csv"))
    test2 = read_csv(os.path.join(run2, "scores_test.csv"))
    both2 = pd.concat([train2, test2], ignore_index=True)
    for k, f in enumerate(feats):
        if f not in extras[classes[0]]:
            check(False, f"{a}: feature {f!r} has a numpy counterpart in this test", "update hgg_features")
            continue
        exp = np.array([extras[classes[i]][f][e] for i, e in zip(both2["sample"], both2["entry"])])
        got = both2[spec[k]].to_numpy(dtype=np.float64)
        dev = np.max(np.abs(got - exp) / np.maximum(np.abs(exp), 1.0))
        check(dev <= 1e-9, f"{a}: feature {f!r} == numpy value (all selected events)",
              f"max deviation {dev:.2e}; {int((exp == 0).sum())} zero (missing objects filled with 0)")
    labels = train2["label"].to_numpy(dtype=np.int64)
    w_train = np.array([weights[classes[i]][e] for i, e in zip(train2["sample"], train2["entry"])])
    w_train = equal_sum_weights(labels, w_train, len(classes))
    _, p_ref = sklearn_reference(a, train2, test2, spec, w_train)

    m, m2 = metrics["models"][0], metrics2["models"][0]
    y = test2["label"].to_numpy(dtype=np.int64)
    for k, c in enumerate(classes):
        col = f"score_logreg_{c}"
        auc_evc = roc_auc_score(y == k, f32(test2[col]))
        check(abs(m2["auc"][k] - auc_evc) <= 1e-9, f"{a}: metrics auc[{c}] == sklearn one-vs-rest AUC of {col}",
              f"evclass {m2['auc'][k]:.9f} sklearn {auc_evc:.9f}")
        check(abs(m["auc"][k] - m2["auc"][k]) <= 1e-9, f"{a}: extra spectators do not change auc[{c}]",
              f"{m['auc'][k]:.9f} vs {m2['auc'][k]:.9f}")
        auc_ref = roc_auc_score(y == k, p_ref[:, k])
        check(m2["auc"][k] >= auc_ref - AUC_SLACK,
              f"{a}: evclass one-vs-rest AUC of {c} >= sklearn LogisticRegression(C=1) - {AUC_SLACK}",
              f"evclass {m2['auc'][k]:.4f} sklearn {auc_ref:.4f} (diff {m2['auc'][k] - auc_ref:+.4f})")

    vbf = classes.index("VBF")
    apply_checks(a, run_dir, work, os.path.join(samples, "VBFH125_gamgam.root"), "mini", expected["VBF"][1], both,
                 [f"score_logreg_{c}" for c in classes], vbf)


# ---------------------------------------------------------------------------------------------
# pmass

def test_pmass(work):
    a = "pmass"
    samples = os.path.join(work, "samples")
    run("generate", a, "--out", samples, "--events", str(EVENTS[a]))
    text = copy_config(a, work)
    cfg = os.path.join(work, f"{a}.toml")
    open(cfg, "w").write(text)
    run_dir = os.path.join(work, "run")
    run("train", cfg, "--out", run_dir)
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))

    path = os.path.join(samples, "pmass_train.root")
    n_entries = entries_of(path, "pmass")
    check(n_entries == 2 * EVENTS[a] * 5, f"{a}: pmass_train.root has 2 N M entries", str(n_entries))
    feats = features_of(text)
    df = dump(path, "pmass", ["label"] + feats, 1, os.path.join(work, "dump_pmass.csv"))
    expected = {"pmass": (n_entries, np.arange(n_entries))}
    check_cutflow(a, metrics, expected)

    train = read_csv(os.path.join(run_dir, "scores_train.csv"))
    test = read_csv(os.path.join(run_dir, "scores_test.csv"))
    both = pd.concat([train, test], ignore_index=True)
    check_selected_entries(a, ["pmass"], both, expected)
    ent = both["entry"].to_numpy(dtype=np.int64)
    check(np.array_equal(both["label"].to_numpy(), df["label"].to_numpy()[ent]),
          f"{a}: label == the label branch at each entry")
    check((both["weight"] == 1).all(), f"{a}: every weight is 1 (no [weights])")

    text2, spec = with_feature_spectators(text, feats)
    cfg2 = os.path.join(work, f"{a}_spectators.toml")
    open(cfg2, "w").write(text2)
    run2 = os.path.join(work, "run_spectators")
    run("train", cfg2, "--out", run2)
    metrics2 = json.load(open(os.path.join(run2, "metrics.json")))
    train2 = read_csv(os.path.join(run2, "scores_train.csv"))
    test2 = read_csv(os.path.join(run2, "scores_test.csv"))
    both2 = pd.concat([train2, test2], ignore_index=True)
    ent2 = both2["entry"].to_numpy(dtype=np.int64)
    bad = [f for k, f in enumerate(feats)
           if not np.array_equal(f32(both2[spec[k]]), f32(df[f].to_numpy()[ent2]))]
    check(not bad, f"{a}: carried features == the dumped branches at each entry", ",".join(bad))
    ref, p_ref = sklearn_reference(a, train2, test2, spec, None)
    auc_ref = binary_auc_checks(a, metrics, metrics2, test2, p_ref)
    print(f"  {a}: evclass test AUC {metrics['models'][0]['auc']:.4f}; sklearn (unweighted) {auc_ref:.4f}")

    # apply to the independent file pmass_test.root; its AUC against sklearn's model on that file.
    test_path = os.path.join(samples, "pmass_test.root")
    fr = apply_checks(a, run_dir, work, test_path, "pmass", None, None, ["score_logreg"], 0)
    dft = dump(test_path, "pmass", ["label"] + feats, 1, os.path.join(work, "dump_pmass_test.csv"))
    if "score_logreg" in fr.columns and len(fr) == len(dft):
        scaler = StandardScaler().fit(f32(train2[spec].to_numpy(dtype=np.float64)))
        p_file = ref.predict_proba(scaler.transform(f32(dft[feats].to_numpy(dtype=np.float64))))[:, 1]
        auc_file_ref = roc_auc_score(dft["label"], p_file)
        auc_file = roc_auc_score(dft["label"], f32(fr["score_logreg"]))
        check(auc_file >= auc_file_ref - AUC_SLACK,
              f"{a}: AUC of applied scores on pmass_test.root >= sklearn's on that file - {AUC_SLACK}",
              f"evclass {auc_file:.4f} sklearn {auc_file_ref:.4f}")


def main():
    tests = {"hzz4l": test_hzz4l, "hgg": test_hgg, "pmass": test_pmass}
    unknown = [a for a in ANALYSES if a not in tests]
    if unknown:
        print(f"unknown analysis {unknown}; choose from {list(tests)}")
        return 2
    for a in ANALYSES:
        work = os.path.join(SCRATCH, a)
        if os.path.isdir(work):
            shutil.rmtree(work)
        os.makedirs(work)
        t = time.time()
        print(f"== {a}", flush=True)
        try:
            tests[a](work)
        except Exception as e:  # a crash of evclass or an unexpected output format
            check(False, f"{a}: ran to the end", f"{type(e).__name__}: {e}")
        print(f"== {a}: {time.time() - t:.1f} s", flush=True)
    print(f"\n{len(FAILURES)} failure(s) in {time.time() - T0:.1f} s")
    for f in FAILURES:
        print("  FAILED:", f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
