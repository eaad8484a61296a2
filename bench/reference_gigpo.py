#!/usr/bin/env python3
"""GiGPO in Python as the reference implementation (verl-agent) computes it: torch tensors
indexed row by row inside Python loops that group rows by task-group id and by (task group,
anchor observation) in dicts of lists (docs/ADVANTAGES.md: gamma 0.95, mean_norm, omega 1, c 0.1, statistics
over rows, exact anchors). The baseline of bench/cli-start.ts: only compute() is timed;
reading the file is not.

    python3 bench/reference_gigpo.py FILE.jsonl [--repeat 3] [--advantages OUT.json]

Prints one JSON line: rows, the median compute seconds, and with --advantages writes the
per-row advantages (in file order) for cross-checking against `gigpo score`.
"""
import json
import sys
import time
from collections import defaultdict

import numpy as np
import torch


def load(path):
    """The file's rows as parallel lists, trajectories in file order."""
    uid, traj, reward, valid, obs = [], [], [], [], []
    with open(path, encoding="utf-8") as f:
        for t, line in enumerate(f):
            record = json.loads(line)
            for step in record["steps"]:
                uid.append(str(record["group"]))
                traj.append(t)
                reward.append(float(step["reward"]))
                valid.append(bool(step.get("valid", True)))
                obs.append(step.get("obs") or "")
    return uid, traj, np.array(reward, dtype=np.float32), np.array(valid), obs


def compute(uid, traj, reward, valid, obs, gamma=0.95, penalty=0.1, step_weight=1.0):
    """The reference's structure: torch tensors indexed row by row inside Python loops."""
    n = len(uid)
    reward = torch.tensor(reward)
    invalid = torch.tensor(~valid, dtype=torch.float32)
    with torch.no_grad():
        # Episode score of every row: its trajectory's reward sum, minus the row's penalty.
        traj_sum = defaultdict(float)
        for i in range(n):
            traj_sum[traj[i]] += reward[i]
        scores = torch.zeros(n)
        for i in range(n):
            scores[i] = traj_sum[traj[i]] - penalty * invalid[i]
        # Discounted returns, each trajectory walked backwards.
        returns = torch.zeros(n)
        running, current = 0.0, None
        for i in range(n - 1, -1, -1):
            if traj[i] != current:
                running, current = 0.0, traj[i]
            running = reward[i] + gamma * running
            returns[i] = running - penalty * invalid[i]
        # Episode advantage: mean over the rows of the task group (a group of one: mean 0).
        id2score = defaultdict(list)
        for i in range(n):
            id2score[uid[i]].append(scores[i])
        id2mean = {k: torch.mean(torch.stack(v)) if len(v) > 1 else torch.tensor(0.0) for k, v in id2score.items()}
        episode = torch.zeros(n)
        for i in range(n):
            episode[i] = scores[i] - id2mean[uid[i]]
        # Step groups: rows of a task group that start from the same observation.
        step_groups = defaultdict(list)
        for i in range(n):
            step_groups[(uid[i], obs[i])].append(i)
        step = torch.zeros(n)
        for rows in step_groups.values():
            if len(rows) < 2:
                continue
            m = torch.mean(torch.stack([returns[i] for i in rows]))
            for i in rows:
                step[i] = returns[i] - m
        return (episode + step_weight * step).numpy()


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    data = load(path)
    times, advantage = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        advantage = compute(*data)
        times.append(time.perf_counter() - t0)
    if "--advantages" in sys.argv:
        with open(sys.argv[sys.argv.index("--advantages") + 1], "w") as f:
            json.dump([float(x) for x in advantage], f)
    print(json.dumps({"rows": len(data[0]), "computeSeconds": sorted(times)[len(times) // 2]}))


if __name__ == "__main__":
    main()
