// JSONL records (validated by lib/io) into the columnar StepBatch the kernels read, one
// batch per set of complete task groups. Rows are laid out group by group (groups in the
// order given, trajectories of a group in input order), as trajectoriesToBatch does, so
// scoring a file in pieces numbers step groups exactly as scoring it whole would.
import { INVALID_ACTION } from '../envs/env-batch.js';
import { GigpoInputError } from '../errors.js';
import { native } from '../native.js';
import { allocateScoreColumns } from './columns.js';
import type { TrajectoryRecord, RecordId } from './jsonl-records.js';
import type { JsonlIds } from './jsonl-writer.js';
import { allocateStepBatch, packNumbers, packText, type StepBatch } from './step-batch.js';
import { TextTable } from './text-table.js';

export interface RecordsBatch {
  batch: StepBatch;
  /** The group and trajectory ids as read (numbers stay numbers), by batch id. */
  ids: JsonlIds;
  /** First row of each trajectory (batch trajectory id = index), plus numRows at the end. */
  trajStarts: Uint32Array;
}

/**
 * `groups[g]` holds the trajectories of one complete task group in input order. Group g
 * gets id g and label String(its id); trajectory t (counted over the batch) gets id t and
 * label String(its id). Anchors are the record's `anchor`, else the hash of `obs` (a
 * missing `obs` is the empty text). Numeric actions are kept; text actions become -1 with
 * their text in the batch's actionText column.
 * `done` and `truncated` are the file's when given; otherwise the last step of every
 * trajectory is marked done. The optional columns (prompt, response, promptIds,
 * responseIds, logprobs, tokenAdvantage) are kept when some step has them (empty where a
 * step has not); the per-row ones (stateAnchor, sourceRow, importanceWeight) must be on
 * every step or none. Scores read from a scored file become the batch's scores when every
 * step has them. The batch's meta is its first record's.
 */
export function recordsToBatch(groups: readonly (readonly TrajectoryRecord[])[]): RecordsBatch {
  let numRows = 0;
  let numTraj = 0;
  for (const g of groups) {
    numTraj += g.length;
    for (const t of g) numRows += t.steps.length;
  }
  const batch: StepBatch = {
    ...allocateStepBatch(numRows),
    groupLabels: new Array<string>(groups.length),
    trajLabels: new Array<string>(numTraj),
  };
  const groupIds = new Array<RecordId>(groups.length);
  const trajIds = new Array<RecordId>(numTraj);
  const trajStarts = new Uint32Array(numTraj + 1);
  const table = new TextTable();
  const hashed = new Uint8Array(numRows); // 1 where the anchor is the hash of the observation
  // Opaque anchor names (hashed like observations): names[named[r] - 1] where named[r] > 0.
  const named = new Uint32Array(numRows);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  let actionTexts: string[] | undefined; // per row, once some action is text
  // Per row, once some step has the field: the optional columns the input carried.
  const texts: { prompt?: string[]; response?: string[] } = {};
  const lists: { promptIds?: number[][]; responseIds?: number[][]; logprobs?: number[][]; tokenAdvantage?: number[][] } = {};
  // The per-row optional columns: on every step or none (the first step decides).
  const first = numRows > 0 ? groups[0][0].steps[0] : undefined;
  const stateAnchor = first?.stateAnchor !== undefined ? new BigUint64Array(numRows) : undefined;
  const sourceRow = first?.sourceRow !== undefined ? new Uint32Array(numRows) : undefined;
  const importanceWeight = first?.importanceWeight !== undefined ? new Float32Array(numRows) : undefined;
  // Scores read from a scored file, kept only when every step has them.
  let scored = numRows > 0 && groups[0][0].steps[0].scores !== undefined;
  const scores = allocateScoreColumns(scored ? numRows : 0);
  let r = 0;
  let t = 0;
  for (let g = 0; g < groups.length; g++) {
    const members = groups[g];
    groupIds[g] = members[0].group;
    batch.groupLabels![g] = String(members[0].group);
    for (const record of members) {
      trajIds[t] = record.traj;
      batch.trajLabels![t] = String(record.traj);
      trajStarts[t] = r;
      const steps = record.steps;
      for (let s = 0; s < steps.length; s++, r++) {
        const step = steps[s];
        const o = table.intern(step.obs ?? '');
        batch.group[r] = g;
        batch.traj[r] = t;
        batch.step[r] = step.step ?? s;
        if (typeof step.action === 'number') {
          batch.action[r] = step.action;
        } else {
          batch.action[r] = INVALID_ACTION;
          if (typeof step.action === 'string') {
            actionTexts ??= new Array<string>(numRows).fill('');
            actionTexts[r] = step.action;
          }
        }
        batch.reward[r] = step.reward;
        batch.valid[r] = step.valid ? 1 : 0;
        batch.obs[r] = o;
        if (typeof step.anchor === 'bigint') {
          batch.anchor[r] = step.anchor;
        } else if (step.anchor !== undefined) {
          let k = nameIndex.get(step.anchor);
          if (k === undefined) {
            k = names.push(step.anchor) - 1;
            nameIndex.set(step.anchor, k);
          }
          named[r] = k + 1;
        } else {
          hashed[r] = 1;
        }
        if (step.done !== undefined) batch.done[r] = step.done ? 1 : 0;
        if (step.truncated !== undefined) batch.truncated[r] = step.truncated ? 1 : 0;
        if (step.prompt !== undefined) {
          texts.prompt ??= new Array<string>(numRows).fill('');
          texts.prompt[r] = step.prompt;
        }
        if (step.response !== undefined) {
          texts.response ??= new Array<string>(numRows).fill('');
          texts.response[r] = step.response;
        }
        if (step.promptIds !== undefined) {
          lists.promptIds ??= new Array<number[]>(numRows);
          lists.promptIds[r] = step.promptIds;
        }
        if (step.responseIds !== undefined) {
          lists.responseIds ??= new Array<number[]>(numRows);
          lists.responseIds[r] = step.responseIds;
        }
        if (step.logprobs !== undefined) {
          lists.logprobs ??= new Array<number[]>(numRows);
          lists.logprobs[r] = step.logprobs;
        }
        if (step.tokenAdvantage !== undefined) {
          lists.tokenAdvantage ??= new Array<number[]>(numRows);
          lists.tokenAdvantage[r] = step.tokenAdvantage;
        }
        if ((step.stateAnchor !== undefined) !== (stateAnchor !== undefined))
          throw allOrNone(record, s, 'state_anchor', step.stateAnchor !== undefined);
        if ((step.sourceRow !== undefined) !== (sourceRow !== undefined))
          throw allOrNone(record, s, 'source_row', step.sourceRow !== undefined);
        if ((step.importanceWeight !== undefined) !== (importanceWeight !== undefined))
          throw allOrNone(record, s, 'importance_weight', step.importanceWeight !== undefined);
        if (stateAnchor) stateAnchor[r] = step.stateAnchor!;
        if (sourceRow) sourceRow[r] = step.sourceRow!;
        if (importanceWeight) importanceWeight[r] = step.importanceWeight!;
        const sc = step.scores;
        if (!sc) scored = false;
        else if (scored) {
          scores.returns[r] = sc.returns;
          scores.episodeAdvantage[r] = sc.episodeAdvantage;
          scores.stepAdvantage[r] = sc.stepAdvantage;
          scores.advantage[r] = sc.advantage;
          scores.stepGroup[r] = sc.stepGroup;
        }
      }
      // The last step ends the trajectory: by the env's rules unless the file says otherwise.
      const last = steps[steps.length - 1];
      if (last.done === undefined && !last.truncated) batch.done[r - 1] = 1;
      t++;
    }
  }
  trajStarts[numTraj] = numRows;
  if (scored) batch.scores = scores;
  if (actionTexts) batch.actionText = packText(actionTexts);
  if (texts.prompt) batch.prompt = packText(texts.prompt);
  if (texts.response) batch.response = packText(texts.response);
  if (lists.promptIds) batch.promptIds = packNumbers(Int32Array, lists.promptIds);
  if (lists.responseIds) batch.responseIds = packNumbers(Int32Array, lists.responseIds);
  if (lists.logprobs) batch.logprobs = packNumbers(Float32Array, lists.logprobs);
  if (lists.tokenAdvantage) {
    // Aligned with responseIds: a step with response tokens but no token_advantage breaks that.
    const ids = lists.responseIds ?? [];
    let t = 0;
    for (const g of groups)
      for (const record of g)
        for (let s = 0; s < record.steps.length; s++, t++)
          if ((ids[t]?.length ?? 0) > 0 && lists.tokenAdvantage[t] === undefined) throw allOrNone(record, s, 'token_advantage', false);
    batch.tokenAdvantage = packNumbers(Float32Array, lists.tokenAdvantage);
  }
  if (stateAnchor) batch.stateAnchor = stateAnchor;
  if (sourceRow) batch.sourceRow = sourceRow;
  if (importanceWeight) batch.importanceWeight = importanceWeight;
  if (groups[0]?.[0]?.meta !== undefined) batch.meta = groups[0][0].meta;
  batch.observations = table.pack();
  const hashes = native.hashBytes(batch.observations.data, batch.observations.offsets);
  for (let row = 0; row < numRows; row++) if (hashed[row]) batch.anchor[row] = hashes[batch.obs[row]];
  if (names.length > 0) {
    const nameHashes = native.hashStrings(names);
    for (let row = 0; row < numRows; row++) if (named[row]) batch.anchor[row] = nameHashes[named[row] - 1];
  }
  return { batch, ids: { group: groupIds, traj: trajIds }, trajStarts };
}

/** Step s of `record` carries (`has`) a per-row field the batch's first step lacks, or lacks one it carries. */
function allOrNone(record: TrajectoryRecord, s: number, field: string, has: boolean): GigpoInputError {
  const why = has ? 'present, but the first step of the batch has none' : 'missing, but other steps of the batch carry it';
  return new GigpoInputError(record.source, `steps[${s}].${field}: ${why} (a column is on every step or none)`);
}
