// LLM rollouts without the step barrier. A local OpenAI-compatible server (a child process, so
// its CPU is not the engine's) answers every chat completion with a Sokoban action after a delay
// drawn from a lognormal distribution (median 20 ms, sigma 1.0): the long tail of real generation
// lengths. Both the delay and the action are a function of the prompt, so both schedules see the
// same answer and the same delay for every (traj, step) and must produce the identical batch.
//
// Reports, in one run:
//  - env steps/s of schedule 'trajectory' (every trajectory its own loop) and of schedule 'step'
//    (every running env finishes step t before any starts step t + 1), and their ratio, over HTTP
//    and with an in-process function policy that sleeps the same delays (no HTTP cost);
//  - engine CPU per LLM step (prompt build, parse, native step, record) with an instant
//    in-process function policy answering a constant, so no HTTP and no server is counted; and the engine process's CPU
//    per step in the HTTP runs (the HTTP client included, the server excluded).
//
//   node dist/bench/llm-rollout.js [groups] [groupSize] [medianMs] [sigma]
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import { formatTable } from '../lib/cli/format.js';
import { functionPolicy } from '../lib/policy/function.js';
import { openAIPolicy } from '../lib/policy/openai.js';
import { sleep } from '../lib/util/abort.js';
import type { PolicyRequest, TextPolicy } from '../lib/policy/types.js';
import { RolloutEngine, type Schedule } from '../lib/rollout/engine.js';
import type { RolloutMeta } from '../lib/rollout/rollout-meta.js';
import type { StepBatch } from '../lib/io/step-batch.js';

const ACTIONS = ['up', 'down', 'left', 'right'];

/** FNV-1a of a string, then two 32-bit words for a uniform pair. */
function hash32(text: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) >>> 0;
}

/** The answer and the delay for one prompt (the last message: the step and the current observation). */
function answerOf(prompt: string, medianMs: number, sigma: number): { text: string; delayMs: number } {
  const u1 = (hash32(prompt, 1) + 0.5) / 2 ** 32;
  const u2 = (hash32(prompt, 2) + 0.5) / 2 ** 32;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2); // Box-Muller
  return { text: `<action>${ACTIONS[hash32(prompt, 3) % 4]}</action>`, delayMs: medianMs * Math.exp(sigma * z) };
}

/** The server process: POST /v1/chat/completions -> one action after the prompt's delay. */
function serve(medianMs: number, sigma: number): void {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: { content: string }[] };
      const { text, delayMs } = answerOf(body.messages[body.messages.length - 1].content, medianMs, sigma);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 0, completion_tokens: 3 } }));
      }, delayMs);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  // The parent asks for this process's CPU before and after each run: the server's share of a step.
  process.on('message', () => process.send!({ cpuUs: cpuUsOf(process.cpuUsage()) }));
  process.on('disconnect', () => process.exit(0));
}

function cpuUsOf(u: NodeJS.CpuUsage): number {
  return u.user + u.system;
}

/** The server process's CPU so far, microseconds. */
function serverCpuUs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpuUs: number }) => resolve(m.cpuUs));
    child.send('cpu');
  });
}

async function startServer(medianMs: number, sigma: number): Promise<{ baseURL: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', String(medianMs), String(sigma)], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench server exited with code ${code}`)));
  });
  return { baseURL: `http://127.0.0.1:${port}/v1`, child };
}

interface Run {
  /** 'http': openAIPolicy against the server process; 'in-process': a function policy sleeping the same delays. */
  transport: 'http' | 'in-process';
  schedule: Schedule;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  /** CPU of this process (user + system) per step, microseconds. */
  cpuUsPerStep: number;
  /** CPU of the server process per step (HTTP runs), microseconds. */
  serverCpuUsPerStep?: number;
  serverBusySeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

async function timed(run: () => Promise<StepBatch>): Promise<{ batch: StepBatch; seconds: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const batch = await run();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { batch, seconds, cpuUs: used.user + used.system };
}

function sameRows(a: StepBatch, b: StepBatch): boolean {
  const columns = ['group', 'traj', 'step', 'action', 'reward', 'done', 'truncated', 'valid', 'anchor', 'obs'] as const;
  if (a.numRows !== b.numRows) return false;
  return columns.every((c) => a[c].every((v: number | bigint, r: number) => v === b[c][r]));
}

async function main(): Promise<void> {
  const groups = Number(process.argv[2] ?? 32);
  const groupSize = Number(process.argv[3] ?? 8);
  const medianMs = Number(process.argv[4] ?? 20);
  const sigma = Number(process.argv[5] ?? 1.0);
  const numEnvs = groups * groupSize;
  const loadBefore = loadavg()[0];
  const engine = new RolloutEngine();
  const base = { env: 'sokoban', groups, groupSize, seed: 11 };

  // Engine CPU per step: an instant in-process policy with a constant answer (no policy work to speak of).
  const instant = functionPolicy(() => '<action>up</action>');
  for (let k = 0; k < 3; k++) await engine.collect({ ...base, policy: instant }); // warm up
  let cpuUs = 0;
  let cpuSteps = 0;
  for (let k = 0; k < 10; k++) {
    const r = await timed(() => engine.collect({ ...base, policy: instant }));
    cpuUs += r.cpuUs;
    cpuSteps += r.batch.numRows;
  }
  const engineCpuUsPerStep = cpuUs / cpuSteps;

  const runs: Run[] = [];
  const batches: StepBatch[] = [];
  const measure = async (transport: Run['transport'], policy: TextPolicy, server?: ChildProcess): Promise<void> => {
    for (const schedule of ['trajectory', 'step'] as const) {
      const serverBefore = server ? await serverCpuUs(server) : 0;
      const r = await timed(() => engine.collect({ ...base, policy, schedule }));
      const serverUs = server ? (await serverCpuUs(server)) - serverBefore : undefined;
      const m = (r.batch.meta as unknown as RolloutMeta).metrics;
      batches.push(r.batch);
      runs.push({
        transport,
        schedule,
        steps: r.batch.numRows,
        seconds: r.seconds,
        stepsPerSecond: r.batch.numRows / r.seconds,
        cpuUsPerStep: r.cpuUs / r.batch.numRows,
        serverCpuUsPerStep: serverUs === undefined ? undefined : serverUs / r.batch.numRows,
        serverBusySeconds: m.serverBusySeconds,
        latencyP50Ms: m.policyLatencyP50Ms,
        latencyP99Ms: m.policyLatencyP99Ms,
      });
    }
  };
  // The same delays without HTTP: what removing the barrier gains when the client costs nothing.
  await measure(
    'in-process',
    functionPolicy(async (_messages, request: PolicyRequest) => {
      const { text, delayMs } = answerOf(request.messages[request.messages.length - 1].content, medianMs, sigma);
      await sleep(delayMs);
      return text;
    }),
  );
  const { baseURL, child } = await startServer(medianMs, sigma);
  try {
    const policy = openAIPolicy({ baseURL, model: 'bench', concurrency: Number(process.env.BENCH_CONCURRENCY ?? numEnvs), returnTokenIds: false });
    // Warm up: open a connection per env (both schedules then find them open) and compile the client.
    for (const schedule of ['trajectory', 'step'] as const) await engine.collect({ ...base, maxSteps: 2, policy, schedule });
    await measure('http', policy, child);
  } finally {
    child.disconnect();
    child.kill();
  }
  const loadAfter = loadavg()[0];
  const identical = batches.every((b) => sameRows(b, batches[0]));
  const ratioOf = (transport: Run['transport']) => {
    const [t, s] = [runs.find((r) => r.transport === transport && r.schedule === 'trajectory')!, runs.find((r) => r.transport === transport && r.schedule === 'step')!];
    return t.stepsPerSecond / s.stepsPerSecond;
  };
  const ratio = ratioOf('http');
  const inProcessRatio = ratioOf('in-process');
  console.log(
    formatTable(
      ['policy', 'schedule', 'envs', 'steps', 'seconds', 'steps/s', 'engine-process CPU/step', 'server CPU/step', 'latency p50/p99'],
      runs.map((r) => [
        r.transport,
        r.schedule,
        String(numEnvs),
        String(r.steps),
        r.seconds.toFixed(2),
        r.stepsPerSecond.toFixed(0),
        `${r.cpuUsPerStep.toFixed(1)} us`,
        r.serverCpuUsPerStep === undefined ? '-' : `${r.serverCpuUsPerStep.toFixed(1)} us`,
        `${r.latencyP50Ms.toFixed(1)} / ${r.latencyP99Ms.toFixed(1)} ms`,
      ]),
    ),
  );
  console.log(
    `trajectory / step: ${ratio.toFixed(2)}x over HTTP, ${inProcessRatio.toFixed(2)}x in process (delay lognormal, median ${medianMs} ms, sigma ${sigma}); ` +
      `engine CPU per LLM step (instant in-process policy, ${cpuSteps} steps): ${engineCpuUsPerStep.toFixed(1)} us; ` +
      `batches identical across schedules: ${identical}; ` +
      `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after on ${availableParallelism()} cores`,
  );
  console.log(JSON.stringify({ bench: 'llm-rollout', env: 'sokoban', groups, groupSize, medianMs, sigma, ratio, inProcessRatio, engineCpuUsPerStep, identical, loadBefore, loadAfter, runs }));
  if (!identical) process.exitCode = 1;
}

if (process.argv[2] === 'serve') serve(Number(process.argv[3]), Number(process.argv[4]));
else await main();
