// npm run bench:env-server: steps/s through `gigpo serve-env`'s OpenEnv WebSocket with 64
// concurrent clients, against in-process stepping of the same env, with p50/p99 latency per
// step. The server runs in its own process; its CPU time (from /proc) gives steps per
// server CPU-second, i.e. per core. Usage: node dist/bench/env-server.js [env] [seconds] [clients]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

import { createEnvBatch } from '../lib/envs/env-batch.js';
import { formatTable } from '../lib/cli/format.js';

const env = process.argv[2] ?? 'sokoban';
const seconds = Number(process.argv[3] ?? 5);
const clients = Number(process.argv[4] ?? 64);
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'cli', 'main.js');

/** utime + stime of a process in seconds (Linux); undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** In-process: the same env and texts, one env at a time through stepTextAt (what a session does) and as a whole batch. */
function inProcess(n: number, texts: string[]): { single: number; batch: number } {
  const b = createEnvBatch({ env, numEnvs: n, seed: 0 });
  const index = new Uint32Array(1);
  const one = [''];
  let steps = 0;
  let t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    for (let i = 0; i < n; i++) {
      index[0] = i;
      one[0] = texts[steps % texts.length];
      b.stepTextAt(index, one);
      steps++;
    }
  }
  const single = steps / ((performance.now() - t0) / 1000);
  const all = Array.from({ length: n }, (_, i) => texts[i % texts.length]);
  steps = 0;
  t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    b.stepText(all);
    steps += n;
  }
  return { single, batch: steps / ((performance.now() - t0) / 1000) };
}

async function startServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [cli, 'serve-env', '--env', env, '--port', '0', '--json', '--max-sessions', String(clients + 8)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`serve-env exited with ${code}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function client(url: string, task: number, texts: string[], until: number, latencies: number[]): Promise<number> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  let pending: ((data: string) => void) | undefined;
  ws.on('message', (data) => pending?.(String(data)));
  const ask = (message: object) =>
    new Promise<string>((resolve) => {
      pending = resolve;
      ws.send(JSON.stringify(message));
    });
  await ask({ type: 'reset', data: { seed: task } });
  let steps = 0;
  while (performance.now() < until) {
    const t0 = performance.now();
    const reply = JSON.parse(await ask({ type: 'step', data: { message: texts[(steps + task) % texts.length] } })) as {
      data: { done: boolean };
    };
    latencies.push(performance.now() - t0);
    steps++;
    if (reply.data.done) await ask({ type: 'reset', data: { seed: task } });
  }
  ws.close();
  return steps;
}

const probe = createEnvBatch({ env, numEnvs: 1 });
const texts = Array.from({ length: Math.min(probe.numActions, 16) }, (_, a) => `<action>${probe.actionName(0, a)}</action>`);
const local = inProcess(clients, texts);
const server = await startServer();
try {
  const latencies: number[] = [];
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: clients }, (_, i) => client(server.url, i, texts, t0 + seconds * 1000, latencies)));
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(server.pid);
  const steps = counts.reduce((a, b) => a + b, 0);
  const sorted = Float64Array.from(latencies).sort();
  const serverCpu = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
  const result = {
    bench: 'env-server',
    env,
    clients,
    seconds: wall,
    steps,
    wsStepsPerSecond: steps / wall,
    wsStepsPerServerCpuSecond: serverCpu ? steps / serverCpu : null,
    serverCpuSeconds: serverCpu ?? null,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    inProcessSingleStepsPerSecond: local.single,
    inProcessBatchStepsPerSecond: local.batch,
    ratioToSingle: steps / wall / local.single,
    ratioToBatch: steps / wall / local.batch,
  };
  console.log(
    formatTable(
      [
        'env',
        'clients',
        'WS steps/s',
        'per server core',
        'p50 ms',
        'p99 ms',
        'in-process (one env per call)',
        'in-process (batch)',
        'WS / in-process',
      ],
      [
        [
          env,
          String(clients),
          result.wsStepsPerSecond.toFixed(0),
          result.wsStepsPerServerCpuSecond?.toFixed(0) ?? 'n/a',
          result.p50Ms.toFixed(3),
          result.p99Ms.toFixed(3),
          local.single.toFixed(0),
          local.batch.toFixed(0),
          `${(result.ratioToSingle * 100).toFixed(2)}% / ${(result.ratioToBatch * 100).toFixed(2)}%`,
        ],
      ],
    ),
  );
  console.log(JSON.stringify(result));
} finally {
  server.stop();
}
