#!/usr/bin/env python3
"""GiGPO in Python as the reference implementation (verl-agent) computes it, in mean_norm
mode with docs/ADVANTAGES.md's defaults (gamma 0.95, omega 1, c 0.1, statistics over rows,
exact anchors). The baseline of bench/cli-start.ts: only the compute is timed; Python's
start-up, importing torch and reading the file are not.

Two variants:
  verl   (default) the reference's own data flow: its discounted returns (one np.where scan
         of the batch per trajectory and again per row), episode and step normalisation over
         dicts of lists of torch scalars, step groups named by uuid4, string ids in numpy
         object arrays. This is "the reference GiGPO's compute".
  loops  the same arithmetic in the same style (torch scalars in Python loops) without the
         whole-batch scans: a lower bound for any Python port in that style.

    python3 bench/reference_gigpo.py FILE.jsonl [--variant verl|loops] [--repeat 3] [--advantages OUT.json]

Prints one JSON line: rows, the variant, the median compute seconds (wall, and CPU of the
process: on a loaded machine the steadier of the two), and with --advantages
writes the per-row advantages (in file order) for cross-checking against `gigpo score`.
"""
import json
import sys
import time
import uuid
from collections import defaultdict

import numpy as np
import torch


def load(path):
    """The file's rows as parallel lists, trajectories in file order."""
    uid, traj, reward, valid, obs = [], [], [], [], []
    with open(path, encoding="utf-8") as f:
        t = -1
        for line in f:
            record = json.loads(line)
            if "steps" not in record:  # a meta line ({"meta": {...}}) describes the records after it
                continue
            t += 1
            for step in record["steps"]:
                uid.append(str(record["group"]))
                traj.append(t)
                reward.append(float(step["reward"]))
                valid.append(bool(step.get("valid", True)))
                obs.append(step.get("obs") or "")
    return uid, traj, np.array(reward, dtype=np.float32), np.array(valid), obs


def compute(uid, traj, reward, valid, obs, gamma=0.95, penalty=0.1, step_weight=1.0):
    """The reference's structure without its whole-batch scans (variant "loops"): torch
    tensors indexed row by row inside Python loops over dicts of lists. A lower bound on
    what the reference's own code (compute_verl) takes on the same rows."""
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


def compute_verl(uid, traj, reward, valid, obs, gamma=0.95, penalty=0.1, step_weight=1.0):
    """The reference's own data flow, operation for operation (verl-agent's
    compute_step_discounted_returns, then episode_norm_reward, build_step_group and
    step_norm_reward in mean_norm mode): task-group and trajectory ids are strings in numpy
    object arrays, looked up with np.unique and np.where; a row's return is found again by
    np.where over the whole batch (one scan per row); step groups get uuid4 names. Token
    dimension of length 1 (the reference tiles every row's advantage over its response
    tokens; one token is the cheapest case for it)."""
    n = len(uid)
    index = np.array(["g%s" % u for u in uid], dtype=object)
    traj_uid = np.array(["t%d" % t for t in traj], dtype=object)
    anchor_obs = np.array(obs, dtype=object)
    invalid = (~valid).astype(np.float32)
    # Discounted returns per trajectory, then put back in batch order row by row.
    by_traj = {}
    for t in np.unique(traj_uid):
        at = np.where(traj_uid == t)[0]
        r = reward[at]
        out = np.zeros_like(r)
        running = 0.0
        for k in reversed(range(len(r))):
            running = r[k] + gamma * running
            out[k] = running
        by_traj[t] = out
    returns = np.zeros_like(reward)
    for i, t in enumerate(traj_uid):
        at = np.where(traj_uid == t)[0]
        returns[i] = by_traj[t][np.where(at == i)[0][0]]
    returns = returns - penalty * invalid  # the penalty on the step rewards (docs/ADVANTAGES.md)
    returns = torch.tensor(returns, dtype=torch.float32)
    # Episode scores: the trajectory's reward sum on every row (as the reward manager puts the
    # episode reward on each step's last token), minus the row's penalty.
    traj_sum = defaultdict(float)
    for i in range(n):
        traj_sum[traj_uid[i]] += float(reward[i])
    token_rewards = torch.tensor([[traj_sum[traj_uid[i]] - penalty * invalid[i]] for i in range(n)], dtype=torch.float32)
    mask = torch.ones(n, 1)
    with torch.no_grad():
        scores = token_rewards.sum(dim=-1)
        members = defaultdict(list)
        for i in range(n):
            members[index[i]].append(scores[i])
        mean = {k: torch.mean(torch.tensor(v)) if len(v) > 1 else torch.tensor(0.0) for k, v in members.items()}
        for i in range(n):
            scores[i] = scores[i] - mean[index[i]]
        episode = scores.unsqueeze(-1).tile([1, 1]) * mask
    # Step groups: per task group, rows with the same anchor observation share a uuid4 name.
    step_uid = np.empty(n, dtype=object)
    for g in np.unique(index):
        at = np.where(index == g)[0]
        clusters = defaultdict(list)
        for k, o in enumerate(anchor_obs[at]):
            clusters[o].append(at[k])
        for rows in clusters.values():
            name = str(uuid.uuid4())
            for i in rows:
                step_uid[i] = name
    with torch.no_grad():
        scores = returns.clone()
        members = defaultdict(list)
        for i in range(n):
            members[step_uid[i]].append(scores[i])
        mean = {k: torch.mean(torch.tensor(v)) for k, v in members.items()}
        for i in range(n):
            scores[i] = scores[i] - mean[step_uid[i]]
        step = scores.unsqueeze(-1).tile([1, 1]) * mask
    return (episode + step_weight * step)[:, 0].numpy()


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    variant = sys.argv[sys.argv.index("--variant") + 1] if "--variant" in sys.argv else "verl"
    if variant not in VARIANTS:
        sys.exit(f"--variant: expected one of {', '.join(VARIANTS)}, got {variant!r}")
    data = load(path)
    times, cpu, advantage = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        advantage = VARIANTS[variant](*data)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if "--advantages" in sys.argv:
        with open(sys.argv[sys.argv.index("--advantages") + 1], "w") as f:
            json.dump([float(x) for x in advantage], f)
    median = lambda xs: sorted(xs)[len(xs) // 2]
    print(json.dumps({"rows": len(data[0]), "variant": variant, "computeSeconds": median(times), "computeCpuSeconds": median(cpu)}))


VARIANTS = {"verl": compute_verl, "loops": compute}


if __name__ == "__main__":
    main()
