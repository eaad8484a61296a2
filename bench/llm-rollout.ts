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
//   BENCH_ENGINE_CPU_ONLY=1 node dist/bench/llm-rollout.js   (only the engine CPU per LLM step)
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
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

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * The server process: POST /v1/chat/completions -> one action after the prompt's delay. Minimal
 * HTTP/1.1 over node:net (requests with a content-length, keep-alive, answers in request order per
 * connection): it shares the machine's cores with the engine, and node:http costs about twice its
 * CPU per request, time a GPU server would not take from the engine's process.
 */
function serve(medianMs: number, sigma: number): void {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => undefined); // the client closing its sockets at exit
    let pending: Buffer | null = null;
    // Answers in request order (a pipelining client may send the next request before the answer).
    const queue: { ready: boolean; bytes: string }[] = [];
    const flush = (): void => {
      while (queue.length > 0 && queue[0].ready) socket.write(queue.shift()!.bytes);
    };
    socket.on('data', (chunk: Buffer) => {
      let buf: Buffer = pending === null ? chunk : Buffer.concat([pending, chunk]);
      pending = null;
      for (;;) {
        const end = buf.indexOf(HEAD_END);
        const length = end < 0 ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(buf.toString('latin1', 0, end))?.[1] ?? 0);
        if (end < 0 || buf.length < end + 4 + length) {
          pending = buf.length > 0 ? buf : null;
          return;
        }
        const body = JSON.parse(buf.toString('utf8', end + 4, end + 4 + length)) as { messages: { content: string }[] };
        buf = buf.subarray(end + 4 + length);
        const { text, delayMs } = answerOf(body.messages[body.messages.length - 1].content, medianMs, sigma);
        const answer = { ready: false, bytes: '' };
        queue.push(answer);
        setTimeout(() => {
          const json = JSON.stringify({
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 0, completion_tokens: 3 },
          });
          answer.bytes = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\nkeep-alive: timeout=60\r\n\r\n${json}`;
          answer.ready = true;
          flush();
        }, delayMs);
      }
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
  round: number;
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
  if (process.env.BENCH_ENGINE_CPU_ONLY === '1') {
    const load = loadavg()[0];
    console.log(
      `engine CPU per LLM step (instant in-process policy, ${numEnvs} envs, ${cpuSteps} steps): ${engineCpuUsPerStep.toFixed(1)} us; ` +
        `load average (1 min) ${loadBefore.toFixed(2)} before, ${load.toFixed(2)} after on ${availableParallelism()} cores`,
    );
    console.log(
      JSON.stringify({ bench: 'llm-rollout', env: 'sokoban', groups, groupSize, engineCpuUsPerStep, loadBefore, loadAfter: load }),
    );
    return;
  }

  const runs: Run[] = [];
  const batches: StepBatch[] = [];
  // Rounds of (trajectory, step) back to back: on a machine shared with other work each round's
  // two runs see about the same load, so the ratio is taken per round and its median reported.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const measure = async (transport: Run['transport'], policy: TextPolicy, server?: ChildProcess): Promise<void> => {
    for (let round = 1; round <= rounds; round++)
      for (const schedule of ['trajectory', 'step'] as const) {
        const serverBefore = server ? await serverCpuUs(server) : 0;
        const r = await timed(() => engine.collect({ ...base, policy, schedule }));
        const serverUs = server ? (await serverCpuUs(server)) - serverBefore : undefined;
        const m = (r.batch.meta as unknown as RolloutMeta).metrics;
        batches.push(r.batch);
        runs.push({
          round,
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
    const policy = openAIPolicy({
      baseURL,
      model: 'bench',
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? numEnvs),
      returnTokenIds: false,
    });
    // Warm up: open a connection per env and let the client's code be compiled (a first run pays both).
    for (const schedule of ['trajectory', 'step'] as const) await engine.collect({ ...base, policy, schedule });
    await measure('http', policy, child);
  } finally {
    child.disconnect();
    child.kill();
  }
  const loadAfter = loadavg()[0];
  const identical = batches.every((b) => sameRows(b, batches[0]));
  const ratiosOf = (transport: Run['transport']): number[] =>
    Array.from({ length: rounds }, (_, k) => {
      const [t, s] = (['trajectory', 'step'] as const).map(
        (schedule) => runs.find((r) => r.transport === transport && r.round === k + 1 && r.schedule === schedule)!,
      );
      return t.stepsPerSecond / s.stepsPerSecond;
    });
  const httpRatios = ratiosOf('http');
  const inProcessRatios = ratiosOf('in-process');
  const ratio = median(httpRatios);
  const inProcessRatio = median(inProcessRatios);
  console.log(
    formatTable(
      [
        'policy',
        'round',
        'schedule',
        'envs',
        'steps',
        'seconds',
        'steps/s',
        'engine-process CPU/step',
        'server CPU/step',
        'latency p50/p99',
      ],
      runs.map((r) => [
        r.transport,
        String(r.round),
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
    `trajectory / step, median of ${rounds} rounds: ${ratio.toFixed(2)}x over HTTP (${httpRatios.map((x) => x.toFixed(2)).join(', ')}), ` +
      `${inProcessRatio.toFixed(2)}x in process (${inProcessRatios.map((x) => x.toFixed(2)).join(', ')}) (delay lognormal, median ${medianMs} ms, sigma ${sigma}); ` +
      `engine CPU per LLM step (instant in-process policy, ${cpuSteps} steps): ${engineCpuUsPerStep.toFixed(1)} us; ` +
      `batches identical across schedules: ${identical}; ` +
      `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after on ${availableParallelism()} cores`,
  );
  console.log(
    JSON.stringify({
      bench: 'llm-rollout',
      env: 'sokoban',
      groups,
      groupSize,
      medianMs,
      sigma,
      ratio,
      inProcessRatio,
      httpRatios,
      inProcessRatios,
      engineCpuUsPerStep,
      identical,
      loadBefore,
      loadAfter,
      runs,
    }),
  );
  if (!identical) process.exitCode = 1;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

if (process.argv[2] === 'serve') serve(Number(process.argv[3]), Number(process.argv[4]));
else await main();
