// The one data model: a batch of step rows stored column by column (DESIGN.md).
// One row = one (trajectory, step). Rows of a trajectory are contiguous and in step order
// (0, 1, 2, ...; a training batch, which carries sourceRow, may skip and repeat steps);
// trajectories of a task group are contiguous; groups appear in ascending order of first use.
import { GigpoArgumentError } from '../errors.js';
import {
  allocateRowColumns,
  RAGGED_COLUMNS,
  ROW_COLUMNS,
  SCORE_COLUMNS,
  SCORE_DTYPES,
  OPTIONAL_COLUMNS,
  OPTIONAL_DTYPES,
  type OptionalColumns,
  type RaggedColumn,
  type RowColumns,
  type ScoreColumns,
} from './columns.js';
import { DTYPES } from './dtype.js';
import { firstRepeat } from './first-repeat.js';

/** A ragged column: element i is data[offsets[i] .. offsets[i + 1]). offsets has n + 1 entries. */
export interface Ragged<T extends Uint8Array | Int32Array | Float32Array> {
  offsets: Uint32Array;
  data: T;
}

/** UTF-8 text per row (or per table entry). */
export type RaggedText = Ragged<Uint8Array>;

export interface StepBatch {
  numRows: number;
  /** Task group (identical initial state); GiGPO's uid. */
  group: Uint32Array;
  /** Trajectory id, unique in the batch; GiGPO's traj_uid. */
  traj: Uint32Array;
  /** 0-based step index within its trajectory. */
  step: Uint32Array;
  /** Parsed action id (-1 = text-only or invalid). */
  action: Int32Array;
  reward: Float32Array;
  done: Uint8Array;
  truncated: Uint8Array;
  valid: Uint8Array;
  /** Hash of the canonical observation before the action. */
  anchor: BigUint64Array;
  /** Index into `observations` (the interned observation table). */
  obs: Uint32Array;
  /** Each distinct observation once. */
  observations: RaggedText;
  /** Optional names of groups / trajectories as the user gave them (index = id). */
  groupLabels?: string[];
  trajLabels?: string[];
  prompt?: RaggedText;
  response?: RaggedText;
  /** Actions as text, for data whose actions are strings (offline trajectories); `action` is -1 there. */
  actionText?: RaggedText;
  promptIds?: Ragged<Int32Array>;
  responseIds?: Ragged<Int32Array>;
  /** Sampler log-probs, aligned with responseIds. */
  logprobs?: Ragged<Float32Array>;
  /**
   * promptMode 'conversation': over promptIds then responseIds, 1 where the policy sampled the token
   * (this row's answer and the earlier answers inside its prompt), 0 where the engine wrote it.
   */
  responseMask?: Ragged<Uint8Array>;
  /** Training batches: the row's advantage on each response token (times the response mask), aligned with responseIds. */
  tokenAdvantage?: Ragged<Float32Array>;
  /** Hash of the env's FULL canonical state before the action (native-env rollouts); `anchor` may hash less. */
  stateAnchor?: BigUint64Array;
  /**
   * Training batches: the row's index in the rollout it was drawn from. A batch with this column
   * may skip steps of a trajectory (subsampling) and repeat them (balancing): its steps only
   * never decrease within a trajectory.
   */
  sourceRow?: Uint32Array;
  /** Training batches: 1, or 1/p for a row kept by subsampling with probability p. */
  importanceWeight?: Float32Array;
  /** Version of the policy weights that generated each row's group (the rollout service's staleness tag). */
  policyVersion?: Uint32Array;
  /** Advantages and their inputs, once the batch has been scored. */
  scores?: StepScores;
  meta?: Record<string, unknown>;
}

/** Per-row outputs of an estimator; every column has numRows entries. */
export interface StepScores {
  /** Discounted return from this step to the end of its trajectory. */
  returns: Float32Array;
  /** Episode-level (trajectory) relative advantage. */
  episodeAdvantage: Float32Array;
  /** Step-level (anchor state) relative advantage; 0 where the estimator has none. */
  stepAdvantage: Float32Array;
  /** The combined advantage a trainer uses. */
  advantage: Float32Array;
  /** Id of the row's step group (rows of one group sharing an anchor state). */
  stepGroup: Uint32Array;
}

/** A batch known to carry scores. */
export type ScoredStepBatch = StepBatch & { scores: StepScores };

// The interfaces above carry the documentation; these lines make the compiler check that
// they agree with the schema table (lib/io/columns.ts) in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const rowColumnsMatch: Same<Pick<StepBatch, keyof RowColumns>, RowColumns> = true;
const scoreColumnsMatch: Same<StepScores, ScoreColumns> = true;
const optionalColumnsMatch: Same<Pick<StepBatch, keyof OptionalColumns>, OptionalColumns> = true;
void rowColumnsMatch;
void scoreColumnsMatch;
void optionalColumnsMatch;

/** A batch of `numRows` zeroed rows and an empty observation table, to be filled in place. */
export function allocateStepBatch(numRows: number): StepBatch {
  return {
    numRows,
    ...allocateRowColumns(numRows),
    observations: { offsets: new Uint32Array(1), data: new Uint8Array(0) },
  };
}

export type RowRaggedKey = RaggedColumn;
/** The optional per-row ragged columns. */
export const ROW_RAGGED_KEYS: readonly RowRaggedKey[] = RAGGED_COLUMNS;

const decoder = new TextDecoder();

/** Text of element i of a ragged text column. */
export function raggedText(column: RaggedText, i: number): string {
  return decoder.decode(column.data.subarray(column.offsets[i], column.offsets[i + 1]));
}

/** Number of elements of a ragged column. */
export function raggedLength(column: Ragged<Uint8Array | Int32Array | Float32Array>): number {
  return column.offsets.length - 1;
}

/** Packs strings into a ragged UTF-8 column. */
export function packText(strings: readonly string[]): RaggedText {
  // Sizes first, then each string written straight into one buffer: no per-string copies.
  const offsets = new Uint32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    total += Buffer.byteLength(strings[i], 'utf8');
    offsets[i + 1] = total;
  }
  const data = Buffer.allocUnsafeSlow(total);
  for (let i = 0; i < strings.length; i++) data.write(strings[i], offsets[i], 'utf8');
  return { offsets, data: new Uint8Array(data.buffer, data.byteOffset, total) };
}

/** Packs lists of numbers into a ragged column of `type` (undefined lists are empty). */
export function packNumbers<T extends Int32Array | Float32Array | Uint8Array>(
  type: { new (length: number): T },
  lists: readonly (ArrayLike<number> | undefined)[],
): Ragged<T> {
  const offsets = new Uint32Array(lists.length + 1);
  let total = 0;
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = total += lists[i]?.length ?? 0;
  const data = new type(total);
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    if (list) data.set(list, offsets[i]);
  }
  return { offsets, data };
}

/** The observation text of row r. */
export function rowObservation(batch: StepBatch, r: number): string {
  return raggedText(batch.observations, batch.obs[r]);
}

/** Start row of every trajectory plus a final entry numRows (rows of a trajectory are contiguous). */
export function trajectoryStarts(batch: StepBatch): Uint32Array {
  let count = 0;
  for (let r = 0; r < batch.numRows; r++) if (r === 0 || batch.traj[r] !== batch.traj[r - 1]) count++;
  const starts = new Uint32Array(count + 1);
  let k = 0;
  for (let r = 0; r < batch.numRows; r++) if (r === 0 || batch.traj[r] !== batch.traj[r - 1]) starts[k++] = r;
  starts[count] = batch.numRows;
  return starts;
}

/**
 * Checks the structural invariants: column lengths, contiguous trajectories with steps
 * 0..T-1 (with sourceRow: steps that never decrease), contiguous groups, each trajectory in
 * one group, obs indices in range, finite rewards, ragged offsets well formed, label tables
 * covering every id, score columns, importance weights positive, token advantages aligned.
 * Throws GigpoArgumentError naming the column and row.
 */
export function validateStepBatch(batch: StepBatch, name = 'batch'): void {
  const n = batch.numRows;
  if (!Number.isInteger(n) || n < 0) throw new GigpoArgumentError(`${name}.numRows`, 'expected a non-negative integer');
  for (const col of ROW_COLUMNS) {
    const c = batch[col] as { length: number } | undefined;
    if (!c || c.length !== n) throw new GigpoArgumentError(`${name}.${col}`, `expected ${n} elements, got ${c ? c.length : 'none'}`);
  }
  checkRagged(batch.observations, `${name}.observations`);
  const numObs = batch.observations.offsets.length - 1;
  const starts = checkRows(batch, numObs, name);
  checkStartsUnique(batch, starts, name);
  for (const col of ROW_RAGGED_KEYS) {
    const c = batch[col];
    if (c) {
      checkRagged(c, `${name}.${col}`);
      if (c.offsets.length !== n + 1)
        throw new GigpoArgumentError(`${name}.${col}.offsets`, `expected ${n + 1} offsets, got ${c.offsets.length}`);
    }
  }
  for (const col of OPTIONAL_COLUMNS) {
    const c = batch[col];
    const type = DTYPES[OPTIONAL_DTYPES[col]];
    if (c !== undefined && (!(c instanceof type) || c.length !== n))
      throw new GigpoArgumentError(`${name}.${col}`, `expected a ${type.name} of ${n} elements`);
  }
  const w = batch.importanceWeight;
  if (w)
    for (let r = 0; r < n; r++)
      if (!(w[r] > 0 && w[r] < Infinity))
        throw new GigpoArgumentError(`${name}.importanceWeight[${r}]`, `must be a finite number > 0, got ${w[r]}`);
  if (batch.tokenAdvantage) checkTokenAdvantage(batch, name);
  checkLabels(batch.groupLabels, batch.group, `${name}.groupLabels`);
  checkLabels(batch.trajLabels, batch.traj, `${name}.trajLabels`);
  if (batch.scores) {
    for (const col of SCORE_COLUMNS) {
      const c = batch.scores[col] as { length: number } | undefined;
      const type = DTYPES[SCORE_DTYPES[col]];
      if (!(c instanceof type) || c.length !== n)
        throw new GigpoArgumentError(`${name}.scores.${col}`, `expected a ${type.name} of ${n} elements, got ${c ? c.length : 'none'}`);
      if (c instanceof Float32Array)
        for (let r = 0; r < n; r++)
          if (!Number.isFinite(c[r])) throw new GigpoArgumentError(`${name}.scores.${col}[${r}]`, `must be finite, got ${c[r]}`);
    }
  }
}

// The row loops live in their own small functions so V8 optimizes them whole (a loop
// inside a long function is compiled on its own and deoptimizes when the rest runs).

/** Per-row rules; returns the rows where trajectories start. */
function checkRows(batch: StepBatch, numObs: number, name: string): Uint32Array {
  const { numRows: n, group, traj, step, obs, reward, done, truncated, valid } = batch;
  const drawn = batch.sourceRow !== undefined; // a training batch: steps may be skipped and repeated
  const starts = new Uint32Array(n);
  let numTraj = 0;
  for (let r = 0; r < n; r++) {
    if (r === 0 || traj[r] !== traj[r - 1]) {
      starts[numTraj++] = r;
      if (step[r] !== 0 && !drawn)
        throw new GigpoArgumentError(`${name}.step[${r}]`, `trajectory ${traj[r]} must start at step 0, got ${step[r]}`);
    } else {
      if (group[r] !== group[r - 1]) throw new GigpoArgumentError(`${name}.group[${r}]`, `trajectory ${traj[r]} spans two groups`);
      if (drawn ? step[r] < step[r - 1] : step[r] !== step[r - 1] + 1)
        throw new GigpoArgumentError(
          `${name}.step[${r}]`,
          drawn
            ? `steps of trajectory ${traj[r]} must not decrease (a batch with sourceRow), got ${step[r]} after ${step[r - 1]}`
            : `expected step ${step[r - 1] + 1}, got ${step[r]}`,
        );
    }
    if (obs[r] >= numObs) throw new GigpoArgumentError(`${name}.obs[${r}]`, `index ${obs[r]} outside the observation table (${numObs})`);
    if (!Number.isFinite(reward[r])) throw new GigpoArgumentError(`${name}.reward[${r}]`, `must be finite, got ${reward[r]}`);
    if ((done[r] | truncated[r] | valid[r]) > 1) throw flagError(batch, r, name);
  }
  return starts.subarray(0, numTraj);
}

/** The error for row r, where done, truncated or valid is neither 0 nor 1. */
function flagError(batch: StepBatch, r: number, name: string): GigpoArgumentError {
  const col = (['done', 'truncated', 'valid'] as const).find((c) => batch[c][r] > 1)!;
  return new GigpoArgumentError(`${name}.${col}[${r}]`, `must be 0 or 1, got ${batch[col][r]}`);
}

/** No trajectory id and no group id starts twice (each is one contiguous run). */
function checkStartsUnique(batch: StepBatch, starts: Uint32Array, name: string): void {
  const { group, traj } = batch;
  const trajIds = new Uint32Array(starts.length);
  const groupStarts = new Uint32Array(starts.length);
  let numGroups = 0;
  for (let t = 0; t < starts.length; t++) {
    const r = starts[t];
    trajIds[t] = traj[r];
    if (t === 0 || group[r] !== group[starts[t - 1]]) groupStarts[numGroups++] = r;
  }
  const t = firstRepeat(trajIds);
  if (t >= 0) throw new GigpoArgumentError(`${name}.traj[${starts[t]}]`, `trajectory ${trajIds[t]} is not contiguous`);
  const groupIds = new Uint32Array(numGroups);
  for (let g = 0; g < numGroups; g++) groupIds[g] = group[groupStarts[g]];
  const g = firstRepeat(groupIds);
  if (g >= 0) throw new GigpoArgumentError(`${name}.group[${groupStarts[g]}]`, `group ${groupIds[g]} is not contiguous`);
}

/** tokenAdvantage has one value per response token of every row, finite. */
function checkTokenAdvantage(batch: StepBatch, name: string): void {
  const t = batch.tokenAdvantage!;
  const ids = batch.responseIds;
  if (!ids) throw new GigpoArgumentError(`${name}.tokenAdvantage`, 'is aligned with responseIds, which the batch does not have');
  for (let i = 0; i < ids.offsets.length; i++)
    if (t.offsets[i] !== ids.offsets[i])
      throw new GigpoArgumentError(
        `${name}.tokenAdvantage.offsets[${i}]`,
        `expected ${ids.offsets[i]} (as responseIds), got ${t.offsets[i]}`,
      );
  for (let i = 0; i < t.data.length; i++)
    if (!Number.isFinite(t.data[i])) throw new GigpoArgumentError(`${name}.tokenAdvantage.data[${i}]`, `must be finite, got ${t.data[i]}`);
}

function checkLabels(labels: string[] | undefined, ids: Uint32Array, name: string): void {
  if (labels === undefined) return;
  if (!Array.isArray(labels)) throw new GigpoArgumentError(name, 'expected an array of strings');
  for (let i = 0; i < labels.length; i++)
    if (typeof labels[i] !== 'string') throw new GigpoArgumentError(`${name}[${i}]`, `expected a string, got ${typeof labels[i]}`);
  for (let r = 0; r < ids.length; r++)
    if (ids[r] >= labels.length) throw new GigpoArgumentError(name, `has ${labels.length} entries but row ${r} uses id ${ids[r]}`);
}

function checkRagged(c: Ragged<Uint8Array | Int32Array | Float32Array>, name: string): void {
  if (!c || !(c.offsets instanceof Uint32Array) || c.offsets.length < 1)
    throw new GigpoArgumentError(`${name}.offsets`, 'expected a Uint32Array of n + 1 offsets');
  if (c.offsets[0] !== 0) throw new GigpoArgumentError(`${name}.offsets[0]`, 'must be 0');
  for (let i = 1; i < c.offsets.length; i++)
    if (c.offsets[i] < c.offsets[i - 1]) throw new GigpoArgumentError(`${name}.offsets[${i}]`, 'offsets must be non-decreasing');
  if (c.offsets[c.offsets.length - 1] !== c.data.length)
    throw new GigpoArgumentError(`${name}.offsets`, `last offset ${c.offsets[c.offsets.length - 1]} != data length ${c.data.length}`);
}
