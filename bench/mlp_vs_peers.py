#!/usr/bin/python3
"""evclass's mlp beside scikit-learn's MLPClassifier and PyTorch on ../shared/bench data, as ratios.

usage: mlp_vs_peers.py --bench EVCLASS_LEARN_BENCH --data DIR [--datasets zprime16_1M,higgs28_1M]
                       [--peers mlp_sklearn_fixed,torch_mlp] [--threads 2] [--epochs 20]
                       [--peers-py PEERS_PY] [--repeat 1] [--out FILE.jsonl]

Every tool trains the same network on the same rows (split column: 0 trains, 1 tests; unweighted;
features standardised on the training rows inside the timed fit): (64, 32) ReLU units, a logistic
output, Adam with learning rate 1e-3, batch size 1024, exactly --epochs epochs (no early
stopping), as peers.py's mlp_sklearn_fixed and torch_mlp run it. Printed per dataset and peer:
fit seconds and seconds per epoch with the peer/evclass ratio (> 1: evclass is faster), test AUCs,
the arithmetic rate achieved (GFLOP/s) beside the machine's peak single-precision rate, and peak
RSS (data included). With --repeat N both tools run N times, alternately, and the run with the
median fit time of each is shown (on a shared virtual machine single runs vary by 10-20 %).

FLOPs per epoch, for n training rows and weight layers of in × out units: forward 2·Σ in·out per
row, weight gradients 2·Σ in·out, gradients of the hidden layers' inputs 2·Σ_{l>0} in·out (the
element-wise work, activations and the optimiser are not counted). The peak is cores × nominal
clock × FP32 FLOPs per cycle of the core's FMA units (Zen 1: two 128-bit FMA pipes = 16; other
AVX2 + FMA cores: 32; AVX-512: 64); a boost clock above the nominal one makes it higher.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HIDDEN = (64, 32)


def flops_per_epoch(n_rows, n_features):
    units = [n_features, *HIDDEN, 1]
    macs = [a * b for a, b in zip(units, units[1:])]
    return n_rows * (2 * sum(macs) + 2 * sum(macs) + 2 * sum(macs[1:]))


def peak_gflops(threads):
    info = open("/proc/cpuinfo").read()
    first = info.split("\n\n")[0]
    field = lambda k: next((ln.split(":", 1)[1].strip() for ln in first.splitlines() if ln.startswith(k)), "")  # noqa: E731
    flags = field("flags").split()
    mhz = float(field("cpu MHz") or 0)
    family, model = int(field("cpu family") or 0), int(field("model") or 0)
    vendor = field("vendor_id")
    if "avx512f" in flags:
        per_cycle, what = 64, "AVX-512, 2 FMA units"
    elif vendor == "AuthenticAMD" and family == 23 and model < 0x30:
        per_cycle, what = 16, "Zen 1: 2 x 128-bit FMA pipes"
    elif "fma" in flags:
        per_cycle, what = 32, "AVX2, 2 x 256-bit FMA units"
    else:
        per_cycle, what = 8, "SSE"
    cores = min(threads, os.cpu_count() or 1)
    return cores * mhz / 1000.0 * per_cycle, f"{cores} cores x {mhz / 1000:.2f} GHz x {per_cycle} FLOP/cycle ({what})"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--datasets", default="zprime16_1M,higgs28_1M")
    ap.add_argument("--peers", default="mlp_sklearn_fixed,torch_mlp")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=20, help="must be peers.py's (20) for the ratios to mean anything")
    ap.add_argument("--peers-py", default=os.path.join(here, "..", "..", "shared", "bench", "peers.py"))
    ap.add_argument("--repeat", type=int, default=1, help="runs of each tool; the median fit time is shown")
    ap.add_argument("--out", help="append every record (both tools) here as JSON lines")
    a = ap.parse_args()
    peak, peak_what = peak_gflops(a.threads)
    print(f"peak single precision: {peak:.0f} GFLOP/s = {peak_what}")
    params = {"hidden_layer_sizes": list(HIDDEN), "activation": "relu", "solver": "adam", "learning_rate_init": 1e-3,
              "batch_size": 1024, "max_iter": a.epochs, "early_stopping": False, "tol": 0.0,
              "n_iter_no_change": 1_000_000, "random_state": 0}
    header = True
    for ds in a.datasets.split(","):
        base = os.path.join(a.data, ds)
        def run_ours():
            p = subprocess.run([a.bench, "--data", base, "--model", "mlp", "--standardise", "--params",
                                json.dumps(params), "--threads", str(a.threads)], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"evclass_learn_bench failed on {ds}: {p.stderr[-2000:]}")
            r = json.loads(p.stdout.strip().splitlines()[-1])
            if r.get("n_iter") != a.epochs:
                sys.exit(f"evclass ran {r.get('n_iter')} epochs on {ds}, not {a.epochs}")
            return r

        def run_peer(peer):
            with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as tmp:
                q = subprocess.run(["/usr/bin/python3", a.peers_py, "run", "--data", base, "--models", peer,
                                    "--threads", str(a.threads), "--results", tmp.name],
                                   capture_output=True, text=True)
                lines = [ln for ln in open(tmp.name).read().splitlines() if ln.strip()]
            if q.returncode != 0 or not lines:
                sys.exit(f"peers.py failed on {ds} {peer}: {q.stdout[-2000:]} {q.stderr[-2000:]}")
            return json.loads(lines[-1])

        def median_run(runs):
            ok = [r for r in runs if r.get("status", "ok") == "ok"]
            return sorted(ok, key=lambda r: r["fit_s"])[len(ok) // 2] if ok else runs[-1]

        ours_runs = []
        for peer in a.peers.split(","):
            peer_runs = []
            for _ in range(a.repeat):
                ours_runs.append(run_ours())
                peer_runs.append(run_peer(peer))
            ours, theirs = median_run(ours_runs), median_run(peer_runs)
            peer_epochs = theirs.get("n_iter") or theirs.get("epochs")
            rec = {"dataset": ds, "peer": peer, "evclass": ours, "peer_result": theirs, "epochs": a.epochs,
                   "peer_epochs": peer_epochs, "peak_gflops": peak,
                   "fit_s_runs": {"evclass": [r["fit_s"] for r in ours_runs],
                                  "peer": [r.get("fit_s") for r in peer_runs]}}
            if a.out:
                with open(a.out, "a") as f:
                    f.write(json.dumps(rec) + "\n")
            print_row(rec, header)
            header = False
    return 0


def print_row(rec, header):
    if header:
        print("| dataset | peer | fit s evclass / peer | s per epoch evclass / peer | ratio | "
              "AUC evclass / peer (diff) | GFLOP/s evclass / peer (peak) | peak RSS MiB evclass / peer |")
        print("|---|---|---|---|---|---|---|---|")
    o, t = rec["evclass"], rec["peer_result"]
    if t.get("status") != "ok":
        print(f"| {rec['dataset']} | {rec['peer']} | {o['fit_s']:.2f} / - | - | - | {o['auc']:.4f} / - | - | - | "
              f"peer {t.get('status')}: {'; '.join(t.get('notes', []))}")
        return
    pe = rec["peer_epochs"] or rec["epochs"]
    work = flops_per_epoch(o["n_train"], o["n_features"]) / 1e9
    ours_epoch, peer_epoch = o["fit_s"] / rec["epochs"], t["fit_s"] / pe
    print(f"| {rec['dataset']} | {rec['peer']} | {o['fit_s']:.2f} / {t['fit_s']:.2f} | "
          f"{ours_epoch:.3f} / {peer_epoch:.3f} | {peer_epoch / ours_epoch:.2f}x | "
          f"{o['auc']:.4f} / {t['auc']:.4f} ({o['auc'] - t['auc']:+.4f}) | "
          f"{work / ours_epoch:.1f} / {work / peer_epoch:.1f} ({rec['peak_gflops']:.0f}) | "
          f"{o['peak_mb']:.0f} / {t['peak_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
