// `gigpo serve --redis`: the service is the driver of the Redis Streams transport; group
// jobs run on `gigpo worker`s (here in this process, on a real redis-server), and the
// streamed rows equal rolloutAndScore's. Its lifecycle is the distributed driver's: taken
// results leave Redis and the rest expire; a Redis restart that lost the jobs has them sent
// again; Redis away past the bound fails the waiting jobs with 'redis at URL is unreachable'
// (a stream then answers 502 instead of hanging), and the service works again once it is back.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oraclePolicy, randomPolicy, rolloutAndScore } from '../lib/index.js';
import { jobsKey, liveKey, resultsKey } from '../lib/rollout/distributed/protocol.js';
import type { HttpErrorBody } from '../lib/service/rollout/http-error.js';
import { runWorker } from '../lib/rollout/distributed/worker.js';
import { LocalGroupRunner } from '../lib/service/rollout/group-runner.js';
import { RedisGroupRunner } from '../lib/service/rollout/redis-runner.js';
import type { RolloutServer } from '../lib/service/rollout/server.js';
import { redisAvailable, startRedis, type RedisHandle } from './helpers/redis-server.js';
import { call, rowsByGroup, startService, streamBatch, streamRollout } from './helpers/rollout-service.js';

describe.runIf(redisAvailable())('gigpo serve over Redis Streams', () => {
  let redis: RedisHandle;
  let server: RolloutServer;
  const stop = new AbortController();
  let workers: Promise<{ jobs: number }>[];
  beforeAll(async () => {
    redis = await startRedis();
    const prefix = 'serve-test';
    workers = [1, 2].map((k) => runWorker({ redis: redis.url, prefix, name: `w${k}`, blockMs: 100, signal: stop.signal }));
    const runner = await RedisGroupRunner.connect({
      redis: redis.url,
      prefix,
      local: new LocalGroupRunner({ threads: 1 }),
      idleTimeoutMs: 20_000,
    });
    server = await startService({ runner });
  });
  afterAll(async () => {
    await server?.shutdown();
    stop.abort();
    await Promise.all(workers ?? []);
    await redis?.stop();
  });

  it('streams the rows of rolloutAndScore, with the jobs run by the workers', async () => {
    const args = { env: 'sokoban', groups: 12, groupSize: 4, seed: 8, maxSteps: 20 };
    const streamed = await streamRollout(server.url, { ...args, policy: { kind: 'oracle', epsilon: 0.4 }, groupsPerJob: 2 });
    const expected = await rolloutAndScore({ ...args, policy: oraclePolicy({ epsilon: 0.4 }) });
    expect(streamed.chunks.length).toBe(6);
    const rows = streamed.chunks.flatMap((c) => rowsByGroup(c.batch, c.batch.scores!));
    expect(rows.sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step)).toEqual(
      rowsByGroup(expected.batch, expected.batch.scores),
    );
  });

  it('feeds a curated stream from the workers', async () => {
    const id = (
      await call(server.url, 'POST', '/v1/streams', {
        env: 'sokoban',
        groupSize: 4,
        maxSteps: 20,
        tasks: 6,
        bufferGroups: 6,
        policy: { kind: 'oracle', epsilon: 0.5 },
        curation: { kind: 'success-band', low: 0.2, high: 0.8 },
      })
    ).json.id;
    try {
      const batch = await streamBatch(server.url, id, 80);
      expect(batch.numRows).toBeGreaterThanOrEqual(80);
      const tasks = (await call(server.url, 'GET', `/v1/streams/${id}/tasks`)).json;
      expect(tasks.stats.reduce((s: number, t: { groups: number }) => s + t.groups, 0)).toBeGreaterThan(0);
    } finally {
      await call(server.url, 'DELETE', `/v1/streams/${id}`);
    }
  });
});

describe.runIf(redisAvailable())('gigpo serve over Redis Streams: lifecycle', () => {
  let redis: RedisHandle;
  let server: RolloutServer;
  let runner: RedisGroupRunner;
  let client: Redis;
  const stop = new AbortController();
  let workers: Promise<{ jobs: number }>[];
  const status: string[] = [];
  const prefix = 'serve-life';
  beforeAll(async () => {
    redis = await startRedis();
    workers = [1, 2].map((k) =>
      runWorker({ redis: redis.url, prefix, name: `w${k}`, blockMs: 100, signal: stop.signal, onStatus: () => undefined }),
    );
    runner = await RedisGroupRunner.connect({
      redis: redis.url,
      prefix,
      local: new LocalGroupRunner({ threads: 1 }),
      idleTimeoutMs: 60_000,
      redisTimeoutMs: 2000,
      onStatus: (m) => status.push(m),
    });
    server = await startService({ runner });
    client = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    await server?.shutdown();
    stop.abort();
    await Promise.all(workers ?? []);
    client?.disconnect();
    await redis?.stop();
  });

  it('takes results out of Redis as they arrive; the run keys expire', async () => {
    const r = await streamRollout(server.url, {
      env: 'numberline',
      groups: 8,
      groupSize: 4,
      seed: 3,
      policy: { kind: 'random' },
      groupsPerJob: 1,
    });
    expect(r.summary?.groups).toBe(8);
    // Every result was deleted once read (a long-lived service does not grow the stream).
    await until(async () => (await client.xlen(resultsKey(prefix, runner.runId))) === 0);
    const liveTtl = await client.pttl(liveKey(prefix, runner.runId));
    expect(liveTtl).toBeGreaterThan(0);
    expect(liveTtl).toBeLessThanOrEqual(10_000); // workers drop the jobs of a service gone for 10 s
    expect(await client.xlen(jobsKey(prefix))).toBe(0);
  });

  it('sends the jobs again after a Redis restart that lost them; the rows are unchanged', async () => {
    const args = { env: 'sokoban', groups: 8, groupSize: 64, seed: 5, maxSteps: 100 };
    const running = streamRollout(server.url, { ...args, policy: { kind: 'random' }, groupsPerJob: 1, concurrentJobs: 8 });
    await until(async () => runner.pendingJobs > 0 && (await client.xlen(jobsKey(prefix)).catch(() => 0)) > 0, 20);
    await redis.halt();
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart(); // empty: the queued jobs, the results and the live key are gone
    const streamed = await running;
    expect(streamed.summary?.format).toBe('gigpo.summary');
    const expected = await rolloutAndScore({ ...args, policy: randomPolicy() });
    const rows = streamed.chunks.flatMap((c) => rowsByGroup(c.batch, c.batch.scores!));
    expect(rows.sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step)).toEqual(
      rowsByGroup(expected.batch, expected.batch.scores),
    );
    // The rows may all come in on the reading connection before the command connection's
    // next reconnect attempt (it backs off up to 2 s): its message can follow the stream.
    await until(async () => status.includes(`redis at ${redis.url} is reachable again`));
    expect(status.filter((m) => m.includes('is unreachable')).length).toBe(1);
  }, 120_000);

  it('fails a stream with 502 (redis at URL is unreachable) when Redis stays away, and serves again once it is back', async () => {
    const created = await call(server.url, 'POST', '/v1/streams', {
      env: 'numberline',
      groupSize: 4,
      bufferGroups: 4,
      policy: { kind: 'random' },
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect((await streamBatch(server.url, id, 8)).numRows).toBeGreaterThanOrEqual(8);
    await redis.halt();
    const started = performance.now();
    // A batch that cannot be made: the stream's jobs fail after the 2 s bound, three in a row.
    const res = await fetch(`${server.url}/v1/streams/${id}/batch?rows=100000`);
    const waited = performance.now() - started;
    const body = (await res.json()) as { error: { status: number; code: string; message: string } };
    expect(res.status).toBe(502);
    expect(body.error.code).toBe('upstream');
    expect(body.error.message).toContain(`redis at ${redis.url} is unreachable (for 2 s)`);
    expect(waited).toBeGreaterThan(1500);
    expect(waited).toBeLessThan(30_000);
    // A rollout meanwhile: its summary is the typed error.
    const during = await streamRollout(server.url, { env: 'numberline', groups: 2, groupSize: 2, policy: { kind: 'random' } });
    const failed = during.summary as unknown as HttpErrorBody;
    expect(failed.error).toMatchObject({ status: 503, code: 'unavailable' });
    expect(failed.error.message).toContain('is unreachable');
    await redis.restart();
    const after = await streamRollout(server.url, { env: 'numberline', groups: 4, groupSize: 2, policy: { kind: 'random' } });
    expect(after.summary?.groups).toBe(4);
    await call(server.url, 'DELETE', `/v1/streams/${id}`);
  }, 120_000);
});

async function until(check: () => Promise<boolean>, everyMs = 50, timeoutMs = 30_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
