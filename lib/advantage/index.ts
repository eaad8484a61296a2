// GiGPO and the GRPO family: options, the native scoring call and the assembly of
// training batches.
export { computeAdvantages, similarityRatio } from './compute.js';
export type { AdvantageColumns, AdvantageResult, AdvantageStats } from './compute.js';
export { resolveAdvantageOptions, DEFAULT_ADVANTAGE_OPTIONS, ESTIMATORS } from './options.js';
export type {
  AdvantageOptions,
  ResolvedAdvantageOptions,
  Estimator,
  NormMode,
  EpisodeStatsMode,
  AnchorMode,
} from './options.js';
export { BatchAssembler } from './assembler.js';
export type { BatchAssemblerOptions, TrainingBatch, AssemblyReport, AssembleExtras } from './assembler.js';
