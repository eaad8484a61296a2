// RolloutPool: a rollout sharded over worker threads (Piscina). Whole groups go to each
// task, each worker owns its own native batch, batches come back by transfer and are
// merged in group order, so the result is bit-identical for any number of threads and
// equal to RolloutEngine.collect with the same inputs. Text policies (functions, HTTP
// clients) live in the calling thread and run there through RolloutEngine.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';

import { GigpoArgumentError } from '../errors.js';
import { concatStepBatches } from '../io/concat.js';
import type { StepBatch } from '../io/step-batch.js';
import { packageRoot } from '../native.js';
import { abortError, RolloutEngine, type CollectOptions, type RolloutMeta } from './engine.js';
import { rolloutMetrics } from './metrics.js';
import { promptSpec } from '../envs/prompts.js';
import type { ShardTask } from './pool-worker.js';

export interface RolloutPoolOptions {
  /** Worker threads; default: the number of cores. */
  maxThreads?: number;
}

export interface PoolCollectOptions extends CollectOptions {
  /** Groups per task; default: enough for about 4 tasks per thread. */
  groupsPerTask?: number;
}

export const poolWorkerPath = join(packageRoot, 'dist', 'lib', 'rollout', 'pool-worker.js');

export class RolloutPool {
  readonly maxThreads: number;
  private readonly piscina: Piscina;
  private readonly engine = new RolloutEngine();

  constructor(options: RolloutPoolOptions = {}) {
    const threads = options.maxThreads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1)
      throw new GigpoArgumentError('maxThreads', `expected an integer >= 1, got ${String(options.maxThreads)}`);
    this.maxThreads = threads;
    this.piscina = new Piscina({ filename: poolWorkerPath, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  }

  async collect(options: PoolCollectOptions): Promise<StepBatch> {
    if (options?.policy?.kind === 'text') return this.engine.collect(options);
    if (!Number.isInteger(options?.groups) || options.groups < 1)
      throw new GigpoArgumentError('groups', `expected an integer >= 1, got ${String(options?.groups)}`);
    const per = options.groupsPerTask ?? Math.max(1, Math.ceil(options.groups / (this.maxThreads * 4)));
    if (!Number.isInteger(per) || per < 1) throw new GigpoArgumentError('groupsPerTask', `expected an integer >= 1, got ${String(per)}`);
    const { signal, onProgress, groupsPerTask: _, ...plain } = options;
    if (signal?.aborted) throw abortError(signal.reason);
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const onAbort = () => Atomics.store(flag, 0, 1);
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    const firstGroup = options.firstGroup ?? 0;
    let rows = 0;
    let doneGroups = 0;
    try {
      const tasks: Promise<StepBatch>[] = [];
      for (let g = 0; g < options.groups; g += per) {
        const groups = Math.min(per, options.groups - g);
        const task: ShardTask = { options: { ...plain, groups, firstGroup: firstGroup + g }, cancel };
        tasks.push(
          (this.piscina.run(task) as Promise<StepBatch>).then((b) => {
            rows += b.numRows;
            doneGroups += groups;
            onProgress?.({ step: -1, activeEnvs: (options.groups - doneGroups) * options.groupSize, rows, elapsedMs: performance.now() - started });
            return b;
          }),
        );
      }
      const settled = await Promise.allSettled(tasks);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) {
        Atomics.store(flag, 0, 1);
        if (signal?.aborted) throw abortError(signal.reason);
        throw failed.reason;
      }
      const shards = settled.map((s) => (s as PromiseFulfilledResult<StepBatch>).value);
      const seconds = (performance.now() - started) / 1000;
      const first = shards[0].meta as unknown as RolloutMeta;
      const merged = concatStepBatches(shards);
      const latencies = shards.flatMap((s) => (s.meta as unknown as RolloutMeta).policyLatenciesMs);
      const meta: RolloutMeta = {
        ...first,
        metrics: rolloutMetrics(merged, promptSpec(first.env).successReward, seconds, latencies),
        policyLatenciesMs: latencies,
      };
      merged.meta = { ...meta };
      return merged;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
