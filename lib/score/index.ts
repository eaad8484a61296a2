// Offline scoring of files and streams: the group-aware streaming pipeline under `gigpo score`.
export { scoreFile } from './score-file.js';
export type { ScoreFileOptions, ScoreProgress, ScoreSummary } from './score-file.js';
export { ScorePool } from './score-pool.js';
export { inlineScorer } from './scorer.js';
export type { Scorer } from './scorer.js';
export { GroupWindow } from './group-window.js';
export type { OpenGroup } from './group-window.js';
export { openInput } from './score-input.js';
export type { OpenedInput } from './score-input.js';
export { readGroupBatches } from './group-batches.js';
export type { GroupBatchOptions } from './group-batches.js';
