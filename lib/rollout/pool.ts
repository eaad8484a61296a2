// RolloutPool: a rollout sharded over worker threads (Piscina). Whole groups go to each
// task, each worker owns its own native batch, batches come back by transfer and are
// merged in group order, so the result is bit-identical for any number of threads and
// equal to RolloutEngine.collect with the same inputs. Text policies (functions, HTTP
// clients) live in the calling thread and run there through RolloutEngine, and so do remote
// envs (env 'remote': their work is I/O, and their sessions belong to this thread).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';

import { GigpoArgumentError } from '../errors.js';
import { StepBatchConcatenator } from '../io/concat.js';
import type { StepBatch } from '../io/step-batch.js';
import { packageRoot } from '../native.js';
import { abortError, RolloutEngine, type CollectOptions } from './engine.js';
import { finishRollout, type RolloutMeta } from './rollout-meta.js';
import { REMOTE_ENV } from './remote-rollout.js';
import type { ShardTask } from './pool-worker.js';

export interface RolloutPoolOptions {
  /** Worker threads; default: the number of cores. */
  maxThreads?: number;
  /** V8 heap limits of each worker (Node's worker resourceLimits); a worker over them dies and its task fails. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
}

export interface PoolCollectOptions extends CollectOptions {
  /**
   * Groups per task. Default: about 512 envs per task (at least 4 tasks per thread), which
   * keeps each worker's envs in its own cache and balances the load.
   */
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
    this.piscina = new Piscina({
      filename: poolWorkerPath,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: options.resourceLimits,
    });
  }

  async collect(options: PoolCollectOptions): Promise<StepBatch> {
    if (options?.policy?.kind === 'text' || options?.env === REMOTE_ENV) return this.engine.collect(options);
    if (!Number.isInteger(options?.groups) || options.groups < 1)
      throw new GigpoArgumentError('groups', `expected an integer >= 1, got ${String(options?.groups)}`);
    const per =
      options.groupsPerTask ?? Math.max(1, Math.min(Math.ceil(options.groups / (this.maxThreads * 4)), Math.ceil(512 / options.groupSize)));
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
    // Shards are appended in group order as soon as their predecessors are in, so the merge
    // overlaps the workers' compute instead of following it.
    const merger = new StepBatchConcatenator();
    const arrived: (StepBatch | undefined)[] = [];
    let next = 0;
    const latencies: number[] = [];
    let first: RolloutMeta | undefined;
    const appendReady = () => {
      while (arrived[next]) {
        const shard = arrived[next]!;
        arrived[next++] = undefined;
        const meta = shard.meta as unknown as RolloutMeta;
        first ??= meta;
        for (const l of meta.policyLatenciesMs) latencies.push(l);
        merger.append(shard);
      }
    };
    try {
      const tasks: Promise<void>[] = [];
      for (let g = 0, k = 0; g < options.groups; g += per, k++) {
        const groups = Math.min(per, options.groups - g);
        const task: ShardTask = { options: { ...plain, groups, firstGroup: firstGroup + g }, cancel };
        tasks.push(
          (this.piscina.run(task) as Promise<StepBatch>).then((b) => {
            rows += b.numRows;
            doneGroups += groups;
            arrived[k] = b;
            appendReady();
            onProgress?.({
              step: -1,
              activeEnvs: (options.groups - doneGroups) * options.groupSize,
              rows,
              elapsedMs: performance.now() - started,
            });
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
      const merged = merger.finish();
      const seconds = (performance.now() - started) / 1000;
      finishRollout(merged, first!, seconds, latencies);
      return merged;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
