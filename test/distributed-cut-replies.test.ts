// A connection to Redis that drops in the middle of a pipeline's or a transaction's replies
// (ioredis then aborts the commands whose replies were lost instead of sending them again):
// the worker and the driver run those commands again once Redis is back, and neither stops.
// The exact moment comes from a proxy (test/helpers/cutting-proxy.ts) in front of a real
// redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomPolicy, RolloutEngine } from '../lib/index.js';
import { distributedCollect } from '../lib/rollout/distributed/driver.js';
import { runWorker } from '../lib/rollout/distributed/worker.js';
import { replyBytes, startCuttingProxy, type CuttingProxy } from './helpers/cutting-proxy.js';
import { redisAvailable, startRedis, type RedisHandle } from './helpers/redis-server.js';
import { batchColumns } from './helpers/step-batches.js';

const has = (chunk: Buffer, ...parts: string[]) => parts.every((p) => chunk.includes(p));

describe('replyBytes (the proxy counts whole RESP replies)', () => {
  it('finds the end of the first n replies', () => {
    const data = Buffer.from('+OK\r\n+QUEUED\r\n$3\r\nabc\r\n*2\r\n:1\r\n$-1\r\n-ERR x\r\n');
    expect([0, 1, 2, 3, 4, 5].map((n) => replyBytes(data, n))).toEqual([0, 5, 14, 23, 36, 44]);
    expect(replyBytes(Buffer.from('$10\r\nabc'), 1)).toBe(8); // a reply cut short: all there is
  });
});

describe.runIf(redisAvailable())('a connection dropped in the middle of replies', () => {
  let redis: RedisHandle;
  let proxy: CuttingProxy;
  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startCuttingProxy(redis.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await redis?.stop();
  });
  const job = { env: 'sokoban', groups: 6, groupSize: 64, maxSteps: 60, seed: 4, policy: randomPolicy() };

  it("a worker that lost the replies of its result's transaction writes it again and keeps serving", async () => {
    const prefix = 'cut-worker';
    const stop = new AbortController();
    const status: string[] = [];
    // The first result's MULTI is answered, its XADD and EXEC are not.
    const cut = proxy.cutNext({ match: (c) => has(c, '\r\nmulti\r\n', '\r\nxadd\r\n', `${prefix}:results:`), keepReplies: 1 });
    let settled = false;
    const worker = runWorker({
      redis: proxy.url,
      prefix,
      name: 'cw',
      blockMs: 100,
      claimIdleMs: 60_000, // no heartbeat reply in between
      signal: stop.signal,
      onStatus: (m) => status.push(m),
    }).finally(() => (settled = true));
    const batch = await distributedCollect({ ...job, redis: redis.url, prefix, idleTimeoutMs: 30_000 });
    await cut;
    expect(proxy.cuts).toBe(1);
    expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
    expect(settled).toBe(false); // still serving
    stop.abort();
    expect((await worker).jobs).toBeGreaterThan(0); // a worker stopped by its signal resolves
    expect(status).toEqual([]); // a connection that comes straight back is no outage to report
  }, 60_000);

  it('a driver that lost the replies of its job submissions submits them again and finishes', async () => {
    const prefix = 'cut-driver';
    const stop = new AbortController();
    const worker = runWorker({ redis: redis.url, prefix, name: 'dw', blockMs: 100, signal: stop.signal, onStatus: () => undefined });
    const status: string[] = [];
    // The first job's XADD is answered, the other five are not.
    const cut = proxy.cutNext({ match: (c) => has(c, '\r\nxadd\r\n', `${prefix}:jobs`), keepReplies: 1 });
    const batch = await distributedCollect({ ...job, redis: proxy.url, prefix, idleTimeoutMs: 30_000, onStatus: (m) => status.push(m) });
    await cut;
    expect(batchColumns(batch)).toEqual(batchColumns(await new RolloutEngine().collect(job)));
    expect(status).toEqual([]);
    stop.abort();
    await worker;
  }, 60_000);
});
