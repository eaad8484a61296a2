// Offline scoring of files and streams: the group-aware streaming pipeline under `gigpo score`.
export { scoreFile } from './score-file.js';
export type { ScoreFileOptions, ScoreProgress, ScoreSummary } from './score-file.js';
export { ScorePool, inlineScorer } from './score-pool.js';
export type { Scorer } from './score-pool.js';
export { GroupWindow } from './group-window.js';
export type { OpenGroup } from './group-window.js';
export { openInput, formatOfPath } from './score-input.js';
export type { DataFormat, OpenedInput } from './score-input.js';
export { inspectFile } from './inspect.js';
export type { InspectOptions, InspectReport, Distribution } from './inspect.js';
export { readGroupBatches } from './group-batches.js';
export type { GroupBatchOptions } from './group-batches.js';
