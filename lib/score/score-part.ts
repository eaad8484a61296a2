// Scoring one piece of input: a batch of complete groups (built from JSONL records) or a
// raw msgpack chunk (decoded here). Runs on the calling thread or on a pool worker; errors
// about the data are GigpoInputErrors naming where it came from.
import { computeAdvantages, type AdvantageStats } from '../advantage/compute.js';
import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import { decodeChunk } from '../io/msgpack-chunk.js';
import { chunkGroupKeys } from '../io/msgpack-reader.js';
import type { StepBatch, StepScores } from '../io/step-batch.js';

export interface ScoredPart {
  /** Scores with batch-local step group ids (0 .. stats.numStepGroups - 1). */
  scores: StepScores;
  stats: AdvantageStats;
}

export interface ScoredChunk extends ScoredPart {
  batch: StepBatch;
  /** The chunk's groups (chunkGroupKeys), to check that no group spans two chunks. */
  groupKeys: (string | number)[];
}

/** Advantages of a batch of complete groups; `source` names it in errors. */
export function scoreBatch(batch: StepBatch, options: ResolvedAdvantageOptions, source: string): ScoredPart {
  let result;
  try {
    result = computeAdvantages(batch, options);
  } catch (err) {
    // Bad data the readers let through (e.g. grpo_passk on a group of one) is an input error.
    if (err instanceof RangeError && !(err instanceof GigpoArgumentError)) throw new GigpoInputError(source, err.message);
    throw err;
  }
  const { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup, stats } = result;
  for (const [name, column] of [['returns', returns], ['advantage', advantage], ['episodeAdvantage', episodeAdvantage], ['stepAdvantage', stepAdvantage]] as const) {
    const r = firstNonFinite(column);
    if (r >= 0) throw new GigpoInputError(source, `${name} of row ${r} is ${column[r]}: the rewards overflow float32`);
  }
  return { scores: { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup }, stats };
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] - a[i] !== 0) return i;
  return -1;
}

/** Decodes (and validates) a raw chunk, then scores it. */
export function scoreChunk(bytes: Uint8Array, source: string, options: ResolvedAdvantageOptions): ScoredChunk {
  const batch = decodeChunk(bytes, source);
  return { batch, groupKeys: chunkGroupKeys(batch), ...scoreBatch(batch, options, source) };
}
