// Public API of gigpo-engine: exactly what README.md's "API" section lists (a test checks
// that the two agree, and test/public-api.test.ts types the .d.ts users get). Everything
// else under lib/ is internal.

// Environments
export { createEnvBatch, EnvBatch, INVALID_ACTION, HOLD_ACTION, ACTION_FLAG_INVALID, actionOf } from './envs/env-batch.js';
export type { EnvBatchConfig, EnvOptions } from './envs/env-batch.js';
export { listEnvs, envInfo, successRewardOf } from './envs/registry.js';
export type { EnvInfo } from './envs/registry.js';
export { hashStrings } from './envs/hash.js';
export { buildMessages, promptSpec } from './envs/prompts.js';
export { compilePromptTemplate, formatNamed } from './envs/prompt-template.js';
export type { PromptContext, PromptTemplate, PromptTemplateSpec, PromptTemplateFunction } from './envs/prompt-template.js';
export type { ChatMessage } from './envs/chat-message.js';
export { solveSokoban, readBoxobanLevels, SOKOBAN_ACTIONS } from './envs/sokoban.js';
export type { SokobanSolution, SokobanSolveOptions } from './envs/sokoban.js';

// Errors
export { GigpoArgumentError, GigpoDependencyError, GigpoInputError, GigpoRangeError } from './errors.js';

// Policies
export { randomPolicy, oraclePolicy } from './policy/native.js';
export { functionPolicy } from './policy/function.js';
export type { PolicyFunction } from './policy/function.js';
export type { Policy, PolicyRequest, PolicyResponse, TextPolicy, NativePolicy, TokenPolicy, TokenRequest } from './policy/types.js';
export { openAIPolicy } from './policy/openai.js';
export type { OpenAIPolicyOptions } from './policy/openai.js';
export { llamaPolicy } from './policy/llama.js';
export type { LlamaPolicy, LlamaPolicyOptions, LlamaTokenRequest } from './policy/llama.js';
export { PolicyRequestError } from './policy/request-error.js';
export type { PolicyFailureKind, PolicyRequestId } from './policy/request-error.js';

// Rollouts
export { RolloutEngine } from './rollout/engine.js';
export type {
  CollectOptions,
  CollectTextOptions,
  TextRolloutOptions,
  RolloutProgress,
  Schedule,
  PromptMode,
  OnPolicyError,
  StopReason,
} from './rollout/engine.js';
export { CHATML } from './rollout/conversation.js';
export type { ChatFormat } from './rollout/conversation.js';
export { nativeTextEnvs } from './envs/native-text-envs.js';
export { INVALID_ACTION_TEXT } from './envs/text-envs.js';
export type { TextEnvs, StepOutcome } from './envs/text-envs.js';
export type { RolloutMeta } from './rollout/rollout-meta.js';
export type { RolloutMetrics } from './rollout/metrics.js';
export { RolloutPool } from './rollout/pool.js';
export type { RolloutPoolOptions, PoolCollectOptions } from './rollout/pool.js';
export { distributedCollect } from './rollout/distributed/driver.js';
export type { DistributedCollectOptions } from './rollout/distributed/driver.js';
export { rolloutAndScore } from './rollout/rollout-and-score.js';
export type { RolloutAndScoreOptions, RolloutAndScoreResult } from './rollout/rollout-and-score.js';

// Env servers, both ways: remote envs (env 'remote') and serving native envs (gigpo serve-env)
export { RemoteEnvError } from './envs/remote/errors.js';
export type { RemoteEnvFailure } from './envs/remote/errors.js';
export type { RemoteEnvOptions, RemoteProtocol, RemoteActionFormat } from './envs/remote/options.js';
export type { RemoteRunInfo } from './rollout/remote-rollout.js';
export { startEnvServer } from './service/env-server/server.js';
export type { EnvServer, EnvServerOptions } from './service/env-server/server.js';

// Advantages and training batches
export {
  computeAdvantages,
  similarityRatio,
  resolveAdvantageOptions,
  DEFAULT_ADVANTAGE_OPTIONS,
  ESTIMATORS,
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
  BatchAssemblerOptions,
  TrainingBatch,
  AssemblyReport,
  AssembleExtras,
} from './advantage/index.js';
export { trajectoriesToBatch } from './io/trajectories-to-batch.js';
export type { Trajectory, TrajectoryStep } from './io/trajectories-to-batch.js';

// The batch and its files
export type { StepBatch, StepScores, ScoredStepBatch, Ragged, RaggedText } from './io/step-batch.js';
export { validateStepBatch, packText, raggedText, rowObservation, trajectoryStarts } from './io/step-batch.js';
export { concatStepBatches } from './io/concat.js';
export { encodeChunk, decodeChunk, CHUNK_FORMAT, CHUNK_VERSION } from './io/msgpack-chunk.js';
export type { EncodeOptions } from './io/msgpack-chunk.js';
export { readMsgpackChunks } from './io/msgpack-reader.js';
export type { ReadMsgpackOptions } from './io/msgpack-reader.js';
export { MsgpackWriter, writeMsgpackFile } from './io/msgpack-writer.js';
export { readTrajectoryRecords, readRowRecords, rowsToTrajectories } from './io/jsonl-reader.js';
export type { JsonlReadOptions, JsonlReadStats } from './io/jsonl-reader.js';
export type { TrajectoryRecord, RowRecord, StepRecord, StepRecordScores, RecordId } from './io/jsonl-records.js';
export { JsonlWriter, writeJsonlFile } from './io/jsonl-writer.js';
export type { JsonlForm } from './io/jsonl-writer.js';
export { formatOfPath } from './io/data-format.js';
export type { DataFormat } from './io/data-format.js';
export type { ByteSink } from './io/byte-sink.js';

// Scoring and inspecting files
export { scoreFile, ScorePool } from './score/index.js';
export type { ScoreFileOptions, ScoreProgress, ScoreSummary, Scorer } from './score/index.js';
export { inspectFile } from './inspect/inspect-file.js';
export type { InspectOptions, InspectReport, Distribution } from './inspect/inspect-file.js';
