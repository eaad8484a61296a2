// The lifecycle of distributed runs with real redis-server and `gigpo worker` / `gigpo
// rollout` processes: a killed worker's job runs elsewhere within 10 s (defaults), a driver
// stopped by a signal cancels its jobs and a new one continues the run with --resume, an
// abandoned run's jobs stop and its results expire, and Redis outages give one clear
// message: workers reconnect and resume (even after a restart that lost the data), a driver
// fails after its bounded wait.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomPolicy, RolloutEngine } from '../lib/index.js';
import { distributedCollect } from '../lib/rollout/distributed/driver.js';
import { jobsKey, liveKey, resultsKey, WORKER_GROUP } from '../lib/rollout/distributed/protocol.js';
import { cliPath, runCliAsync, tempDir } from './helpers/cli.js';
import { redisAvailable, startRedis, type RedisHandle } from './helpers/redis-server.js';
import { batchColumns } from './helpers/step-batches.js';
import { expectSameRolloutJsonl } from './helpers/rollout-jsonl.js';

const haveRedis = redisAvailable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  child: ChildProcess;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function cli(args: string[]): Proc {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exit };
}

const worker = (url: string, prefix: string, name: string, extra: string[] = []) =>
  cli(['worker', '--redis', url, '--prefix', prefix, '--name', name, ...extra]);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

type PendingEntry = [id: string, consumer: string, idleMs: number, deliveries: number];
const pending = async (client: Redis, prefix: string) =>
  (await client.xpending(jobsKey(prefix), WORKER_GROUP, '-', '+', 100)) as PendingEntry[];

describe.runIf(haveRedis)('distributed run lifecycle', () => {
  let redis: RedisHandle;
  let client: Redis;
  const procs: Proc[] = [];
  const tmp = tempDir('lifecycle');
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined); // the Redis restart test takes it down for a moment
  });
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    client?.disconnect();
    await redis?.stop();
    tmp.cleanup();
  });
  const track = (p: Proc) => {
    procs.push(p);
    return p;
  };

  it("runs a killed worker's job elsewhere within 10 s (default claim idle time)", async () => {
    const prefix = 'kill';
    // Jobs of about a second each, so that a worker is killed while it holds one.
    const job = { env: 'sokoban', groups: 4, groupSize: 2048, maxSteps: 100, seed: 3, policy: randomPolicy() };
    const a = track(worker(redis.url, prefix, 'A'));
    const b = track(worker(redis.url, prefix, 'B'));
    await until(
      'both workers connected',
      async () => /name=A /.test(String(await client.client('LIST'))) && /name=B /.test(String(await client.client('LIST'))),
      30_000,
      100,
    );
    await sleep(300); // and reading
    const running = distributedCollect({ ...job, redis: redis.url, prefix, idleTimeoutMs: 60_000 });
    const held = await until('A holding a job', async () => (await pending(client, prefix)).find((e) => e[1] === 'A'), 30_000, 5);
    a.child.kill('SIGKILL');
    const killed = performance.now();
    // Running elsewhere: B owns the entry (or has already finished it).
    await until(
      'the job to move to B',
      async () => {
        const entry = (await pending(client, prefix)).find((e) => e[0] === held[0]);
        return entry ? entry[1] === 'B' : (await client.xrange(jobsKey(prefix), held[0], held[0])).length === 0;
      },
      30_000,
      20,
    );
    const reclaimMs = performance.now() - killed;
    console.log(`reclaim: a killed worker's job ran elsewhere after ${(reclaimMs / 1000).toFixed(2)} s`);
    expect(reclaimMs).toBeLessThan(10_000);
    const batch = await running;
    expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
    // B ran the job it took over (its result may come second: A may have posted one just before it died).
    await until('B to report the reclaimed job', async () => / of run [0-9a-f-]+ \(reclaimed\): /.test(b.stderr()), 30_000, 50);
    b.child.kill('SIGTERM');
    expect((await b.exit).code).toBe(0);
  }, 120_000);

  const common = (prefix: string) => [
    'rollout',
    '--env',
    'sokoban',
    '--groups',
    '12',
    '--group-size',
    '256',
    '--max-steps',
    '100',
    '--policy',
    'random',
    '--seed',
    '9',
    '--prefix',
    prefix,
  ];

  it('a driver stopped by SIGTERM cancels its jobs; --resume finishes the run from the results in Redis', async () => {
    const prefix = 'resume';
    const w = track(worker(redis.url, prefix, 'W'));
    const out = tmp.path('resumed.jsonl');
    const first = cli([...common(prefix), '--redis', redis.url, '--out', out]);
    const run = (await until('the run id', async () => /distributed run ([0-9a-f-]{36})/.exec(first.stderr())?.[1], 30_000, 20))!;
    await until('two results', async () => (await client.xlen(resultsKey(prefix, run))) >= 2, 60_000, 10);
    first.child.kill('SIGTERM');
    const exit = await first.exit;
    expect(exit.code).toBe(143);
    expect(first.stderr()).toContain(
      `gigpo: interrupted: distributed run ${run} cancelled; its results stay in Redis for 60 minutes: continue with --resume ${run}\n`,
    );
    expect(tmp.files()).toEqual([]); // no output file, no temporary file
    // Cancelled: no live key, no queued job left (only the one the worker was running may finish).
    expect(await client.exists(liveKey(prefix, run))).toBe(0);
    await until('the jobs stream to empty', async () => (await client.xlen(jobsKey(prefix))) === 0, 10_000);
    const kept = await client.xlen(resultsKey(prefix, run));
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(12);
    const ttl = await client.pttl(resultsKey(prefix, run));
    expect(ttl).toBeGreaterThan(0); // it expires: an abandoned resume leaves nothing for ever
    await sleep(1000);
    expect(await client.xlen(resultsKey(prefix, run))).toBeLessThanOrEqual(kept + 1); // the worker stopped taking this run's jobs

    const second = await runCliAsync([...common(prefix), '--redis', redis.url, '--resume', run, '--out', out]);
    expect(second.status, second.stderr).toBe(0);
    const resumed = Number(/run [0-9a-f-]{36}: (\d+) of 12 groups already done/.exec(second.stderr)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(kept);
    const local = await runCliAsync([...common(prefix), '--out', tmp.path('local.jsonl')]);
    expect(local.status).toBe(0);
    expectSameRolloutJsonl(readFileSync(out, 'utf8'), readFileSync(tmp.path('local.jsonl'), 'utf8'));
    // The run is over: nothing of it stays in Redis.
    expect(await client.exists(resultsKey(prefix, run), liveKey(prefix, run))).toBe(0);
    expect(await client.xlen(jobsKey(prefix))).toBe(0);
    w.child.kill('SIGTERM');
    await w.exit;
  }, 180_000);

  it("an abandoned run's jobs stop within seconds and its results expire", async () => {
    const prefix = 'abandoned';
    const w = track(worker(redis.url, prefix, 'W'));
    const driver = cli([
      ...common(prefix),
      '--groups',
      '1500',
      '--chunk-groups',
      '1500',
      '--redis',
      redis.url,
      '--out',
      tmp.path('abandoned.msgpack'),
    ]);
    const run = (await until('the run id', async () => /distributed run ([0-9a-f-]{36})/.exec(driver.stderr())?.[1], 30_000, 20))!;
    await until('a result', async () => (await client.xlen(resultsKey(prefix, run))) >= 1, 60_000, 10);
    driver.child.kill('SIGKILL'); // no chance to clean up
    await driver.exit;
    const killed = performance.now();
    await until("the dead run's jobs to be dropped", async () => (await client.xlen(jobsKey(prefix))) === 0, 30_000, 100);
    const droppedAfterMs = performance.now() - killed;
    expect(droppedAfterMs).toBeLessThan(20_000); // the live key expires 10 s after its last refresh
    expect(await client.xlen(resultsKey(prefix, run))).toBeLessThan(1500); // the rest were dropped, not run
    expect(await client.pttl(resultsKey(prefix, run))).toBeGreaterThan(0);
    w.child.kill('SIGTERM');
    await w.exit;
  }, 120_000);

  it('a worker says once that Redis is unreachable, reconnects and resumes after a restart that lost the data', async () => {
    const prefix = 'restart';
    const w = track(worker(redis.url, prefix, 'W'));
    const job = { env: 'sokoban', groups: 10, groupSize: 256, maxSteps: 100, seed: 5, policy: randomPolicy() };
    const status: string[] = [];
    const running = distributedCollect({ ...job, redis: redis.url, prefix, idleTimeoutMs: 60_000, onStatus: (m) => status.push(m) });
    await until(
      'two results',
      async () =>
        (await client.keys(`${prefix}:results:*`)).length > 0
          ? (await client.xlen((await client.keys(`${prefix}:results:*`))[0])) >= 2
          : false,
      60_000,
      10,
    );
    await redis.halt();
    await sleep(1500);
    await redis.restart();
    const batch = await running.catch((err: Error) => {
      throw new Error(`${err.message}\nthe worker's log:\n${w.stderr()}\nthe driver's status: ${JSON.stringify(status)}`);
    });
    expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
    const log = w.stderr();
    expect(log.match(/is unreachable/g)).toHaveLength(1);
    expect(log).toMatch(new RegExp(`gigpo worker: redis at ${redis.url} is unreachable \\(E[A-Z]+\\); reconnecting\n`));
    expect(log).toContain(`gigpo worker: redis at ${redis.url} is reachable again\n`);
    expect(log).not.toContain('[ioredis]');
    expect(w.child.exitCode).toBeNull(); // still serving
    expect(status.filter((m) => m.includes('unreachable')).length).toBeLessThanOrEqual(1);
    w.child.kill('SIGTERM');
    expect((await w.exit).code).toBe(0);
  }, 120_000);
});

describe.runIf(haveRedis)('a driver without Redis', () => {
  it('fails after --redis-timeout-ms with one line: redis at URL is unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const tmp = tempDir('no-redis');
    try {
      const url = `redis://127.0.0.1:${port}`;
      const started = performance.now();
      const r = await runCliAsync([
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '2',
        '--redis',
        url,
        '--redis-timeout-ms',
        '1500',
        '--out',
        tmp.path('out.jsonl'),
      ]);
      const ms = performance.now() - started;
      expect(r.status).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^gigpo: distributed run [0-9a-f-]{36} /);
      expect(lines.slice(1)).toEqual([`gigpo: redis at ${url} is unreachable (for 1.5 s)`]);
      expect(ms).toBeGreaterThan(1500);
      expect(ms).toBeLessThan(15_000);
      expect(tmp.files()).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
