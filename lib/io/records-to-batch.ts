// JSONL records (validated by lib/io) into the columnar StepBatch the kernels read, one
// batch per set of complete task groups: the records become one piece
// (lib/io/trajectory-piece.ts), laid out group by group by gatherTrajectories (its header
// states the batch-wide rules). Scoring a file in pieces numbers step groups exactly as
// scoring it whole would.
import { gatherTrajectories, type RecordsBatch } from './gather-trajectories.js';
import type { TrajectoryRecord } from './jsonl-records.js';
import { pieceOfRecords, trajectoriesOfRecords, type PieceTrajectory } from './trajectory-piece.js';

export type { RecordsBatch };

/**
 * `groups[g]` holds the trajectories of one complete task group in input order. Anchors are
 * the record's `anchor`, else the hash of `obs` (a missing `obs` is the empty text). Numeric
 * actions are kept; text actions become -1 with their text in the batch's actionText column.
 * `done` and `truncated` are the file's when given; otherwise the last step of every
 * trajectory is marked done.
 */
export function recordsToBatch(groups: readonly (readonly TrajectoryRecord[])[]): RecordsBatch {
  const records = groups.flat();
  const refs = trajectoriesOfRecords(pieceOfRecords(records), records);
  const laidOut: PieceTrajectory[][] = [];
  let t = 0;
  for (const g of groups) {
    laidOut.push(refs.slice(t, t + g.length));
    t += g.length;
  }
  return gatherTrajectories(laidOut);
}
