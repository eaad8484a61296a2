// The driver side of a distributed rollout: one job per task group goes to Redis, workers
// anywhere run them, and the results are merged in group order. Delivery is at least once;
// the first result per job wins, so the batch equals a local RolloutEngine.collect.
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

import { GigpoArgumentError } from '../../errors.js';
import { concatStepBatches } from '../../io/concat.js';
import { decodeChunk } from '../../io/msgpack-chunk.js';
import type { StepBatch } from '../../io/step-batch.js';
import { abortError, type CollectOptions } from '../engine.js';
import { finishRollout, policyLabel, profileOf } from '../rollout-meta.js';
import { entryFields, jobsKey, liveKey, resultsKey, type JobSpec } from './protocol.js';

export interface DistributedCollectOptions extends Omit<CollectOptions, 'cancelFlag' | 'historyLength'> {
  redis: string;
  prefix?: string;
  /** Give up when no result arrived for this long. Default 10 minutes. */
  idleTimeoutMs?: number;
}

export async function distributedCollect(options: DistributedCollectOptions): Promise<StepBatch> {
  const policy = options.policy;
  if (!policy || policy.kind !== 'native')
    throw new GigpoArgumentError('policy', 'distributed rollouts take native policies (randomPolicy(), oraclePolicy())');
  if (!Number.isInteger(options.groups) || options.groups < 1)
    throw new GigpoArgumentError('groups', `expected an integer >= 1, got ${String(options.groups)}`);
  const prefix = options.prefix ?? 'gigpo';
  const run = randomUUID();
  const results = resultsKey(prefix, run);
  const idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
  const firstGroup = options.firstGroup ?? 0;
  const redis = new Redis(options.redis, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const started = performance.now();
  const live = liveKey(prefix, run);
  const LIVE_MS = 30_000;
  try {
    await redis.set(live, '1', 'PX', LIVE_MS);
    let liveRefreshed = performance.now();
    const pipeline = redis.pipeline();
    for (let g = 0; g < options.groups; g++) {
      const spec: JobSpec = {
        env: options.env,
        envOptions: options.envOptions,
        groupSize: options.groupSize,
        group: firstGroup + g,
        maxSteps: options.maxSteps,
        seed: options.seed ?? 0,
        policy,
        ...(options.anchor !== undefined ? { anchor: options.anchor } : {}),
      };
      pipeline.xadd(jobsKey(prefix), '*', 'run', run, 'job', String(g), 'spec', JSON.stringify(spec));
    }
    await pipeline.exec();
    const shards = new Array<StepBatch | undefined>(options.groups);
    let received = 0;
    let lastId = '0-0';
    let lastProgress = performance.now();
    while (received < options.groups) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      if (performance.now() - liveRefreshed > LIVE_MS / 3) {
        await redis.pexpire(live, LIVE_MS);
        liveRefreshed = performance.now();
      }
      const read = (await redis.xreadBuffer('COUNT', 256, 'BLOCK', 500, 'STREAMS', results, lastId)) as [Buffer, [Buffer, Buffer[]][]][] | null;
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0 && performance.now() - lastProgress > idleTimeoutMs)
        throw new Error(`distributed rollout ${run}: no result for ${idleTimeoutMs} ms (${received}/${options.groups} groups done); are workers running?`);
      for (const [id, flat] of entries) {
        lastId = id.toString();
        const fields = entryFields(flat);
        const job = Number(fields.get('job')?.toString());
        if (!(job >= 0 && job < options.groups) || shards[job]) continue; // duplicate delivery
        const error = fields.get('error');
        if (error) throw new Error(`distributed rollout ${run}: group ${firstGroup + job} failed on a worker: ${error.toString()}`);
        const chunk = fields.get('chunk');
        if (!chunk) continue;
        shards[job] = decodeChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), `result of group ${firstGroup + job}`);
        received++;
        lastProgress = performance.now();
        options.onProgress?.({ step: -1, activeEnvs: (options.groups - received) * options.groupSize, rows: 0, elapsedMs: lastProgress - started });
      }
    }
    const merged = concatStepBatches(shards as StepBatch[]);
    const seconds = (performance.now() - started) / 1000;
    finishRollout(merged, { env: options.env, ...profileOf(options.envOptions), seed: options.seed ?? 0, groupSize: options.groupSize, policy: policyLabel(policy) }, seconds, []);
    return merged;
  } finally {
    await redis.del(results, live).catch(() => undefined);
    redis.disconnect();
  }
}
