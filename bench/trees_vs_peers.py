#!/usr/bin/python3
"""evclass's tree models beside their peers on ../shared/bench data, in one run, as ratios.

usage: trees_vs_peers.py --bench EVCLASS_LEARN_BENCH --data DIR [--datasets zprime16_1M,higgs28_1M]
                         [--pairs gbdt:xgb_hist,...] [--threads 2] [--peers PEERS_PY] [--out FILE.jsonl]

For each dataset and each pair, evclass_learn_bench trains the evclass model and peers.py (from
../shared/bench, run with /usr/bin/python3) trains the peer, on the same rows (split column: 0
trains, 1 tests; unweighted training) with the same settings and thread count, one after the
other on the same machine. Printed: fit and predict seconds, the peer/evclass ratios (> 1 means
evclass is faster), test AUCs and their difference, and peak RSS (data included) of both.

Pairs (evclass parameters chosen to be the peer's, see peers.py list):
  gbdt:xgb_hist       500 trees, depth 6, learning rate 0.1, 255 value bins (+ missing) vs max_bin 256
  gbdt_hgb:hgb        200 iterations, 31 leaves best-first, 20 events per leaf, no L2, 255 bins
  gbdt_gbc:gbc        50 trees of depth 3, learning rate 0.1 (GradientBoostingClassifier)
  random_forest:rf    50 trees, sqrt(features) per split, full depth, bootstrap
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

PAIRS = {
    "gbdt:xgb_hist": ("gbdt", {"n_estimators": 500, "max_depth": 6, "learning_rate": 0.1, "max_bins": 255}),
    "gbdt_hgb:hgb": ("gbdt", {"n_estimators": 200, "learning_rate": 0.1, "grow_policy": "lossguide", "max_leaves": 31,
                              "max_depth": 0, "min_samples_leaf": 20, "reg_lambda": 0.0, "min_child_weight": 0.001,
                              "max_bins": 255}),
    "gbdt_gbc:gbc": ("gbdt", {"n_estimators": 50, "max_depth": 3, "learning_rate": 0.1, "reg_lambda": 0.0,
                              "min_child_weight": 0.001}),
    "random_forest:rf": ("random_forest", {"n_estimators": 50}),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--datasets", default="zprime16_1M,higgs28_1M")
    ap.add_argument("--pairs", default="gbdt:xgb_hist,gbdt_hgb:hgb,random_forest:rf,gbdt_gbc:gbc")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--peers", default=os.path.join(here, "..", "..", "shared", "bench", "peers.py"))
    ap.add_argument("--budget", default="900", help="peers.py --budget (seconds)")
    ap.add_argument("--out", help="append every record (both tools) here as JSON lines")
    a = ap.parse_args()
    rows = []
    for ds in a.datasets.split(","):
        base = os.path.join(a.data, ds)
        for pair in a.pairs.split(","):
            ours_name, peer = pair.split(":")
            mtype, params = PAIRS[pair]
            p = subprocess.run([a.bench, "--data", base, "--model", mtype, "--params", json.dumps(params),
                                "--threads", str(a.threads)], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"evclass_learn_bench failed on {ds} {ours_name}: {p.stderr[-2000:]}")
            ours = json.loads(p.stdout.strip().splitlines()[-1])
            with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as tmp:
                q = subprocess.run(["/usr/bin/python3", a.peers, "run", "--data", base, "--models", peer,
                                    "--threads", str(a.threads), "--budget", a.budget, "--results", tmp.name],
                                   capture_output=True, text=True)
                lines = [ln for ln in open(tmp.name).read().splitlines() if ln.strip()]
            if q.returncode != 0 or not lines:
                sys.exit(f"peers.py failed on {ds} {peer}: {q.stdout[-2000:]} {q.stderr[-2000:]}")
            theirs = json.loads(lines[-1])
            rec = {"dataset": ds, "pair": pair, "evclass": ours, "peer": theirs}
            rows.append(rec)
            if a.out:
                with open(a.out, "a") as f:
                    f.write(json.dumps(rec) + "\n")
            print_row(rec, header=len(rows) == 1)
    return 0


def print_row(rec, header):
    if header:
        print("| dataset | evclass model | peer | fit s evclass / peer | fit ratio | predict s evclass / peer | "
              "predict ratio | AUC evclass / peer (diff) | peak RSS MiB evclass / peer |")
        print("|---|---|---|---|---|---|---|---|---|")
    o, t = rec["evclass"], rec["peer"]
    if t.get("status") != "ok":
        print(f"| {rec['dataset']} | {rec['pair'].split(':')[0]} | {t['model']} | {o['fit_s']:.2f} / - | - | "
              f"{o['pred_s']:.3f} / - | - | {o['auc']:.4f} / - | {o['peak_mb']:.0f} / - | "
              f"peer {t.get('status')}: {'; '.join(t.get('notes', []))}")
        return
    print(f"| {rec['dataset']} | {rec['pair'].split(':')[0]} | {t['model']} | {o['fit_s']:.2f} / {t['fit_s']:.2f} | "
          f"{t['fit_s'] / o['fit_s']:.2f}x | {o['pred_s']:.3f} / {t['pred_s']:.3f} | {t['pred_s'] / o['pred_s']:.2f}x | "
          f"{o['auc']:.4f} / {t['auc']:.4f} ({o['auc'] - t['auc']:+.4f}) | {o['peak_mb']:.0f} / {t['peak_mb']:.0f} |",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
