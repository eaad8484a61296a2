// Batches of complete task groups from any input: msgpack chunks as they are (each holds
// complete groups), JSONL trajectories gathered by GroupWindow. For reading a file group
// by group when input order does not matter (gigpo inspect); scoreFile keeps the order.
import { gatherTrajectories } from '../io/gather-trajectories.js';
import { newReadStats, type JsonlReadStats } from '../io/jsonl-reader.js';
import { readJsonlPieces } from '../io/jsonl-trajectories.js';
import type { PieceTrajectory } from '../io/trajectory-piece.js';
import { readMsgpackChunks } from '../io/msgpack-reader.js';
import type { StepBatch } from '../io/step-batch.js';
import { batchGroups, DEFAULT_BATCH_ROWS, DEFAULT_MAX_OPEN_ROWS, GroupWindow } from './group-window.js';
import type { OpenedInput } from './score-input.js';

export interface GroupBatchOptions {
  /** JSONL: GroupWindow's bound. Default 32768 (DEFAULT_MAX_OPEN_ROWS). */
  maxOpenRows?: number;
  /** JSONL: rows per batch of whole groups (at least). Default 16384 (DEFAULT_BATCH_ROWS). */
  batchRows?: number;
  skipInvalid?: boolean;
  stats?: JsonlReadStats;
}

export async function* readGroupBatches(input: OpenedInput, options: GroupBatchOptions = {}): AsyncGenerator<StepBatch> {
  if (input.format === 'msgpack') {
    yield* readMsgpackChunks(input.stream, { name: input.name }); // as a stream: its bytes are counted for progress
    return;
  }
  const window = new GroupWindow<undefined, PieceTrajectory>(options.maxOpenRows ?? DEFAULT_MAX_OPEN_ROWS);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const stats = options.stats ?? newReadStats();
  const runs = readJsonlPieces(input.stream, { name: input.name, skipInvalid: options.skipInvalid, stats });
  for await (const trajectories of runs)
    for (const record of trajectories) {
      if (options.skipInvalid && window.isDuplicate(record)) {
        stats.skipped++;
        continue;
      }
      for (const run of batchGroups(window.add(record, undefined), batchRows)) yield gatherTrajectories(run.map((g) => g.records)).batch;
    }
  for (const run of batchGroups(window.finish(), batchRows)) yield gatherTrajectories(run.map((g) => g.records)).batch;
}
