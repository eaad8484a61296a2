"""A small torch policy for gigpo-engine's text envs, served like an LLM.

The policy reads the observation out of the prompt the engine sends (the grid of Sokoban or
FrozenLake, the lines of NumberLine), one-hot encodes its characters on a fixed canvas, and
an MLP (its first layer an EmbeddingBag over the one-hot cells) gives logits over the admissible actions listed in the prompt. PolicyServer answers
OpenAI-style POST /v1/chat/completions with `<action>NAME</action>`, the response token id
(the action's index), its sampler log-prob, and the prompt's token ids (the observation's
UTF-8 bytes: a byte-level tokenizer), as vLLM does with `return_token_ids`.

clipped_pg_update() is the trainer's step: PPO's clipped importance-weighted policy gradient
over the rows of a scored batch, with the engine's advantages and the log-probs the sampler
reported when it generated them.

Needs torch and numpy (Debian: python3-torch, python3-numpy).
"""

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

ROWS, COLS = 8, 16  # canvas: larger observations are cut, smaller ones padded
CHARS = 96  # printable ASCII (32..126) plus one class for everything else
MAX_ACTIONS = 4
_OBS = re.compile(r"Current observation:\n(.*?)(?:\nAdmissible actions: (.*))?\Z", re.S)


class PromptError(ValueError):
    """The request's messages do not hold an observation the policy can read."""


def parse_prompt(messages: Sequence[Dict[str, str]]) -> Tuple[str, List[str]]:
    """The current observation and the admissible action names from the engine's last user message."""
    if not messages or not isinstance(messages[-1], dict) or not isinstance(messages[-1].get("content"), str):
        raise PromptError("messages[-1].content: expected the user turn with the current observation")
    m = _OBS.search(messages[-1]["content"])
    if not m:
        raise PromptError("messages[-1].content: no 'Current observation:' section")
    actions = [a.strip() for a in m.group(2).split(",")] if m.group(2) else []
    if not actions or len(actions) > MAX_ACTIONS:
        raise PromptError(f"messages[-1].content: expected 1..{MAX_ACTIONS} admissible actions, got {len(actions)}")
    return m.group(1), actions


def features(observations: Sequence[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    """The one-hot (row, column, character) cells of each observation on a ROWS x COLS canvas, as
    EmbeddingBag input: flat cell indices and the offset of each observation's first cell."""
    index: List[int] = []
    offsets: List[int] = []
    for text in observations:
        offsets.append(len(index))
        for r, line in enumerate(text.split("\n")[:ROWS]):
            base = r * COLS * CHARS
            for c, ch in enumerate(line[:COLS]):
                code = ord(ch) - 32
                index.append(base + c * CHARS + (code if 0 <= code < CHARS - 1 else CHARS - 1))
    return torch.tensor(index, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


class PolicyNet(nn.Module):
    """An MLP over the one-hot cells: the first layer, a sum of one weight row per cell, is an EmbeddingBag."""

    def __init__(self, hidden: int = 64):
        super().__init__()
        self.hidden = hidden
        self.cells = nn.EmbeddingBag(ROWS * COLS * CHARS, hidden, mode="sum")
        self.bias = nn.Parameter(torch.zeros(hidden))
        self.head = nn.Linear(hidden, MAX_ACTIONS)
        nn.init.normal_(self.cells.weight, std=0.1)

    def log_probs(self, x: Tuple[torch.Tensor, torch.Tensor], num_actions: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """Log-probabilities over the first num_actions[k] action slots of each observation (the rest -inf)."""
        h = torch.tanh(self.cells(x[0], x[1]) + self.bias)
        logits = self.head(h) / max(temperature, 1e-6)
        slots = torch.arange(MAX_ACTIONS)[None, :]
        logits = logits.masked_fill(slots >= num_actions[:, None], float("-inf"))
        return torch.log_softmax(logits, dim=-1)


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # the engine opens up to `concurrency` connections at once; 5 drops SYNs
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up (a cancelled rollout, a deleted stream) is not an error of the policy.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class PolicyServer:
    """OpenAI-compatible /v1/chat/completions over a PolicyNet, in a background thread.

    The served weights are a copy: publish(net) swaps them in under a lock between training
    steps, so a request is always answered by one whole policy version. The forward pass for
    serving is numpy's (the same function as PolicyNet.log_probs, checked in the smoke test).
    """

    def __init__(self, net: PolicyNet, seed: int = 0, host: str = "127.0.0.1", port: int = 0):
        self._lock = threading.Lock()
        self.version = -1
        self.publish(net)
        self._rng = np.random.default_rng(seed)
        self.requests = 0  # completions answered: one per env step
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the engine reuses its connections
            disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": f"no route POST {self.path}"}})
                try:
                    body = json.loads(raw)
                    answer = server.complete(body)
                except (ValueError, KeyError, TypeError) as err:
                    return self._send(400, {"error": {"message": str(err), "type": "BadRequestError"}})
                self._send(200, answer)

            def _send(self, status: int, payload) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._http = _Server((host, port), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def publish(self, net: PolicyNet, version: Optional[int] = None) -> None:
        # Serving runs in numpy on a copy of the weights: a request costs tens of microseconds, not torch's hundreds.
        with torch.no_grad():
            weights = (net.cells.weight.numpy().copy(), net.bias.numpy().copy(), net.head.weight.numpy().T.copy(), net.head.bias.numpy().copy())
        with self._lock:
            self._weights = weights
            self.version = self.version + 1 if version is None else version

    def complete(self, body: Dict) -> Dict:
        observation, actions = parse_prompt(body.get("messages") or [])
        temperature = float(body.get("temperature", 1.0))
        cells = features([observation])[0].numpy()
        with self._lock:
            emb, bias, head_w, head_b = self._weights
            logits = (np.tanh(emb[cells].sum(axis=0) + bias) @ head_w + head_b)[: len(actions)]
            if temperature <= 0:
                a = int(np.argmax(logits))
                lp = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
            else:
                z = logits / temperature
                lp = z - z.max() - np.log(np.exp(z - z.max()).sum())
                a = int(self._rng.choice(len(actions), p=np.exp(lp) / np.exp(lp).sum()))
            self.requests += 1
        text = f"<action>{actions[a]}</action>"
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop",
            "logprobs": {"content": [{"token": text, "logprob": float(lp[a]), "bytes": None, "top_logprobs": []}]},
        }
        out = {"id": f"chatcmpl-{self.requests}", "object": "chat.completion", "model": str(body.get("model", "small")), "choices": [choice]}
        if body.get("return_token_ids"):
            choice["token_ids"] = [a]
            out["prompt_token_ids"] = list(observation.encode())
        return out

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


def batch_rows(chunks: Sequence[Dict], env: str) -> Dict[str, np.ndarray]:
    """The training columns of scored chunks: observation texts, action slots, old log-probs, advantages."""
    obs: List[str] = []
    actions, old, adv, num_actions = [], [], [], []
    for c in chunks:
        table = c["observations"].texts()
        ids, lps = c["responseIds"], c["logprobs"]
        for r in range(c["num_rows"]):
            if not c["valid"][r] or len(ids.row(r)) != 1:
                continue  # the policy never answers invalid text; skip such rows defensively
            text = table[c["obs"][r]]
            obs.append(text)
            actions.append(int(ids.row(r)[0]))
            old.append(float(lps.row(r)[0]))
            adv.append(float(c["advantage"][r]))
            num_actions.append(len(ACTIONS[env]))
    return {
        "observations": obs,
        "actions": np.asarray(actions, dtype=np.int64),
        "old_logprobs": np.asarray(old, dtype=np.float32),
        "advantages": np.asarray(adv, dtype=np.float32),
        "num_actions": np.asarray(num_actions, dtype=np.int64),
    }


# Fixed action lists of the discrete envs (the prompt's "Admissible actions" line), and the last
# reward that makes a trajectory a success (lib/envs/prompts.ts).
ACTIONS = {
    "sokoban": ("up", "down", "left", "right"),
    "frozenlake": ("left", "down", "right", "up"),
    "numberline": ("+", "-"),
}
SUCCESS_REWARD = {"sokoban": 10.0, "frozenlake": 1.0, "numberline": 1.0}


def trajectory_metrics(chunks: Sequence[Dict], env: str) -> Dict[str, float]:
    """Success rate, mean return and invalid-action rate of the trajectories in chunks (rows grouped by traj)."""
    successes = returns = trajectories = invalid = steps = 0.0
    for c in chunks:
        traj, reward, done, valid = c["traj"], c["reward"], c["done"], c["valid"]
        if c["num_rows"] == 0:
            continue
        ends = np.flatnonzero(np.diff(traj.astype(np.int64)) != 0).tolist() + [c["num_rows"] - 1]
        starts = [0] + [e + 1 for e in ends[:-1]]
        for a, b in zip(starts, ends):
            trajectories += 1
            returns += float(reward[a:b + 1].sum())
            successes += float(bool(done[b]) and reward[b] >= SUCCESS_REWARD[env])
        invalid += float((valid == 0).sum())
        steps += c["num_rows"]
    return {
        "successRate": successes / trajectories if trajectories else float("nan"),
        "meanEpisodeReturn": returns / trajectories if trajectories else float("nan"),
        "invalidActionRate": invalid / steps if steps else float("nan"),
        "trajectories": trajectories,
        "steps": steps,
    }


def clipped_pg_update(net: PolicyNet, optimizer: torch.optim.Optimizer, rows: Dict[str, np.ndarray], *, clip: float = 0.2,
                      epochs: int = 2, minibatch: int = 512, entropy: float = 0.0, seed: int = 0) -> Dict[str, float]:
    """PPO's clipped surrogate over the rows: ratio = pi_new(a|s) / pi_sampler(a|s), advantage from the engine."""
    n = len(rows["actions"])
    if n == 0:
        return {"loss": 0.0, "clip_fraction": 0.0, "rows": 0, "max_logprob_gap": 0.0}
    a = torch.from_numpy(rows["actions"])
    old = torch.from_numpy(rows["old_logprobs"])
    adv = torch.from_numpy(rows["advantages"])
    k = torch.from_numpy(rows["num_actions"])
    g = torch.Generator().manual_seed(seed)
    losses, clipped = [], []
    with torch.no_grad():  # before any step: how far the rows are from the current weights
        lp0 = net.log_probs(features(rows["observations"]), k).gather(1, a[:, None])[:, 0]
        off_policy = float((lp0 - old).abs().max())
    for _ in range(epochs):
        for idx in torch.randperm(n, generator=g).split(minibatch):
            lp_all = net.log_probs(features([rows["observations"][i] for i in idx.tolist()]), k[idx])
            lp = lp_all.gather(1, a[idx][:, None])[:, 0]
            ratio = torch.exp(lp - old[idx])
            surrogate = torch.min(ratio * adv[idx], ratio.clamp(1 - clip, 1 + clip) * adv[idx])
            probs = lp_all.exp()
            ent = -(probs * lp_all.masked_fill(probs == 0, 0)).sum(-1)
            loss = -surrogate.mean() - entropy * ent.mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
            clipped.append(float(((ratio - 1).abs() > clip).float().mean()))
    return {"loss": float(np.mean(losses)), "clip_fraction": float(np.mean(clipped)), "rows": n, "max_logprob_gap": off_policy}
