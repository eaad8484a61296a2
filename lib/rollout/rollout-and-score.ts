// End to end: rollouts -> GiGPO (or a GRPO-family) advantages -> an assembled training batch.
import { computeAdvantages, type AdvantageResult } from '../advantage/compute.js';
import type { AdvantageOptions } from '../advantage/options.js';
import { BatchAssembler, type AssemblyReport, type BatchAssemblerOptions, type TrainingBatch } from '../advantage/assembler.js';
import type { StepBatch } from '../io/step-batch.js';
import { RolloutEngine, type RolloutMeta } from './engine.js';
import type { PoolCollectOptions, RolloutPool } from './pool.js';

export interface RolloutAndScoreOptions extends PoolCollectOptions {
  /** Estimator options (docs/ADVANTAGES.md); defaults: gigpo, gamma 0.95, mean_norm. */
  advantage?: AdvantageOptions;
  /** Dynamic sampling, balancing and subsampling of the training batch. */
  assembly?: BatchAssemblerOptions;
  /** Run the rollout on this pool (native policies shard over its threads); default: this thread. */
  pool?: RolloutPool;
}

export interface RolloutAndScoreResult {
  /** What the trainer consumes. */
  batch: TrainingBatch;
  /** The rollout as collected, before assembly. */
  rollout: StepBatch;
  advantages: AdvantageResult;
  report: AssemblyReport;
  meta: RolloutMeta;
}

export async function rolloutAndScore(options: RolloutAndScoreOptions): Promise<RolloutAndScoreResult> {
  const { advantage, assembly, pool, ...collect } = options;
  const assembler = new BatchAssembler(assembly); // validates its options before the rollout runs
  const rollout = pool ? await pool.collect(collect) : await new RolloutEngine().collect(collect);
  const advantages = computeAdvantages(rollout, advantage);
  const { batch, report } = assembler.assemble(rollout, advantages);
  return { batch, rollout, advantages, report, meta: rollout.meta as unknown as RolloutMeta };
}
