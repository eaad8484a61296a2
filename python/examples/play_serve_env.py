#!/usr/bin/env python3
"""Play one episode against `gigpo serve-env`, the way each protocol's own clients do.

AgentGym (HTTP, stdlib urllib, as agentenv's clients do with requests):
    python3 play_serve_env.py --url http://127.0.0.1:8000 --protocol agentgym --task 3
OpenEnv (WebSocket /ws, the `websockets` package, as openenv's EnvClient does):
    python3 play_serve_env.py --url http://127.0.0.1:8000 --protocol openenv --task 3

The agent is deterministic: at step t it answers <action>A</action> with A the admissible
action number (3 t + task) mod len(admissible). Prints one JSON line per reset/step:
{"step", "observation", "reward", "done", "anchor", "action"} and a last {"summary": ...} line.
"""
import argparse
import asyncio
import json
import sys
import urllib.error
import urllib.request


def choose(admissible, step, task):
    return admissible[(3 * step + task) % len(admissible)]


def emit(step, observation, reward, done, anchor, action=None):
    print(json.dumps({"step": step, "observation": observation, "reward": reward, "done": done,
                      "anchor": anchor, "action": action}), flush=True)


# ---------------------------------------------------------------- AgentGym over HTTP
def post(url, path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as res:
            payload = json.loads(res.read())
    except urllib.error.HTTPError as err:  # our server answers bad requests with 4xx + {"error": ...}
        raise SystemExit(f"{path}: HTTP {err.code}: {json.loads(err.read()).get('error')}")
    if isinstance(payload, dict) and payload.get("error"):  # AgentGym servers: errors with HTTP 200
        raise SystemExit(f"{path}: {payload['error']}")
    return payload


def get(url, path, session):
    with urllib.request.urlopen(f"{url}{path}?id={session}", timeout=30) as res:
        return json.loads(res.read())


def play_agentgym(url, task, max_steps):
    session = post(url, "/create", {})["id"]
    reply = post(url, "/reset", {"id": session, "data_idx": task})
    emit(0, reply["observation"], 0.0, False, reply.get("anchor"))
    total, steps = 0.0, 0
    for step in range(max_steps):
        admissible = get(url, "/available_actions", session)
        action = choose(admissible, step, task)
        reply = post(url, "/step", {"id": session, "action": f"<action>{action}</action>"})
        total += reply["reward"]
        steps += 1
        emit(step + 1, reply["observation"], reply["reward"], reply["done"], reply.get("anchor"), action)
        if reply["done"]:
            break
    detail = get(url, "/detail", session)
    post(url, "/close", {"id": session})
    return {"steps": steps, "return": total, "data_idx": detail["data_idx"]}


# ---------------------------------------------------------------- OpenEnv over WebSocket
try:
    from websockets.asyncio.client import connect  # websockets >= 13, what openenv uses
except ImportError:
    from websockets import connect  # Debian's python3-websockets (10.x)


async def exchange(ws, message):
    await ws.send(json.dumps(message))
    reply = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
    if reply["type"] == "error":
        raise SystemExit(f"server error {reply['data']['code']}: {reply['data']['message']}")
    return reply["data"]


async def play_openenv(url, task, max_steps):
    ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/ws"
    async with connect(ws_url) as ws:
        result = await exchange(ws, {"type": "reset", "data": {"seed": task}})
        meta = result["observation"]["metadata"]
        emit(0, result["observation"]["text"], 0.0, result["done"], meta["anchor"])
        total, steps = 0.0, 0
        for step in range(max_steps):
            action = choose(meta["admissible_actions"], step, task)
            result = await exchange(ws, {"type": "step", "data": {"message": f"<action>{action}</action>"}})
            meta = result["observation"]["metadata"]
            total += result["reward"]
            steps += 1
            emit(step + 1, result["observation"]["text"], result["reward"], result["done"], meta["anchor"], action)
            if result["done"]:
                break
        state = await exchange(ws, {"type": "state"})
        await ws.send(json.dumps({"type": "close"}))
    return {"steps": steps, "return": total, "step_count": state["step_count"], "group_seed": state["group_seed"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--protocol", choices=["agentgym", "openenv"], required=True)
    parser.add_argument("--task", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=100)
    args = parser.parse_args()
    if args.protocol == "agentgym":
        summary = play_agentgym(args.url, args.task, args.max_steps)
    else:
        summary = asyncio.run(play_openenv(args.url, args.task, args.max_steps))
    print(json.dumps({"summary": summary}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
