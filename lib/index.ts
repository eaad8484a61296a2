// Public API of gigpo-engine.
export { createEnvBatch, EnvBatch, INVALID_ACTION, HOLD_ACTION } from './envs/env-batch.js';
export type { EnvBatchConfig, EnvOptions } from './envs/env-batch.js';
export { listEnvs, envInfo } from './envs/registry.js';
export type { EnvInfo } from './envs/registry.js';
export { hashStrings } from './envs/hash.js';
export { GigpoArgumentError, GigpoInputError } from './errors.js';
export { solveSokoban, readBoxobanLevels, SOKOBAN_ACTIONS } from './envs/sokoban.js';
export type { SokobanSolution, SokobanSolveOptions } from './envs/sokoban.js';
