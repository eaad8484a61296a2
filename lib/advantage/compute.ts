// computeAdvantages: GiGPO and the GRPO family over a columnar batch of step rows, in one
// native call that reads the batch's typed arrays and fills preallocated outputs.
import { GigpoArgumentError } from '../errors.js';
import { allocateScoreColumns, ROW_DTYPES, SCORE_COLUMNS, SCORE_DTYPES } from '../io/columns.js';
import { DTYPES } from '../io/dtype.js';
import type { StepBatch } from '../io/step-batch.js';
import { native } from '../native.js';
import { resolveAdvantageOptions, type AdvantageOptions, type ResolvedAdvantageOptions } from './options.js';

export interface AdvantageStats {
  numRows: number;
  numGroups: number;
  numTrajectories: number;
  numStepGroups: number;
  /** Rows per step group (0 for an empty batch). */
  meanStepGroupSize: number;
  singletonStepGroups: number;
  /** Share of step groups with a single row (their step advantage is 0). */
  singletonStepGroupShare: number;
  zeroVarianceGroups: number;
  /** Share of task groups whose episode scores are all equal (no episode-level signal). */
  zeroVarianceGroupShare: number;
}

/** The per-row outputs (numRows entries each). */
export interface AdvantageColumns {
  /** Discounted return R_i of each row, invalid-action penalty included. */
  returns: Float32Array;
  /** A^E for gigpo; the estimator's advantage for the GRPO family. */
  episodeAdvantage: Float32Array;
  /** A^S for gigpo; 0 for the GRPO family. */
  stepAdvantage: Float32Array;
  /** The advantage to train on: A^E + ω·A^S for gigpo. */
  advantage: Float32Array;
  /** Step group of each row: dense ids numbered by first appearance in row order. */
  stepGroup: Uint32Array;
}

export interface AdvantageResult extends AdvantageColumns {
  /** The batch's task-group ids, in order of first appearance. */
  groupIds: Uint32Array;
  /** 1 for each task group (same order as groupIds) whose episode scores are all equal. */
  groupZeroVariance: Uint8Array;
  stats: AdvantageStats;
  options: ResolvedAdvantageOptions;
}

/** The row columns the kernel reads. */
const INPUT_COLUMNS = ['group', 'traj', 'step', 'reward', 'valid', 'anchor', 'obs'] as const;

function checkColumns(batch: StepBatch): void {
  if (batch === null || typeof batch !== 'object') throw new GigpoArgumentError('batch', 'expected a StepBatch');
  const n = batch.numRows;
  if (!Number.isInteger(n) || n < 0) throw new GigpoArgumentError('batch.numRows', `expected a non-negative integer, got ${n}`);
  for (const name of INPUT_COLUMNS) {
    const type = DTYPES[ROW_DTYPES[name]];
    const column = batch[name] as unknown;
    if (!(column instanceof type)) throw new GigpoArgumentError(`batch.${name}`, `expected a ${type.name}`);
    if (column.length !== n) throw new GigpoArgumentError(`batch.${name}`, `expected ${n} elements, got ${column.length}`);
  }
  // Its trajectories skip and repeat steps, so returns over them would mean nothing.
  if (batch.sourceRow !== undefined)
    throw new GigpoArgumentError(
      'batch.sourceRow',
      'a training batch (rows drawn from a rollout) cannot be scored again: score the rollout it came from',
    );
  const obs = batch.observations;
  if (!obs || !(obs.offsets instanceof Uint32Array) || !(obs.data instanceof Uint8Array) || obs.offsets.length < 1)
    throw new GigpoArgumentError('batch.observations', 'expected { offsets: Uint32Array(n + 1), data: Uint8Array }');
  const response = batch.responseIds;
  if (response && (!(response.offsets instanceof Uint32Array) || response.offsets.length !== n + 1))
    throw new GigpoArgumentError('batch.responseIds.offsets', `expected a Uint32Array of ${n + 1} offsets`);
}

function outputColumns(n: number, into: AdvantageColumns | undefined): AdvantageColumns {
  if (into === undefined) return allocateScoreColumns(n);
  if (into === null || typeof into !== 'object') throw new GigpoArgumentError('into', 'expected the columns of a previous result');
  for (const name of SCORE_COLUMNS) {
    const type = DTYPES[SCORE_DTYPES[name]];
    const column = into[name] as unknown;
    if (!(column instanceof type) || column.length !== n)
      throw new GigpoArgumentError(`into.${name}`, `expected a ${type.name} of ${n} elements`);
  }
  const { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup } = into;
  return { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup };
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength &&
    a.byteLength > 0 &&
    b.byteLength > 0
  );
}

/** The kernel reads every input while it writes the outputs: an `into` column may share memory with no other column. */
function checkNoAliasing(inputs: Record<string, ArrayBufferView | undefined>, outputs: AdvantageColumns): void {
  const written = SCORE_COLUMNS.map((name) => [name, outputs[name]] as const);
  for (let i = 0; i < written.length; i++) {
    const [name, column] = written[i];
    for (const [other, input] of Object.entries(inputs))
      if (input && overlaps(column, input)) throw new GigpoArgumentError(`into.${name}`, `shares memory with the input column ${other}`);
    for (let j = 0; j < i; j++)
      if (overlaps(column, written[j][1])) throw new GigpoArgumentError(`into.${name}`, `shares memory with into.${written[j][0]}`);
  }
}

/**
 * Advantages of every row of `batch` (docs/ADVANTAGES.md). Rows of a trajectory must be contiguous
 * with steps 0..T-1; group and trajectory ids may be any u32. Throws GigpoArgumentError for
 * bad options or columns, and RangeError naming the row for bad data (e.g. "reward[17]:
 * must be finite, got NaN").
 *
 * `into`: output arrays to fill instead of allocating new ones (e.g. the previous
 * iteration's result when the batch size repeats); the result then shares them.
 */
export function computeAdvantages(batch: StepBatch, options?: AdvantageOptions, into?: AdvantageColumns): AdvantageResult {
  const o = resolveAdvantageOptions(options);
  checkColumns(batch);
  const n = batch.numRows;
  const outputs = outputColumns(n, into);
  const inputs = {
    group: batch.group,
    traj: batch.traj,
    step: batch.step,
    reward: batch.reward,
    valid: batch.valid,
    anchor: batch.anchor,
    obs: batch.obs,
    obsOffsets: batch.observations.offsets,
    obsBytes: batch.observations.data,
    responseOffsets: batch.responseIds?.offsets,
  };
  if (into !== undefined) checkNoAliasing(inputs, outputs);
  const report = native.computeAdvantages(
    inputs,
    {
      estimator: o.estimator,
      gamma: o.gamma,
      stepWeight: o.stepWeight,
      mode: o.mode,
      epsilon: o.epsilon,
      invalidPenalty: o.invalidPenalty,
      episodeStats: o.episodeStats,
      normalizeByLength: o.normalizeByLength,
      similarity: o.anchors === 'exact' ? 0 : o.anchors.similarity,
    },
    outputs,
  );
  const stats: AdvantageStats = {
    numRows: n,
    numGroups: report.numGroups,
    numTrajectories: report.numTrajectories,
    numStepGroups: report.numStepGroups,
    meanStepGroupSize: report.numStepGroups === 0 ? 0 : n / report.numStepGroups,
    singletonStepGroups: report.singletonStepGroups,
    singletonStepGroupShare: report.numStepGroups === 0 ? 0 : report.singletonStepGroups / report.numStepGroups,
    zeroVarianceGroups: report.zeroVarianceGroups,
    zeroVarianceGroupShare: report.numGroups === 0 ? 0 : report.zeroVarianceGroups / report.numGroups,
  };
  return { ...outputs, groupIds: report.groupIds, groupZeroVariance: report.groupZeroVariance, stats, options: o };
}

/**
 * difflib.SequenceMatcher(None, a, b).ratio() over code points: the similarity used by
 * `anchors: { similarity: θ }` (a = a row's observation, b = its cluster's first member).
 */
export function similarityRatio(a: string, b: string): number {
  if (typeof a !== 'string') throw new GigpoArgumentError('a', 'expected a string');
  if (typeof b !== 'string') throw new GigpoArgumentError('b', 'expected a string');
  return native.similarityRatio(a, b);
}
