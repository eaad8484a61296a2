// Public API of gigpo-engine.
export { createEnvBatch, EnvBatch, INVALID_ACTION, HOLD_ACTION } from './envs/env-batch.js';
export type { EnvBatchConfig, EnvOptions } from './envs/env-batch.js';
export { listEnvs, envInfo } from './envs/registry.js';
export type { EnvInfo } from './envs/registry.js';
export { hashStrings } from './envs/hash.js';
export { GigpoArgumentError, GigpoInputError } from './errors.js';
export { functionPolicy } from './policy/function.js';
export type { PolicyFunction } from './policy/function.js';
export { randomPolicy, oraclePolicy } from './policy/native.js';
export { openAIPolicy } from './policy/openai.js';
export type { OpenAIPolicyOptions } from './policy/openai.js';
export { PolicyRequestError } from './policy/request-error.js';
export type { PolicyFailureKind, PolicyRequestId } from './policy/request-error.js';
export type { ChatMessage, NativePolicy, Policy, PolicyRequest, PolicyResponse, TextPolicy } from './policy/types.js';
