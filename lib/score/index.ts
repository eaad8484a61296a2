// Offline scoring of files and streams: the group-aware streaming pipeline under `gigpo score`.
export { scoreFile } from './score-file.js';
export type { ScoreFileOptions, ScoreProgress, ScoreSummary } from './score-file.js';
export { ScorePool, inlineScorer } from './score-pool.js';
export type { Scorer } from './score-pool.js';
export { GroupWindow } from './group-window.js';
export type { OpenGroup } from './group-window.js';
export { openInput } from './score-input.js';
export type { OpenedInput } from './score-input.js';
export { readGroupBatches } from './group-batches.js';
export type { GroupBatchOptions } from './group-batches.js';
