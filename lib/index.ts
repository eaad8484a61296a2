// Public API of gigpo-engine.
export { createEnvBatch, EnvBatch, INVALID_ACTION, HOLD_ACTION } from './envs/env-batch.js';
export type { EnvBatchConfig, EnvOptions } from './envs/env-batch.js';
export { listEnvs, envInfo } from './envs/registry.js';
export type { EnvInfo } from './envs/registry.js';
export { hashStrings } from './envs/hash.js';
export { GigpoArgumentError, GigpoInputError } from './errors.js';
export {
  computeAdvantages,
  similarityRatio,
  resolveAdvantageOptions,
  DEFAULT_ADVANTAGE_OPTIONS,
  ESTIMATORS,
  trajectoriesToBatch,
  BatchAssembler,
} from './advantage/index.js';
export type {
  AdvantageColumns,
  AdvantageResult,
  AdvantageStats,
  AdvantageOptions,
  ResolvedAdvantageOptions,
  Estimator,
  NormMode,
  EpisodeStatsMode,
  AnchorMode,
  Trajectory,
  TrajectoryStep,
  BatchAssemblerOptions,
  TrainingBatch,
  AssemblyReport,
  AssembleExtras,
} from './advantage/index.js';
export { validateStepBatch, packText, raggedText, trajectoryStarts } from './io/step-batch.js';
export type { StepBatch, Ragged, RaggedText } from './io/step-batch.js';
export { selectRows } from './io/select-rows.js';
