#!/usr/bin/python3
"""Realism check of the zprime and pmass generators against scikit-learn.

Generates the samples with `evclass generate`, exports them with `evclass dump --csv`, applies the
seed analyses' selections, and trains LogisticRegression and HistGradientBoostingClassifier with a
fixed split and seed. Prints the test AUCs and PASS/FAIL for what the generators promise:

  zprime  after the seed's cuts, boosted trees reach 0.90 <= AUC <= 0.97 and logistic regression
          stays at least 0.03 below them (the separation is real but not linear, not trivial);
  pmass   per mass point (trained on pmass_train.root, tested on pmass_test.root), the boosted
          trees' AUC rises with the mass (heavier resonances sit further from the t tbar peak).

Usage (from the repository root; needs Debian's python3-sklearn and python3-pandas):
  /usr/bin/python3 bench/realism_sklearn.py [--evclass build/apps/evclass/evclass] [--seed 42]
Exit status 0 when every check passes, 1 otherwise. See docs/generators.md for recorded results.
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The seed analysis' 16 inputs (../shared/seeds/000_d9e3cf13551d59db.txt).
ZPRIME_FEATURES = [
    "Zp_cm_p_beforeFit", "P_beforeFit", "Zp_tau0_CMS_p_beforeFit", "Zp_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_p_beforeFit", "fake_tau1_CMS_p_beforeFit", "fake_tau0_CMS_pt_beforeFit",
    "fake_tau1_CMS_pt_beforeFit", "fake_PtTheta_beforeFit", "fake_PtRho_beforeFit",
    "IntSymmZp_Pt_beforeFit", "DistZp_Pt_beforeFit", "Zp_PtTheta_sign_beforeFit",
    "Zp_PtRho_sign_beforeFit", "Zp_ptPtMin_Theta_beforeFit", "Zp_ptPtMin_Rho_beforeFit"]
ZPRIME_TRUTH = ["Zp_tau_0_dau_genMotherPDG", "Zp_tau_1_dau_genMotherPDG"]
PMASS_FEATURES = [f"f{i}" for i in range(27)]

HGB_AUC_RANGE = (0.90, 0.97)
MIN_LR_GAP = 0.03


def run(cmd):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def find_evclass(path):
    if path is None:
        path = os.path.join(REPO, "build", "apps", "evclass", "evclass")
    if not os.path.exists(path):
        run(["cmake", "-S", REPO, "-B", os.path.join(REPO, "build"), "-G", "Ninja"])
        run(["ninja", "-C", os.path.join(REPO, "build"), "evclass"])
    return path


def dump(evclass, root_file, tree, branches, csv):
    run([evclass, "dump", root_file, "--tree", tree, "--branches", ",".join(branches), "--csv", csv])
    return pd.read_csv(csv)


def fit_and_score(x_train, y_train, x_test, y_test, seed):
    """Test AUCs of logistic regression (on standardised inputs, as the seed does) and of
    histogram gradient-boosted trees."""
    scaler = StandardScaler().fit(x_train)
    lr = LogisticRegression(max_iter=500).fit(scaler.transform(x_train), y_train)
    hgb = HistGradientBoostingClassifier(random_state=seed).fit(x_train, y_train)
    auc_lr = roc_auc_score(y_test, lr.predict_proba(scaler.transform(x_test))[:, 1])
    auc_hgb = roc_auc_score(y_test, hgb.predict_proba(x_test)[:, 1])
    return auc_lr, auc_hgb


def check_zprime(evclass, out, events, seed):
    run([evclass, "generate", "zprime", "--out", out, "--events", str(events), "--seed", str(seed)])
    branches = ZPRIME_FEATURES + ZPRIME_TRUTH + ["Zp_M_beforeFit"]
    sig = dump(evclass, os.path.join(out, "reduced_signal_forTraining.root"), "zp", branches,
               os.path.join(out, "signal_train.csv"))
    bkg = dump(evclass, os.path.join(out, "reduced_background_forTraining.root"), "zp", branches,
               os.path.join(out, "background_train.csv"))
    # The seed's selections.
    bkg = bkg[(bkg["Zp_M_beforeFit"] > 4.5) & (bkg["Zp_M_beforeFit"] < 5.5)]
    sig = sig[(sig["Zp_tau_0_dau_genMotherPDG"] == 26) & (sig["Zp_tau_1_dau_genMotherPDG"] == 26)]
    x = np.vstack((sig[ZPRIME_FEATURES].values, bkg[ZPRIME_FEATURES].values))
    y = np.hstack((np.ones(len(sig)), np.zeros(len(bkg))))
    x, y = shuffle(x, y, random_state=42)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=42)
    auc_lr, auc_hgb = fit_and_score(x_train, y_train, x_test, y_test, seed=42)
    ok_range = HGB_AUC_RANGE[0] <= auc_hgb <= HGB_AUC_RANGE[1]
    ok_gap = auc_lr <= auc_hgb - MIN_LR_GAP
    print(f"\nzprime: {len(sig)} signal and {len(bkg)} background candidates after the seed's cuts")
    print(f"  HistGradientBoosting AUC = {auc_hgb:.4f}   "
          f"[{'PASS' if ok_range else 'FAIL'}: within {HGB_AUC_RANGE[0]:.2f}-{HGB_AUC_RANGE[1]:.2f}]")
    print(f"  LogisticRegression   AUC = {auc_lr:.4f}   "
          f"[{'PASS' if ok_gap else 'FAIL'}: at least {MIN_LR_GAP:.2f} below the trees]")
    return ok_range and ok_gap


def check_pmass(evclass, out, events, seed):
    run([evclass, "generate", "pmass", "--out", out, "--events", str(events), "--seed", str(seed)])
    columns = ["label"] + PMASS_FEATURES + ["mass"]
    train = dump(evclass, os.path.join(out, "pmass_train.root"), "pmass", columns, os.path.join(out, "train.csv"))
    test = dump(evclass, os.path.join(out, "pmass_test.root"), "pmass", columns, os.path.join(out, "test.csv"))
    masses = sorted(train["mass"].unique())
    print(f"\npmass: {len(train)} training and {len(test)} test rows, mass points {[int(m) for m in masses]}")
    print("  mass   LogisticRegression  HistGradientBoosting  parametric HGB")
    # One parametric model on every mass point, with the mass as an input (the seed's pNN idea).
    parametric = HistGradientBoostingClassifier(random_state=42).fit(train[PMASS_FEATURES + ["mass"]].values,
                                                                     train["label"].values)
    hgb_aucs = []
    for m in masses:
        tr, te = train[train["mass"] == m], test[test["mass"] == m]
        auc_lr, auc_hgb = fit_and_score(tr[PMASS_FEATURES].values, tr["label"].values,
                                        te[PMASS_FEATURES].values, te["label"].values, seed=42)
        auc_param = roc_auc_score(te["label"].values,
                                  parametric.predict_proba(te[PMASS_FEATURES + ["mass"]].values)[:, 1])
        hgb_aucs.append(auc_hgb)
        print(f"  {int(m):5d}  {auc_lr:18.4f}  {auc_hgb:20.4f}  {auc_param:14.4f}")
    # Interpolation, as in the seed: a parametric model that never saw one of the middle points.
    if len(masses) >= 3:
        left_out = masses[len(masses) // 2]
        seen = train[train["mass"] != left_out]
        model = HistGradientBoostingClassifier(random_state=42).fit(seen[PMASS_FEATURES + ["mass"]].values,
                                                                    seen["label"].values)
        te = test[test["mass"] == left_out]
        auc = roc_auc_score(te["label"].values, model.predict_proba(te[PMASS_FEATURES + ["mass"]].values)[:, 1])
        print(f"  parametric HGB trained without {int(left_out)} GeV, tested there: AUC = {auc:.4f}")
    rising = all(b > a for a, b in zip(hgb_aucs, hgb_aucs[1:]))
    print(f"  [{'PASS' if rising else 'FAIL'}: the boosted trees' AUC rises with the mass]")
    return rising


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evclass", help="evclass program (default: build/apps/evclass/evclass, built if absent)")
    parser.add_argument("--out", default=os.path.join(REPO, "build", "data", "realism"), help="work folder")
    parser.add_argument("--zprime-events", type=int, default=100000, help="candidates per zprime file")
    parser.add_argument("--pmass-events", type=int, default=20000, help="pmass events per mass point")
    parser.add_argument("--seed", type=int, default=42, help="generator seed")
    args = parser.parse_args()

    evclass = find_evclass(args.evclass)
    start = time.time()
    ok_zprime = check_zprime(evclass, os.path.join(args.out, "zprime"), args.zprime_events, args.seed)
    ok_pmass = check_pmass(evclass, os.path.join(args.out, "pmass"), args.pmass_events, args.seed)
    print(f"\n{'PASS' if ok_zprime and ok_pmass else 'FAIL'} ({time.time() - start:.0f} s)")
    return 0 if ok_zprime and ok_pmass else 1


if __name__ == "__main__":
    sys.exit(main())
