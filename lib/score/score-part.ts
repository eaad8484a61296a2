// Scoring one piece of input: a batch of complete groups (built from JSONL records) or a
// raw msgpack chunk (decoded here). Runs on the calling thread or on a pool worker; errors
// about the data are GigpoInputErrors naming where it came from.
import { computeAdvantages, type AdvantageColumns, type AdvantageResult, type AdvantageStats } from '../advantage/compute.js';
import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import { asInputError, GigpoInputError } from '../errors.js';
import { decodeChunk } from '../io/msgpack-chunk.js';
import type { StepBatch, StepScores } from '../io/step-batch.js';

export interface ScoredPart {
  /** Scores with batch-local step group ids (0 .. stats.numStepGroups - 1). */
  scores: StepScores;
  stats: AdvantageStats;
  /** The batch's task-group ids in order of first appearance. */
  groupIds: Uint32Array;
}

export interface ScoredChunk extends ScoredPart {
  batch: StepBatch;
  /** The chunk's groups (as chunkGroupKeys gives them), to check that no group spans two chunks. */
  groupKeys: (string | number)[];
}

/**
 * Advantages of a batch of complete groups. `source` names it in errors; `rowSource`, if
 * given, names where row r came from (e.g. "file.jsonl:12 (step 3)").
 */
export function scoreBatch(
  batch: StepBatch,
  options: ResolvedAdvantageOptions,
  source: string,
  rowSource?: (row: number) => string,
  into?: AdvantageColumns,
): ScoredPart {
  if (batch.sourceRow !== undefined)
    throw new GigpoInputError(
      source,
      'sourceRow: a training batch (rows drawn from a rollout) cannot be scored again: score the rollout it came from',
    );
  let result: AdvantageResult;
  try {
    result = computeAdvantages(batch, options, into);
  } catch (err) {
    // Bad data the readers let through (e.g. grpo_passk on a group of one) is an input error.
    throw asInputError(err, source);
  }
  const { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup, stats, groupIds } = result;
  // A non-finite A^E or A^S makes the advantage non-finite too, so two columns tell.
  if (!allFinite(returns, advantage)) {
    for (const [name, column] of [
      ['returns', returns],
      ['episodeAdvantage', episodeAdvantage],
      ['stepAdvantage', stepAdvantage],
      ['advantage', advantage],
    ] as const)
      for (let r = 0; r < column.length; r++)
        if (!Number.isFinite(column[r]))
          throw rowSource
            ? new GigpoInputError(rowSource(r), `${name} is ${column[r]}: the rewards overflow float32`)
            : new GigpoInputError(source, `${name} of row ${r} is ${column[r]}: the rewards overflow float32`);
  }
  return { scores: { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup }, stats, groupIds };
}

/** One pass: a float64 sum of float32 values is finite exactly when every value is. */
function allFinite(a: Float32Array, b: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] + b[i];
  return Number.isFinite(sum);
}

/** Decodes (and validates) a raw chunk, then scores it (into `into`'s views of its size, if given). */
export function scoreChunk(bytes: Uint8Array, source: string, options: ResolvedAdvantageOptions, into?: ReusedOutputs): ScoredChunk {
  const batch = decodeChunk(bytes, source);
  const part = scoreBatch(batch, options, source, undefined, into?.views(batch.numRows));
  // The kernel lists the groups already; with label tables, groups are known by label.
  const labels = batch.groupLabels;
  const groupKeys = labels ? Array.from(part.groupIds, (g) => `label:${labels[g]}`) : Array.from(part.groupIds);
  return { batch, groupKeys, ...part };
}

/**
 * Output columns reused from one batch to the next (views of the right length over buffers
 * that grow to the largest batch): fresh zeroed arrays for every chunk cost about as much
 * as the kernel itself. Each result is valid only until the next batch is scored.
 */
export class ReusedOutputs {
  private capacity = 0;
  private buffers?: AdvantageColumns;

  views(n: number): AdvantageColumns {
    if (!this.buffers || n > this.capacity) {
      this.capacity = Math.max(n, Math.ceil(this.capacity * 1.5));
      const c = this.capacity;
      this.buffers = {
        returns: new Float32Array(c),
        episodeAdvantage: new Float32Array(c),
        stepAdvantage: new Float32Array(c),
        advantage: new Float32Array(c),
        stepGroup: new Uint32Array(c),
      };
    }
    const b = this.buffers;
    return {
      returns: b.returns.subarray(0, n),
      episodeAdvantage: b.episodeAdvantage.subarray(0, n),
      stepAdvantage: b.stepAdvantage.subarray(0, n),
      advantage: b.advantage.subarray(0, n),
      stepGroup: b.stepGroup.subarray(0, n),
    };
  }
}
