// BatchAssembler: turns a scored batch into what a trainer receives (docs/ADVANTAGES.md,
// "Training batches"). In order: the dynamic-sampling filter (drop task groups with no episode
// signal), advantage-weighted subsampling to a target size (with importance weights), then
// balancing the row count to a multiple of k. Rows come out task group by task group and
// trajectory-major (the input order when its groups are contiguous); every step keeps
// that order, and a duplicated row follows its original.
import { GigpoArgumentError, valueError } from '../errors.js';
import { gatherRagged, selectRows } from '../io/select-rows.js';
import type { Ragged, ScoredStepBatch, StepBatch } from '../io/step-batch.js';
import type { AdvantageResult } from './compute.js';
import { SeededRandom } from '../seeded-random.js';

export interface BatchAssemblerOptions {
  /** Dynamic sampling: drop task groups whose episode scores are all equal. Default false. */
  dropZeroVarianceGroups?: boolean;
  /**
   * Advantage-weighted subsampling: keep `targetRows` rows, row i with probability
   * p_i ∝ |A_i| (capped at 1), carrying importanceWeight 1/p_i so sums keep their
   * expectation. Rows with A = 0 are never kept; with fewer nonzero rows than the target,
   * all of them are kept (weight 1). Default: no subsampling.
   */
  targetRows?: number;
  /** Balancing: make the row count a multiple of this. Default 1 (off). */
  multipleOf?: number;
  /** `duplicate` random rows (the reference's choice) or `drop` random rows. Default `duplicate`. */
  balance?: 'duplicate' | 'drop';
  /** Seed of the random choices; each assemble() call continues the same stream. Default 0. */
  seed?: number | bigint;
}

/**
 * What a trainer receives: a scored batch whose rows were drawn from the input (docs/FORMAT.md,
 * "Training batches"). It is a StepBatch like any other, so the msgpack and JSONL writers
 * write it and the readers give it back column for column.
 */
export interface TrainingBatch extends ScoredStepBatch {
  /** 1, or 1/p for a row kept by advantage-weighted subsampling with probability p. */
  importanceWeight: Float32Array;
  /** Row of the input batch each row came from. */
  sourceRow: Uint32Array;
}

export interface AssemblyReport {
  inputRows: number;
  droppedGroups: number;
  droppedGroupRows: number;
  /** Rows left out by subsampling. */
  subsampledOutRows: number;
  duplicatedRows: number;
  balanceDroppedRows: number;
  outputRows: number;
}

export interface AssembleExtras {
  /** Per response token 0/1 (e.g. 0 on tool output), aligned with the batch's responseIds. */
  responseMask?: Ragged<Uint8Array>;
}

function positiveInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw valueError(path, Number.isInteger(value) ? value : undefined, `expected a positive integer, got ${String(value)}`);
  return value;
}

// Inclusion probabilities p_i = min(1, c·w_i) with c chosen so that Σ p_i = target.
function inclusionProbabilities(w: Float64Array, target: number): Float64Array {
  const p = new Float64Array(w.length);
  let remaining = target;
  for (;;) {
    let sum = 0;
    for (let i = 0; i < w.length; i++) if (p[i] < 1) sum += w[i];
    if (sum === 0 || remaining <= 0) return p;
    const c = remaining / sum;
    let capped = 0;
    for (let i = 0; i < w.length; i++) {
      if (p[i] < 1 && c * w[i] >= 1) {
        p[i] = 1;
        capped++;
      }
    }
    remaining -= capped;
    if (capped === 0) {
      for (let i = 0; i < w.length; i++) if (p[i] < 1) p[i] = c * w[i];
      return p;
    }
  }
}

// Input rows task group by task group (groups by first appearance, rows in order within
// each): the identity for the usual batch with contiguous groups. Runs of equal group ids
// are looked up once. Optionally leaves out the groups with zero episode variance.
function groupMajorRows(batch: StepBatch, scored: AdvantageResult, dropZeroVariance: boolean): Uint32Array {
  const n = batch.numRows;
  const dense = new Map<number, number>();
  scored.groupIds.forEach((id, i) => {
    dense.set(id, i);
  });
  const runs: number[][] = Array.from(scored.groupIds, () => []);
  let count = 0;
  for (let r = 0, end = 0; r < n; r = end) {
    for (end = r + 1; end < n && batch.group[end] === batch.group[r]; end++);
    const g = dense.get(batch.group[r]);
    if (g === undefined) throw new GigpoArgumentError('scored', `task group ${batch.group[r]} missing: not the result for this batch`);
    if (dropZeroVariance && scored.groupZeroVariance[g] === 1) continue;
    runs[g].push(r, end);
    count += end - r;
  }
  const rows = new Uint32Array(count);
  let k = 0;
  for (const list of runs) for (let i = 0; i < list.length; i += 2) for (let r = list[i]; r < list[i + 1]; r++) rows[k++] = r;
  return rows;
}

export class BatchAssembler {
  readonly options: Readonly<Required<Omit<BatchAssemblerOptions, 'targetRows'>> & { targetRows: number | undefined }>;
  private readonly random: SeededRandom;

  constructor(options: BatchAssemblerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
    const known = ['dropZeroVarianceGroups', 'targetRows', 'multipleOf', 'balance', 'seed'];
    for (const key of Object.keys(options))
      if (!known.includes(key)) throw new GigpoArgumentError(`options.${key}`, `unknown option (known: ${known.join(', ')})`);
    const drop = options.dropZeroVarianceGroups ?? false;
    if (typeof drop !== 'boolean') throw new GigpoArgumentError('options.dropZeroVarianceGroups', 'expected a boolean');
    const balance = options.balance ?? 'duplicate';
    if (balance !== 'duplicate' && balance !== 'drop')
      throw new GigpoArgumentError('options.balance', `must be 'duplicate' or 'drop', got ${String(balance)}`);
    this.options = Object.freeze({
      dropZeroVarianceGroups: drop,
      targetRows: options.targetRows === undefined ? undefined : positiveInteger(options.targetRows, 'options.targetRows'),
      multipleOf: positiveInteger(options.multipleOf ?? 1, 'options.multipleOf'),
      balance,
      seed: options.seed ?? 0,
    });
    this.random = new SeededRandom(this.options.seed, 'options.seed');
  }

  /** The training batch for `batch` scored by computeAdvantages(batch). */
  assemble(batch: StepBatch, scored: AdvantageResult, extras: AssembleExtras = {}): { batch: TrainingBatch; report: AssemblyReport } {
    const n = batch.numRows;
    if (!scored || !(scored.advantage instanceof Float32Array) || scored.advantage.length !== n)
      throw new GigpoArgumentError('scored', `expected computeAdvantages' result for this batch (${n} rows)`);
    const report: AssemblyReport = {
      inputRows: n,
      droppedGroups: 0,
      droppedGroupRows: 0,
      subsampledOutRows: 0,
      duplicatedRows: 0,
      balanceDroppedRows: 0,
      outputRows: 0,
    };

    let rows = groupMajorRows(batch, scored, this.options.dropZeroVarianceGroups);
    if (this.options.dropZeroVarianceGroups) {
      for (const flag of scored.groupZeroVariance) report.droppedGroups += flag;
      report.droppedGroupRows = n - rows.length;
    }

    let weights: Float32Array = new Float32Array(rows.length).fill(1);
    const target = this.options.targetRows;
    if (target !== undefined && target < rows.length) {
      [rows, weights] = this.subsample(rows, scored.advantage, target);
      report.subsampledOutRows = n - report.droppedGroupRows - rows.length;
    }

    const k = this.options.multipleOf;
    const remainder = rows.length % k;
    if (remainder !== 0 && this.options.balance === 'drop') {
      const removed = new Uint8Array(rows.length);
      for (const i of this.random.sample(rows.length, remainder)) removed[i] = 1;
      const keep = (_: number, i: number) => removed[i] === 0;
      rows = rows.filter(keep);
      weights = weights.filter(keep);
      report.balanceDroppedRows = remainder;
    } else if (remainder !== 0 && rows.length > 0) {
      const need = k - remainder;
      const copies = new Uint32Array(rows.length);
      if (need <= rows.length) for (const i of this.random.sample(rows.length, need)) copies[i]++;
      else for (let c = 0; c < need; c++) copies[this.random.below(rows.length)]++;
      const outRows = new Uint32Array(rows.length + need);
      const outWeights = new Float32Array(rows.length + need);
      let o = 0;
      for (let i = 0; i < rows.length; i++) {
        for (let c = 0; c <= copies[i]; c++, o++) {
          outRows[o] = rows[i];
          outWeights[o] = weights[i];
        }
      }
      rows = outRows;
      weights = outWeights;
      report.duplicatedRows = need;
    }
    report.outputRows = rows.length;
    return { batch: this.build(batch, scored, rows, weights, extras), report };
  }

  // Systematic sampling in row order: exactly `target` rows (when enough have A != 0),
  // each with its inclusion probability, and the kept rows stay in order.
  private subsample(rows: Uint32Array, advantage: Float32Array, target: number): [Uint32Array, Float32Array] {
    const w = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) w[i] = Math.abs(advantage[rows[i]]);
    const p = inclusionProbabilities(w, target);
    let fractional = 0;
    let mass = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] < 1) {
        fractional += w[i];
        mass += p[i];
      }
    }
    mass = Math.round(mass);
    const u = this.random.float();
    const keptRows: number[] = [];
    const keptWeights: number[] = [];
    let prefix = 0;
    let before = 0; // sampling points u + k below the running cumulative probability
    for (let i = 0; i < p.length; i++) {
      if (p[i] === 0) continue;
      let take = p[i] === 1;
      if (!take) {
        prefix += w[i];
        const after = Math.ceil((mass * prefix) / fractional - u);
        take = after > before;
        before = after;
      }
      if (take) {
        keptRows.push(rows[i]);
        keptWeights.push(1 / p[i]);
      }
    }
    return [Uint32Array.from(keptRows), Float32Array.from(keptWeights)];
  }

  private build(
    batch: StepBatch,
    scored: AdvantageResult,
    rows: Uint32Array,
    weights: Float32Array,
    extras: AssembleExtras,
  ): TrainingBatch {
    const take = (column: Float32Array) => Float32Array.from(rows, (r) => column[r]);
    const out: TrainingBatch = {
      ...selectRows(batch, rows),
      scores: {
        returns: take(scored.returns),
        episodeAdvantage: take(scored.episodeAdvantage),
        stepAdvantage: take(scored.stepAdvantage),
        advantage: take(scored.advantage),
        stepGroup: Uint32Array.from(rows, (r) => scored.stepGroup[r]),
      },
      importanceWeight: weights,
      sourceRow: rows,
    };
    if (out.responseIds) {
      let mask: Ragged<Uint8Array> | undefined;
      if (extras.responseMask) {
        const given = extras.responseMask;
        const ids = batch.responseIds!;
        if (!(given.offsets instanceof Uint32Array) || !(given.data instanceof Uint8Array) || given.offsets.length !== ids.offsets.length)
          throw new GigpoArgumentError('extras.responseMask', 'expected a ragged Uint8Array column aligned with batch.responseIds');
        for (let i = 0; i < ids.offsets.length; i++)
          if (given.offsets[i] !== ids.offsets[i])
            throw new GigpoArgumentError(
              `extras.responseMask.offsets[${i}]`,
              `expected ${ids.offsets[i]} (as responseIds), got ${given.offsets[i]}`,
            );
        mask = gatherRagged(given, rows);
      }
      const offsets = out.responseIds.offsets;
      const data = new Float32Array(out.responseIds.data.length);
      for (let k = 0; k < rows.length; k++)
        for (let t = offsets[k]; t < offsets[k + 1]; t++) data[t] = mask ? out.scores.advantage[k] * mask.data[t] : out.scores.advantage[k];
      out.tokenAdvantage = { offsets, data };
    }
    return out;
  }
}
