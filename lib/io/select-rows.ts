// Gathering rows of a StepBatch (in any order, repeats allowed) into a new batch: the
// fixed columns and every ragged column are copied; the observation table, labels and meta
// are shared, since `obs` indices keep pointing into the same table.
import { OPTIONAL_COLUMNS } from './columns.js';
import { ROW_RAGGED_KEYS, type Ragged, type StepBatch } from './step-batch.js';

type RaggedData = Uint8Array | Int32Array | Float32Array;

/** Elements rows[0], rows[1], ... of a ragged column, packed into a new one. */
export function gatherRagged<T extends RaggedData>(column: Ragged<T>, rows: Uint32Array): Ragged<T> {
  const offsets = new Uint32Array(rows.length + 1);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    offsets[k + 1] = offsets[k] + (column.offsets[r + 1] - column.offsets[r]);
  }
  const data = new (column.data.constructor as new (n: number) => T)(offsets[rows.length]);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    data.set(column.data.subarray(column.offsets[r], column.offsets[r + 1]), offsets[k]);
  }
  return { offsets, data };
}

function gather<T extends Uint32Array | Int32Array | Float32Array | Uint8Array | BigUint64Array>(column: T, rows: Uint32Array): T {
  const out = new (column.constructor as new (n: number) => T)(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
  return out;
}

/** A batch made of the given rows of `batch` (indices must be < batch.numRows). */
export function selectRows(batch: StepBatch, rows: Uint32Array): StepBatch {
  const out: StepBatch = {
    numRows: rows.length,
    group: gather(batch.group, rows),
    traj: gather(batch.traj, rows),
    step: gather(batch.step, rows),
    action: gather(batch.action, rows),
    reward: gather(batch.reward, rows),
    done: gather(batch.done, rows),
    truncated: gather(batch.truncated, rows),
    valid: gather(batch.valid, rows),
    anchor: gather(batch.anchor, rows),
    obs: gather(batch.obs, rows),
    observations: batch.observations,
  };
  for (const name of OPTIONAL_COLUMNS) {
    const column = batch[name];
    if (column) (out as unknown as Record<string, unknown>)[name] = gather(column, rows);
  }
  if (batch.groupLabels) out.groupLabels = batch.groupLabels;
  if (batch.trajLabels) out.trajLabels = batch.trajLabels;
  if (batch.meta) out.meta = batch.meta;
  for (const key of ROW_RAGGED_KEYS) {
    const column = batch[key];
    if (column) (out as unknown as Record<string, unknown>)[key] = gatherRagged(column as Ragged<Uint8Array>, rows);
  }
  return out;
}

/**
 * Rows [start, end) of `batch` as views where possible (fixed and score columns share the
 * batch's buffers; ragged columns get rebased offsets over a view of their data). For
 * cutting a batch at group boundaries without copying.
 */
export function sliceRows(batch: StepBatch, start: number, end: number): StepBatch {
  const out: StepBatch = {
    numRows: end - start,
    group: batch.group.subarray(start, end),
    traj: batch.traj.subarray(start, end),
    step: batch.step.subarray(start, end),
    action: batch.action.subarray(start, end),
    reward: batch.reward.subarray(start, end),
    done: batch.done.subarray(start, end),
    truncated: batch.truncated.subarray(start, end),
    valid: batch.valid.subarray(start, end),
    anchor: batch.anchor.subarray(start, end),
    obs: batch.obs.subarray(start, end),
    observations: batch.observations,
  };
  for (const name of OPTIONAL_COLUMNS) {
    const column = batch[name];
    if (column) (out as unknown as Record<string, unknown>)[name] = column.subarray(start, end);
  }
  if (batch.scores) {
    const s = batch.scores;
    out.scores = {
      returns: s.returns.subarray(start, end),
      episodeAdvantage: s.episodeAdvantage.subarray(start, end),
      stepAdvantage: s.stepAdvantage.subarray(start, end),
      advantage: s.advantage.subarray(start, end),
      stepGroup: s.stepGroup.subarray(start, end),
    };
  }
  if (batch.groupLabels) out.groupLabels = batch.groupLabels;
  if (batch.trajLabels) out.trajLabels = batch.trajLabels;
  if (batch.meta) out.meta = batch.meta;
  for (const key of ROW_RAGGED_KEYS) {
    const column = batch[key] as Ragged<RaggedData> | undefined;
    if (!column) continue;
    const base = column.offsets[start];
    const offsets = column.offsets.slice(start, end + 1);
    for (let i = 0; i < offsets.length; i++) offsets[i] -= base;
    (out as unknown as Record<string, unknown>)[key] = { offsets, data: column.data.subarray(base, column.offsets[end]) };
  }
  return out;
}
