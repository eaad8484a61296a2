"""Checks python/gigpo_client.py against a running `gigpo serve` (URL in argv[1]).

Run by test/service-python.test.ts; prints one JSON line of measurements, exits 1 on a failed check.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
import numpy as np  # noqa: E402

import gigpo_client as gc  # noqa: E402

URL = sys.argv[1]
client = gc.Client(URL)
out = {}


def expect_error(cls, field, fn, contains=None):
    try:
        fn()
    except cls as err:
        assert err.field == field, (err.field, field, err.message)
        if contains is not None:
            assert contains in err.message, err.message
        return err
    raise AssertionError(f"expected {cls.__name__} naming {field}")


health = client.health()
assert health["status"] == "ok", health

# A streamed rollout: chunks come as they are scored, before the last group is done.
start = time.perf_counter()
arrivals, rows, groups = [], 0, set()
with client.rollout(env="sokoban", groups=64, group_size=8, seed=2, policy={"kind": "oracle", "epsilon": 0.3},
                    groups_per_job=4, concurrent_jobs=1) as run:
    for chunk in run:
        arrivals.append(time.perf_counter() - start)
        n = chunk["num_rows"]
        rows += n
        for name in ("advantage", "episodeAdvantage", "stepAdvantage", "returns", "stepGroup", "reward", "anchor"):
            assert len(chunk[name]) == n, name
        assert chunk["advantage"].dtype == np.float32 and chunk["anchor"].dtype == np.uint64
        new = set(np.unique(chunk["group"]).tolist())
        assert not (new & groups), "a group in two chunks"
        groups |= new
total = time.perf_counter() - start
assert run.summary is not None and run.summary["rows"] == rows, (run.summary, rows)
assert groups == set(range(64)), sorted(groups)
assert len(arrivals) == 16 and arrivals[0] < 0.5 * arrivals[-1], arrivals
out["rolloutChunks"] = len(arrivals)
out["firstChunkShare"] = arrivals[0] / total

# Leaving early hangs up, which cancels the rest on the server.
with client.rollout(env="sokoban", groups=4096, group_size=8, policy={"kind": "oracle", "epsilon": 0.3},
                    groups_per_job=8, concurrent_jobs=1) as run:
    for chunk in run:
        break
deadline = time.time() + 10
while client.health()["rollouts"] != 0:
    assert time.time() < deadline, "the abandoned rollout kept running"
    time.sleep(0.05)

# Bad requests raise typed errors carrying the server's message and field.
err = expect_error(gc.BadRequest, "policy.baseURL",
                   lambda: list(client.rollout(env="sokoban", groups=2, group_size=2,
                                               policy={"kind": "openai", "baseURL": "ftp://x", "model": "m"})),
                   contains="policy.baseURL: expected an http(s) URL")
assert err.status == 400
expect_error(gc.BadRequest, "groups", lambda: client.rollout(env="sokoban", groups=0, group_size=2, policy={"kind": "random"}))
expect_error(gc.BadRequest, "env", lambda: gc.Stream(URL, env="nope", group_size=2, policy={"kind": "random"}))

# A stream: batches of >= rows rows, every row tagged with its policy version.
with gc.Stream(URL, env="sokoban", group_size=4, seed=9, max_steps=20, policy={"kind": "oracle", "epsilon": 0.5},
               buffer_groups=32, max_staleness=1) as stream:
    b = stream.batch(200)
    assert b["num_rows"] >= 200, b["num_rows"]
    assert (b["policyVersion"] == 0).all()
    for v in (1, 2, 5):
        info = stream.set_policy(v)
        assert info["policyVersion"] == v
        b = stream.batch(100)
        assert b["meta"]["policyVersion"] == v
        assert (v - b["policyVersion"].astype(np.int64) <= 1).all(), b["policyVersion"]
    expect_error(gc.Conflict, "version", lambda: stream.set_policy(5))
    expect_error(gc.BadRequest, "baseURL", lambda: stream.set_policy(6, base_url="http://127.0.0.1:1/v1"))
    counters = stream.info()["counters"]
    assert counters["droppedZeroVarianceGroups"] > 0, counters
    assert stream.tasks()["kind"] == "fresh"
    try:
        import torch  # noqa: F401
        tensors = gc.to_torch(b)
        assert tensors["advantage"].shape[0] == b["num_rows"]
        out["torch"] = True
    except ImportError:
        out["torch"] = False
    stream_id = stream.id
try:
    stream.batch(10)
    raise AssertionError("a deleted stream served a batch")
except gc.NotFound as e:
    assert e.field == "id" and stream_id in e.message, e.message
out["streamCounters"] = counters

# A curated stream reports per-task statistics.
with gc.Stream(URL, env="sokoban", group_size=4, max_steps=20, policy={"kind": "oracle", "epsilon": 0.5}, tasks=8,
               curation={"kind": "success-band", "low": 0.2, "high": 0.8}) as stream:
    stream.batch(50)
    report = stream.tasks()
    assert report["kind"] == "success-band" and len(report["stats"]) == 8, report
    assert report["band"]["exploration"] == 0.2
    assert sum(s["groups"] for s in report["stats"]) > 0

# The server's stream limit.
streams = []
try:
    while True:
        streams.append(gc.Stream(URL, env="numberline", group_size=2, policy={"kind": "oracle"}, buffer_groups=1))
        assert len(streams) <= 3, "no stream limit"
except gc.LimitExceeded as e:
    assert e.status == 429 and "--max-streams" in e.message, e.message
    out["streamLimit"] = len(streams)
for s in streams:
    s.close()

try:
    gc.Client("http://127.0.0.1:1").health()
    raise AssertionError("no error for a closed port")
except gc.ConnectionFailed:
    pass

print(json.dumps(out))
