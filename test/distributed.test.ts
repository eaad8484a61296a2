// Distributed rollouts over Redis Streams: workers pull one job per group, the driver
// merges results in group order, so the batch equals a local RolloutEngine run, even when
// a worker dies holding a job or a job is delivered twice.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeChunk, oraclePolicy, RolloutEngine } from '../lib/index.js';
import { cliPath } from './helpers/cli.js';
import { batchColumns } from './helpers/step-batches.js';
import { distributedCollect } from '../lib/rollout/distributed/driver.js';
import { entryFields, jobsKey, resultsKey, WORKER_GROUP } from '../lib/rollout/distributed/protocol.js';
import { runWorker } from '../lib/rollout/distributed/worker.js';
import { redisAvailable, startRedis, type RedisHandle } from './helpers/redis-server.js';
import { expectSameRolloutJsonl } from './helpers/rollout-jsonl.js';

const haveRedis = redisAvailable();

describe.runIf(haveRedis)('distributed rollouts (Redis Streams)', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const job = { env: 'sokoban', groups: 6, groupSize: 4, seed: 31, policy: oraclePolicy({ epsilon: 0.3 }) };

  it('equals a local rollout with two workers', async () => {
    const prefix = 'two-workers';
    const controller = new AbortController();
    const workers = [1, 2].map((k) => runWorker({ redis: redis.url, prefix, name: `w${k}`, blockMs: 100, signal: controller.signal }));
    try {
      const batch = await distributedCollect({ ...job, redis: redis.url, prefix, idleTimeoutMs: 20_000 });
      expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
    } finally {
      controller.abort();
      const done = await Promise.all(workers);
      expect(done[0].jobs + done[1].jobs).toBe(job.groups);
    }
  });

  it("reclaims a dead worker's job and ignores duplicate results", async () => {
    const prefix = 'reclaim';
    const client = new Redis(redis.url);
    try {
      // A worker that takes one job and dies before acknowledging it.
      await client.xgroup('CREATE', jobsKey(prefix), WORKER_GROUP, '0', 'MKSTREAM');
      const running = distributedCollect({ ...job, redis: redis.url, prefix, idleTimeoutMs: 20_000 });
      let stolen: [string, [string, string[]][]][] | null = null;
      for (let i = 0; i < 50 && !stolen; i++) {
        stolen = (await client.xreadgroup('GROUP', WORKER_GROUP, 'dead', 'COUNT', 1, 'BLOCK', 100, 'STREAMS', jobsKey(prefix), '>')) as
          | [string, [string, string[]][]][]
          | null;
      }
      expect(stolen).not.toBeNull();
      // The "dead" worker was only slow: it posts its result late, twice (at-least-once delivery).
      const fields = entryFields(stolen![0][1][0][1]);
      const spec = JSON.parse(fields.get('spec')!) as { group: number };
      const run = fields.get('run')!;
      const late = await new RolloutEngine().collect({ ...job, groups: 1, firstGroup: spec.group });
      for (let k = 0; k < 2; k++)
        await client.xadd(resultsKey(prefix, run), '*', 'job', fields.get('job')!, 'chunk', Buffer.from(encodeChunk(late)));
      // A live worker reclaims the job after 200 ms idle and posts a third copy; the driver keeps one.
      const controller = new AbortController();
      const worker = runWorker({ redis: redis.url, prefix, name: 'live', claimIdleMs: 200, blockMs: 100, signal: controller.signal });
      const batch = await running;
      expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
      // The stolen job is reclaimed and acknowledged (run, or dropped when its run has ended).
      for (let i = 0; i < 100 && ((await client.xpending(jobsKey(prefix), WORKER_GROUP)) as [number])[0] > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await client.xpending(jobsKey(prefix), WORKER_GROUP)).toEqual([0, null, null, null]);
      controller.abort();
      expect([job.groups - 1, job.groups]).toContain((await worker).jobs);
    } finally {
      client.disconnect();
    }
  });

  it('reports a job that fails on the worker, naming the group', async () => {
    const prefix = 'failing';
    const controller = new AbortController();
    const worker = runWorker({ redis: redis.url, prefix, name: 'w', blockMs: 100, signal: controller.signal });
    try {
      await expect(
        distributedCollect({ ...job, env: 'no-such-env', groups: 2, redis: redis.url, prefix, idleTimeoutMs: 20_000 }),
      ).rejects.toThrow(/group 0 failed on a worker: env: unknown environment 'no-such-env'/);
    } finally {
      controller.abort();
      await worker;
    }
  });

  it('rejects text policies and bad group counts up front', async () => {
    const { functionPolicy } = await import('../lib/index.js');
    await expect(distributedCollect({ ...job, policy: functionPolicy(() => 'x'), redis: redis.url })).rejects.toThrow(/native policies/);
    await expect(distributedCollect({ ...job, groups: 0, redis: redis.url })).rejects.toThrow(/groups: expected an integer >= 1/);
  });
});

describe.runIf(haveRedis)('gigpo rollout --redis with gigpo worker', () => {
  it('writes the same file as a local rollout', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const cli = cliPath;
    const dir = mkdtempSync(join(tmpdir(), 'gigpo-dist-'));
    const server = await startRedis();
    const worker = spawn(process.execPath, [cli, 'worker', '--redis', server.url, '--prefix', 'cli', '--max-jobs', '5'], { stdio: 'pipe' });
    try {
      const common = [
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '5',
        '--group-size',
        '3',
        '--policy',
        'oracle',
        '--epsilon',
        '0.5',
        '--seed',
        '4',
      ];
      const local = spawnSync(process.execPath, [cli, ...common, '--out', join(dir, 'local.jsonl')], { encoding: 'utf8' });
      expect(local.status).toBe(0);
      const remote = spawnSync(
        process.execPath,
        [cli, ...common, '--redis', server.url, '--prefix', 'cli', '--out', join(dir, 'remote.jsonl')],
        { encoding: 'utf8' },
      );
      expect(remote.stderr).toMatch(/^gigpo: distributed run ([0-9a-f-]{36}) \(continue it with --resume \1 if this driver stops\)\n$/);
      expect(remote.status).toBe(0);
      expectSameRolloutJsonl(readFileSync(join(dir, 'remote.jsonl'), 'utf8'), readFileSync(join(dir, 'local.jsonl'), 'utf8'));
      const exit = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
      expect(exit).toBe(0);
    } finally {
      worker.kill();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
