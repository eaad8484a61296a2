// Full-rollout throughput through RolloutPool: steps/s for each thread count, measured in
// one run (workers warmed first), plus the batch's memory per step.
import { stepBatchBuffers } from '../../io/concat.js';
import type { EnvOptions } from '../../envs/env-batch.js';
import type { StepBatch } from '../../io/step-batch.js';
import type { NativePolicy } from '../../policy/types.js';
import { RolloutPool } from '../../rollout/pool.js';

export interface RolloutBenchRow {
  threads: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export interface RolloutBenchResult {
  env: string;
  groups: number;
  groupSize: number;
  policy: string;
  rows: RolloutBenchRow[];
  /** steps/s of the last thread count over the first. */
  ratio: number;
  /** Bytes per step of the batch's columns, excluding the distinct-observation table. */
  bytesPerStep: number;
  observationTableBytes: number;
  distinctObservations: number;
}

export async function benchRollouts(opts: {
  env: string;
  groups: number;
  groupSize: number;
  policy: NativePolicy;
  threads: number[];
  seed?: number;
  envOptions?: EnvOptions;
  maxSteps?: number;
  /** Timed runs per thread count after one warm-up run; the median is reported. Default 3. */
  runs?: number;
}): Promise<RolloutBenchResult> {
  const job = {
    env: opts.env,
    groups: opts.groups,
    groupSize: opts.groupSize,
    seed: opts.seed ?? 1,
    policy: opts.policy,
    envOptions: opts.envOptions,
    maxSteps: opts.maxSteps,
  };
  const rows: RolloutBenchRow[] = [];
  let last: StepBatch | undefined;
  for (const threads of opts.threads) {
    const pool = new RolloutPool({ maxThreads: threads });
    try {
      await pool.collect(job); // warm-up: worker start, JIT, first-touch memory
      const times: number[] = [];
      for (let r = 0; r < (opts.runs ?? 3); r++) {
        const t0 = performance.now();
        last = await pool.collect(job);
        times.push((performance.now() - t0) / 1000);
      }
      const seconds = times.sort((a, b) => a - b)[times.length >> 1];
      rows.push({ threads, steps: last!.numRows, seconds, stepsPerSecond: last!.numRows / seconds });
    } finally {
      await pool.destroy();
    }
  }
  const batch = last!;
  const total = stepBatchBuffers(batch).reduce((s, b) => s + b.byteLength, 0);
  const table = batch.observations.data.byteLength + batch.observations.offsets.byteLength;
  return {
    env: opts.env,
    groups: opts.groups,
    groupSize: opts.groupSize,
    policy: opts.policy.name === 'oracle' ? `oracle(epsilon=${opts.policy.epsilon})` : opts.policy.name,
    rows,
    ratio: rows[rows.length - 1].stepsPerSecond / rows[0].stepsPerSecond,
    bytesPerStep: (total - table) / batch.numRows,
    observationTableBytes: table,
    distinctObservations: batch.observations.offsets.length - 1,
  };
}
