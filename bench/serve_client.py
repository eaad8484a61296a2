"""The Python side of bench/serve.ts: consumes /v1/streams batches and times a 64-group rollout.

    python3 bench/serve_client.py URL GROUPS BATCH_ROWS   -> one JSON line
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gigpo_client import Client, Stream  # noqa: E402

url, groups, batch_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
setup = dict(env="sokoban", group_size=8, seed=1, policy={"kind": "oracle", "epsilon": 0.3})

# Time to first chunk of 64 groups (the server's threads are warm: it has served nothing yet, but started them).
start = time.perf_counter()
first = None
with Client(url).rollout(groups=64, **setup) as run:
    for chunk in run:
        if first is None:
            first = time.perf_counter() - start
rollout_seconds = time.perf_counter() - start

# The stream serves fresh tasks in order (task k = group k, as in the in-process rollout);
# consume batches until as many groups as the in-process run have been generated.
rows = batches = 0
with Stream(url, buffer_groups=1024, **setup) as stream:
    start = time.perf_counter()
    while True:
        b = stream.batch(batch_rows)
        rows += b["num_rows"]
        batches += 1
        assert "advantage" in b and "policyVersion" in b
        if b["meta"]["counters"]["generatedGroups"] >= groups:
            break
    seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "batches": batches, "firstChunkMs": first * 1000,
                  "rolloutSeconds": rollout_seconds, "rolloutChunks": run.chunks}))
