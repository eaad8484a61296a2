"""Train a small torch policy with gigpo-engine's advantages, end to end on CPU.

The policy (small_policy.py) is served from this process as an OpenAI-compatible chat
endpoint. A `gigpo serve` service runs the env rollouts against that endpoint, scores each
group with the chosen estimator, and streams the scored rows back; this script does a
clipped policy-gradient update with the engine's advantages and the sampler's log-probs,
publishes the new weights, announces the version, and repeats.

    python3 python/examples/train_small_policy.py --env numberline --estimator gigpo --iterations 20

Sources of scored rows (--source):
  stream    (default) POST /v1/streams: the service keeps generating while this script trains,
            serves batches of non-zero-variance groups, drops groups older than --max-staleness.
  rollouts  one POST /v1/rollouts per iteration, under the weights just published: strictly
            on-policy, every group kept, the same tasks for every estimator (compare_estimators.py).

Without --service a `gigpo serve` child process is started (the compiled CLI of this checkout;
run `npm install` first). Each iteration's record goes to --csv (and stdout with --verbose).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List, Optional

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

from gigpo_client import Client, Stream  # noqa: E402
from small_policy import PolicyNet, PolicyServer, batch_rows, clipped_pg_update, trajectory_metrics  # noqa: E402

ENVS = {
    # Env options and step limits of the runs: Sokoban 6x6 with one box; FrozenLake 4x4, not slippery.
    # taskSets (rollouts source): 1 = one fixed set of `groups` levels replayed every iteration (the
    # one-hot MLP does not generalise across random Sokoban levels within a CPU budget, but learns a
    # level set); 0 = fresh tasks every iteration (FrozenLake's maps are learnt across).
    "sokoban": {"envOptions": {"dim": 6, "numBoxes": 1}, "maxSteps": 15, "taskSets": 1},
    "frozenlake": {"envOptions": {"size": 4}, "maxSteps": 20, "taskSets": 0},
    "numberline": {"envOptions": {"maxPosition": 5}, "maxSteps": 10, "taskSets": 0},
}
FIELDS = ["env", "estimator", "seed", "iteration", "policy_version", "env_steps", "success_rate", "mean_return",
          "invalid_action_rate", "rows", "loss", "clip_fraction", "max_logprob_gap", "rollout_s", "scoring_s", "transfer_s", "training_s"]


class ServiceProcess:
    """`gigpo serve --port 0` as a child process; .url once it listens."""

    def __init__(self, threads: int = 1):
        cli = os.path.join(ROOT, "dist", "lib", "cli", "main.js")
        if not os.path.exists(cli):
            raise SystemExit(f"{cli} is missing: run `npm install` in {ROOT} first")
        self.proc = subprocess.Popen(["node", cli, "serve", "--port", "0", "--json", "--threads", str(threads)],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        deadline = time.time() + 30
        lines = []
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "listening":
                self.url = event["url"]
                return
        self.proc.kill()
        raise RuntimeError("gigpo serve did not start: " + "".join(lines))

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _policy_spec(server: PolicyServer, temperature: float) -> Dict[str, Any]:
    return {"kind": "openai", "baseURL": server.base_url, "model": "small-policy", "temperature": temperature,
            "maxTokens": 8, "concurrency": 64, "retries": 2, "timeoutMs": 30000}


def train(*, env: str, estimator: str, seed: int, iterations: int, groups: int, group_size: int,
          service_url: str, source: str = "stream", lr: float = 1e-2, hidden: int = 64, epochs: int = 4,
          entropy: float = 0.01, max_staleness: int = 1, temperature: float = 1.0,
          task_sets: Optional[int] = None, dump_batches: Optional[str] = None, eval_groups: int = 0, report: Optional[Dict[str, Any]] = None
          ) -> Iterator[Dict[str, Any]]:
    """Yields one record per iteration (the FIELDS). With `report`, fills it with what a test checks:
    the policy versions of the served rows, how far the weights moved, and (with eval_groups) the
    success rate of a final on-policy rollout. With dump_batches, writes each served batch's msgpack."""
    torch.manual_seed(seed)
    net = PolicyNet(hidden)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    server = PolicyServer(net, seed=seed)
    spec = ENVS[env]
    if task_sets is None:
        task_sets = spec["taskSets"]
    request = {"env": env, "envOptions": spec["envOptions"], "maxSteps": spec["maxSteps"], "groupSize": group_size,
               "policy": _policy_spec(server, temperature), "advantage": {"estimator": estimator}}
    client = Client(service_url)
    stream: Optional[Stream] = None
    initial = [p.detach().clone() for p in net.parameters()]
    try:
        if source == "stream":
            stream = Stream(client=client, seed=seed, bufferGroups=groups, maxStaleness=max_staleness, **request)
        env_steps = 0
        for it in range(iterations):
            t0 = time.perf_counter()
            if stream is not None:
                steps_before = server.requests
                rows_wanted = groups * group_size * 4  # about `groups` groups of short episodes
                chunks = [_batch(stream, rows_wanted, dump_batches, it)]
                if report is not None:
                    report.setdefault("served_versions", []).append(sorted({int(v) for v in chunks[0]["policyVersion"]}))
                    report.setdefault("announced_versions", []).append(server.version)
                wall = time.perf_counter() - t0
                env_steps += server.requests - steps_before
                metrics = trajectory_metrics(chunks, env)  # served groups only: those with reward variance
                scoring = float("nan")  # scored inside the producer, overlapped with generation
                rollout, transfer = wall, 0.0
            else:
                # The task set: task_sets seeds of `groups` tasks each, cycled (0 = fresh tasks every
                # iteration); the same tasks for every estimator of a seed.
                task_seed = seed * 100_003 + (it % task_sets if task_sets > 0 else it)
                with client.rollout(seed=task_seed, groups=groups, **request) as run:
                    chunks = list(run)
                wall = time.perf_counter() - t0
                summary = run.summary or {}
                metrics = summary.get("metrics", {})
                env_steps += int(metrics.get("steps", 0))
                # The service's own split: computing advantages, encoding chunks, the rest generating.
                scoring = float(summary.get("scoringSeconds", float("nan")))
                encoding = float(summary.get("encodingSeconds", 0.0))
                service_s = float(summary.get("seconds", wall))
                rollout = service_s - (0.0 if np.isnan(scoring) else scoring) - encoding
                transfer = max(0.0, wall - service_s) + encoding  # encode, HTTP, decode in this process
            rows = batch_rows(chunks, env)
            t1 = time.perf_counter()
            stats = clipped_pg_update(net, optimizer, rows, epochs=epochs, entropy=entropy, seed=seed * 7919 + it)
            training = time.perf_counter() - t1
            server.publish(net)
            if stream is not None:
                stream.set_policy(server.version)
            record = {
                "env": env, "estimator": estimator, "seed": seed, "iteration": it + 1, "policy_version": server.version,
                "env_steps": env_steps, "success_rate": metrics.get("successRate", float("nan")),
                "mean_return": metrics.get("meanEpisodeReturn", float("nan")),
                "invalid_action_rate": metrics.get("invalidActionRate", float("nan")), "rows": stats["rows"],
                "loss": stats["loss"], "clip_fraction": stats["clip_fraction"], "max_logprob_gap": stats["max_logprob_gap"], "rollout_s": rollout,
                "scoring_s": scoring, "transfer_s": transfer, "training_s": training,
            }
            yield record
        if report is not None:
            report["weight_change"] = float(sum(float((p.detach() - q).norm()) for p, q in zip(net.parameters(), initial)))
            report["final_version"] = server.version
            if eval_groups:
                with client.rollout(seed=seed * 100_003 + 99_991, groups=eval_groups, **request) as run:
                    list(run)
                report["eval"] = (run.summary or {}).get("metrics", {})
    finally:
        if stream is not None:
            stream.close()
        server.close()


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def _batch(stream: Stream, rows: int, dump: Optional[str], iteration: int) -> Dict[str, Any]:
    """stream.batch(rows); with dump, the same answer's raw msgpack is also written to dump/batch-<i>.msgpack."""
    if dump is None:
        return stream.batch(rows=rows)
    import msgpack
    from gigpo_batch import decode_chunk

    with stream.client._open("GET", stream._path("/batch"), query={"rows": rows}) as resp:
        raw = resp.read()
    os.makedirs(dump, exist_ok=True)
    with open(os.path.join(dump, f"batch-{iteration:04d}.msgpack"), "wb") as f:
        f.write(raw)
    return decode_chunk(msgpack.unpackb(raw, raw=False, max_bin_len=2**31 - 1), f"batch {iteration}")


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--env", choices=sorted(ENVS), default="numberline")
    p.add_argument("--estimator", choices=["gigpo", "grpo", "rloo"], default="gigpo")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--groups", type=int, default=16)
    p.add_argument("--group-size", type=int, default=8)
    p.add_argument("--source", choices=["stream", "rollouts"], default="stream")
    p.add_argument("--max-staleness", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--epochs", type=int, default=4, help="passes over each batch")
    p.add_argument("--service", help="URL of a running gigpo serve (default: start one)")
    p.add_argument("--csv", help="write the per-iteration records here")
    p.add_argument("--dump-batches", help="stream: write each served batch (msgpack) into this directory")
    p.add_argument("--eval-groups", type=int, default=0, help="after training, one on-policy rollout of this many groups")
    p.add_argument("--report", help="write a JSON report (versions, weight change, evaluation) here")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args(argv)
    service = None if a.service else ServiceProcess()
    url = a.service or service.url
    records = []
    report: Dict[str, Any] = {}
    try:
        for r in train(env=a.env, estimator=a.estimator, seed=a.seed, iterations=a.iterations, groups=a.groups,
                       group_size=a.group_size, service_url=url, source=a.source, lr=a.lr, epochs=a.epochs, max_staleness=a.max_staleness,
                       dump_batches=a.dump_batches, eval_groups=a.eval_groups, report=report):
            records.append(r)
            if a.verbose:
                print(json.dumps(_no_nan(r)), flush=True)
    finally:
        if service:
            service.close()
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS)
            w.writeheader()
            w.writerows(records)
    if a.report:
        with open(a.report, "w") as f:  # NaN (no figure) as null: strict JSON
            json.dump(_no_nan({**report, "records": records}), f)
    last = records[-1] if records else {}
    print(f"{a.env} {a.estimator} seed {a.seed}: {len(records)} iterations, {last.get('env_steps', 0)} env steps, "
          f"final success rate {last.get('success_rate', float('nan')):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
