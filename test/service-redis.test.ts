// `gigpo serve --redis`: the service is the driver of the Redis Streams transport; group
// jobs run on `gigpo worker`s (here in this process, on a real redis-server), and the
// streamed rows equal rolloutAndScore's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oraclePolicy, rolloutAndScore } from '../lib/index.js';
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
    const runner = await RedisGroupRunner.connect({ redis: redis.url, prefix, local: new LocalGroupRunner({ threads: 1 }), idleTimeoutMs: 20_000 });
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
    expect(rows.sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step)).toEqual(rowsByGroup(expected.batch, expected.batch.scores));
  });

  it('feeds a curated stream from the workers', async () => {
    const id = (await call(server.url, 'POST', '/v1/streams', {
      env: 'sokoban', groupSize: 4, maxSteps: 20, tasks: 6, bufferGroups: 6, policy: { kind: 'oracle', epsilon: 0.5 },
      curation: { kind: 'success-band', low: 0.2, high: 0.8 },
    })).json.id;
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
