// The driver side of a distributed rollout: one job per task group goes to Redis, workers
// anywhere run them, and the results are merged in group order. Delivery is at least once;
// the first result per job wins, so the batch equals a local RolloutEngine.collect.
import { GigpoArgumentError } from '../../errors.js';
import { concatStepBatches } from '../../io/concat.js';
import type { StepBatch } from '../../io/step-batch.js';
import { abortError, type CollectOptions } from '../engine.js';
import { finishRollout, policyLabel, profileOf } from '../rollout-meta.js';
import { DistributedJobClient } from './job-client.js';
import type { JobSpec } from './protocol.js';

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
  if (options.signal?.aborted) throw abortError(options.signal.reason);
  const firstGroup = options.firstGroup ?? 0;
  const client = await DistributedJobClient.connect({ redis: options.redis, prefix: options.prefix, idleTimeoutMs: options.idleTimeoutMs });
  const started = performance.now();
  const jobs = new AbortController();
  const onAbort = () => jobs.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let received = 0;
    const shards = await Promise.all(
      Array.from({ length: options.groups }, async (_, g) => {
        const spec: JobSpec = {
          env: options.env,
          envOptions: options.envOptions,
          groupSize: options.groupSize,
          group: firstGroup + g,
          maxSteps: options.maxSteps,
          seed: options.seed ?? 0,
          actionSeed: options.actionSeed,
          policy,
          ...(options.anchor !== undefined ? { anchor: options.anchor } : {}),
        };
        const shard = await client.submit(spec, jobs.signal);
        received++;
        options.onProgress?.({ step: -1, activeEnvs: (options.groups - received) * options.groupSize, rows: 0, elapsedMs: performance.now() - started });
        return shard;
      }),
    ).catch((err) => {
      jobs.abort(err);
      throw options.signal?.aborted ? abortError(options.signal.reason) : err;
    });
    const merged = concatStepBatches(shards);
    const seconds = (performance.now() - started) / 1000;
    finishRollout(merged, { env: options.env, ...profileOf(options.envOptions), seed: options.seed ?? 0, groupSize: options.groupSize, policy: policyLabel(policy) }, seconds, []);
    return merged;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await client.close();
  }
}
