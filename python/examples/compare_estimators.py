"""GiGPO against GRPO (and RLOO) with identical budgets: the small policy trained on Sokoban 6x6
and FrozenLake 4x4, several seeds each, through `gigpo serve`.

    python3 python/examples/compare_estimators.py --out bench-results/estimators

Every run plays the same tasks per (seed, iteration) whatever the estimator (one /v1/rollouts per
iteration under the weights just trained: strictly on-policy, every group kept), so estimators see
the same tasks and the same number of trajectories; they differ only in the advantages the engine
computes. Writes OUT.csv (one row per run and iteration: success rate, mean return, invalid-action
rate, env steps, and the time split rollout / scoring / transfer / training), OUT.png (success rate
against env steps, mean +- std over seeds, one panel per env) and OUT.md (the table of final
success rates and the timing shares).
"""

import argparse
import csv
import json
import math
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from train_small_policy import FIELDS, ServiceProcess, train  # noqa: E402

FINAL_ITERATIONS = 5  # the "final" success rate: mean of the last iterations (less noise than the last one)


def curves(records: List[Dict], env: str, estimator: str):
    """Mean and std over seeds of the success rate per iteration, against the mean env steps."""
    by_seed = defaultdict(list)
    for r in records:
        if r["env"] == env and r["estimator"] == estimator:
            by_seed[r["seed"]].append(r)
    runs = [sorted(v, key=lambda r: r["iteration"]) for v in by_seed.values()]
    n = min(len(v) for v in runs)
    steps = np.mean([[r["env_steps"] for r in v[:n]] for v in runs], axis=0)
    success = np.array([[r["success_rate"] for r in v[:n]] for v in runs])
    return steps, success.mean(axis=0), success.std(axis=0), success


def plot(records: List[Dict], envs: List[str], estimators: List[str], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"gigpo": "tab:blue", "grpo": "tab:orange", "rloo": "tab:green"}
    fig, axes = plt.subplots(1, len(envs), figsize=(6 * len(envs), 4.2), squeeze=False)
    for ax, env in zip(axes[0], envs):
        for est in estimators:
            steps, mean, std, success = curves(records, env, est)
            ax.plot(steps, mean, label=f"{est.upper()} ({success.shape[0]} seeds)", color=colors.get(est))
            ax.fill_between(steps, np.clip(mean - std, 0, 1), np.clip(mean + std, 0, 1), alpha=0.2, color=colors.get(est))
        ax.set_title({"sokoban": "Sokoban 6x6, 1 box", "frozenlake": "FrozenLake 4x4"}.get(env, env))
        ax.set_xlabel("env steps")
        ax.set_ylabel("success rate (mean ± std over seeds)")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    fig.suptitle("Small policy trained with the engine's advantages")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def table(records: List[Dict], envs: List[str], estimators: List[str], wall_s: float, args) -> str:
    lines = [
        f"Final success rate (mean ± std over seeds of the mean of the last {FINAL_ITERATIONS} iterations), "
        f"{args.iterations} iterations of {args.groups} groups x {args.group_size}:",
        "",
        "| env | " + " | ".join(e.upper() for e in estimators) + " |",
        "| --- |" + " --- |" * len(estimators),
    ]
    for env in envs:
        cells = []
        for est in estimators:
            _, _, _, success = curves(records, env, est)
            final = success[:, -FINAL_ITERATIONS:].mean(axis=1)
            cells.append(f"{final.mean():.3f} ± {final.std():.3f}")
        lines.append(f"| {env} | " + " | ".join(cells) + " |")
    parts = {k: sum(r[k] for r in records if not math.isnan(r[k])) for k in ("rollout_s", "scoring_s", "transfer_s", "training_s")}
    total = sum(parts.values())
    lines += ["", f"Wall time {wall_s:.0f} s for {len({(r['env'], r['estimator'], r['seed']) for r in records})} runs. "
              "Time per iteration, summed over all runs: " + ", ".join(
                  f"{k[:-2]} {v:.1f} s ({100 * v / total:.1f}%)" for k, v in parts.items()) + "."]
    return "\n".join(lines) + "\n"


def _run(kwargs: Dict) -> List[Dict]:
    t0 = time.perf_counter()
    out = list(train(source="rollouts", **kwargs))
    for r in out:
        r["wall_s"] = time.perf_counter() - t0
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--envs", default="sokoban,frozenlake")
    p.add_argument("--estimators", default="gigpo,grpo")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--iterations", type=int, default=30)
    p.add_argument("--groups", type=int, default=16)
    p.add_argument("--group-size", type=int, default=8)
    p.add_argument("--out", default="estimators")
    p.add_argument("--jobs", type=int, default=2, help="runs at once, each in its own process")
    p.add_argument("--service", help="URL of a running gigpo serve (default: start one)")
    a = p.parse_args()
    envs, estimators = a.envs.split(","), a.estimators.split(",")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    service = None if a.service else ServiceProcess()
    url = a.service or service.url
    records: List[Dict] = []
    started = time.perf_counter()
    runs = [dict(env=env, estimator=est, seed=seed, iterations=a.iterations, groups=a.groups, group_size=a.group_size,
                 service_url=url) for env in envs for seed in range(1, a.seeds + 1) for est in estimators]
    try:
        # Runs in separate processes (each with its own policy server): most of a run's time is waiting on
        # round trips, so --jobs 2 keeps both cores of a small machine busy.
        with ProcessPoolExecutor(max_workers=a.jobs) as pool:
            for run in pool.map(_run, runs):
                records += run
                last = run[-1]
                print(f"{last['env']} {last['estimator']} seed {last['seed']}: final success {last['success_rate']:.3f} "
                      f"after {last['env_steps']} env steps ({last['wall_s']:.0f} s)", flush=True)
    finally:
        if service:
            service.close()
    wall = time.perf_counter() - started
    with open(a.out + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS + ["wall_s"])
        w.writeheader()
        w.writerows(records)
    plot(records, envs, estimators, a.out + ".png")
    text = table(records, envs, estimators, wall, a)
    with open(a.out + ".md", "w") as f:
        f.write(text)
    print(text)
    print(json.dumps({"bench": "compare_estimators", "wall_s": wall, "csv": a.out + ".csv", "png": a.out + ".png"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
