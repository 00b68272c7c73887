#!/usr/bin/env python3
"""Side-by-side benchmark: equalis panel select vs the Sortition Foundation's sortition-algorithms.

Generates skewed, realistic volunteer pools (volunteers are older, whiter, less deprived than
the population; 6 features: sex, age band, ethnic group, IMD quintile, disability,
urban/rural) with quotas set from population shares, then runs both tools on the same files and
records each tool's minimum selection probability and wall time.

The Python package is installed into its own virtual environment under /tmp by this script; it
is never a dependency of equalis. Usage (from the repository root):

    python3 crates/equalis-sortition/bench/compare.py --instances 500x30@1,500x60@2 [--peer] \
        [--algorithms maximin] [--out /tmp/panel-bench]

`--peer` also runs sortition-algorithms (slow: minutes per instance). equalis must be built with
`cargo build --release -p equalis` first; set EQUALIS_BIN to point at the binary.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

# Shares among volunteers (skewed) and in the population (quotas), per feature.
FEATURES = {
    "sex": {"Female": (0.58, 0.51), "Male": (0.42, 0.49)},
    "age_band": {"16-29": (0.08, 0.22), "30-44": (0.17, 0.25), "45-64": (0.35, 0.31), "65+": (0.40, 0.22)},
    "ethnic_group": {"White": (0.88, 0.80), "Asian": (0.06, 0.10), "Black": (0.03, 0.05),
                     "Mixed": (0.02, 0.03), "Other": (0.01, 0.02)},
    "imd_quintile": {"1": (0.10, 0.20), "2": (0.15, 0.20), "3": (0.20, 0.20), "4": (0.25, 0.20), "5": (0.30, 0.20)},
    "disability": {"Yes": (0.15, 0.18), "No": (0.85, 0.82)},
    "urban_rural": {"Urban": (0.72, 0.80), "Rural": (0.28, 0.20)},
}

VENV = Path("/tmp/sortition-bench-venv")

# Wall-clock limit per run, in seconds, for either tool (EQUALIS_BENCH_TIMEOUT overrides).
TIMEOUT = int(os.environ.get("EQUALIS_BENCH_TIMEOUT", "600"))


def generate(n, k, seed, folder):
    """Writes volunteers.csv and quotas.csv for an n-volunteer pool and a k-seat panel."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    # Correlate age and deprivation a little, as real pools do: older volunteers skew less deprived.
    rows = []
    for i in range(n):
        row = {"volunteer_id": f"V{i + 1:05d}", "household_id": f"H{i + 1:05d}"}
        for feat, values in FEATURES.items():
            names = list(values)
            weights = [values[v][0] for v in names]
            if feat == "imd_quintile" and row.get("age_band") == "65+":
                weights = [w * (1 + 0.3 * j) for j, w in enumerate(weights)]
            row[feat] = rng.choices(names, weights)[0]
        rows.append(row)
    with open(folder / "volunteers.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["volunteer_id", "household_id", *FEATURES])
        w.writeheader()
        w.writerows(rows)
    with open(folder / "quotas.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["feature", "value", "min", "max"])
        for feat, values in FEATURES.items():
            for v, (_, pop) in values.items():
                target = pop * k
                lo = max(0, int(target) - 1)
                hi = int(target + 0.999) + 1
                in_pool = sum(1 for r in rows if r[feat] == v)
                w.writerow([feat, v, min(lo, in_pool), hi])


def run_equalis(binary, folder, k, algorithm):
    start = time.perf_counter()
    try:
        out = subprocess.run(
            [binary, "panel", "select", "--volunteers", folder / "volunteers.csv", "--quotas", folder / "quotas.csv",
             "--size", str(k), "--seed", "1", "--algorithm", algorithm, "--format", "json"],
            capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {TIMEOUT} s", "seconds": time.perf_counter() - start}
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        return {"error": out.stderr.strip(), "seconds": elapsed}
    rec = json.loads(out.stdout)
    return {"min_probability": rec["min_probability"], "seconds": elapsed, "panels": len(rec["distribution"])}


def ensure_peer():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV / "bin" / "pip", "install", "-q", "sortition-algorithms==0.12.15", "highspy"], check=True)
    return py


PEER_SNIPPET = r"""
import sys, time
from pathlib import Path
from sortition_algorithms.adapters import CSVFileDataSource, SelectionData
from sortition_algorithms.settings import Settings
from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
from sortition_algorithms.committee_generation.nash import find_distribution_nash
from sortition_algorithms.core import find_random_sample

folder, k, algorithm = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
src = CSVFileDataSource(features_file=folder / "quotas.csv", people_file=folder / "volunteers.csv",
                        already_selected_file=None, selected_file=folder / "peer-selected.csv",
                        remaining_file=folder / "peer-remaining.csv")
data = SelectionData(src)
features, _ = data.load_features(k)
settings = Settings(id_column="volunteer_id", columns_to_keep=[], check_same_address=False,
                    selection_algorithm=algorithm, solver_backend="highspy")
people, _ = data.load_people(settings, features)
ids = list(people)
if algorithm == "legacy":
    # Its distribution is only known empirically: estimate it from repeated draws.
    import random
    counts = {i: 0 for i in ids}
    runs = 200
    for r in range(runs):
        random.seed(r)
        panels, _ = find_random_sample(features, people, k, [], selection_algorithm="legacy", max_attempts=100)
        for pid in panels[0]:
            counts[pid] += 1
    probs = {i: counts[i] / runs for i in ids}
else:
    # Without Gurobi the peer's leximin falls back to maximin; do the same explicitly.
    f = find_distribution_nash if algorithm == "nash" else find_distribution_maximin
    committees, weights, _ = f(features, people, k, [], "highspy")
    probs = {i: 0.0 for i in ids}
    for c, w in zip(committees, weights):
        for pid in c:
            probs[pid] += w
print(min(probs.values()), time.perf_counter() - start)
"""


def run_peer(py, folder, k, algorithm):
    start = time.perf_counter()
    try:
        out = subprocess.run([py, "-c", PEER_SNIPPET, folder, str(k), algorithm], capture_output=True, text=True,
                             timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {TIMEOUT} s", "seconds": time.perf_counter() - start}
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-500:], "seconds": elapsed}
    min_p, _ = out.stdout.split()[-2:]
    return {"min_probability": float(min_p), "seconds": elapsed}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", default="500x30,500x60")
    ap.add_argument("--algorithms", default="maximin")
    ap.add_argument("--peer", action="store_true", help="also run sortition-algorithms")
    ap.add_argument("--out", default="/tmp/panel-bench")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    binary = os.environ.get("EQUALIS_BIN", "target/release/equalis")
    py = ensure_peer() if args.peer else None
    print("| volunteers / seats | algorithm | equalis min p | equalis s | peer min p | peer s | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for inst in args.instances.split(","):
        # An instance is NxK, optionally @SEED for the pool generator (default: --seed + N + K).
        shape, _, seed = inst.partition("@")
        n, k = map(int, shape.split("x"))
        folder = Path(args.out) / f"{n}x{k}"
        generate(n, k, int(seed) if seed else args.seed + n + k, folder)
        for algorithm in args.algorithms.split(","):
            ours = run_equalis(binary, folder, k, algorithm)
            peer = run_peer(py, folder, k, algorithm) if py else {}
            fmt = lambda r: (f"{r['min_probability']:.4f}", f"{r['seconds']:.2f}") if "min_probability" in r \
                else ((r.get("error", "—")[:60]), f"{r['seconds']:.2f}" if "seconds" in r else "—")
            speed = (f"{peer['seconds'] / ours['seconds']:.0f}×"
                     if "min_probability" in ours and "min_probability" in peer else "—")
            print(f"| {n} / {k} | {algorithm} | {' | '.join(fmt(ours))} | {' | '.join(fmt(peer)) if peer else '— | —'} | {speed} |",
                  flush=True)


if __name__ == "__main__":
    main()
