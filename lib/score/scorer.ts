// Where scoring runs: the Scorer interface, and scoring on the calling thread (inlineScorer).
// ScorePool (score-pool.ts) does the same on worker threads, with identical results.
import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import { encodeJsonlLines, type EncodedLines, type JsonlForm, type JsonlIds } from '../io/jsonl-writer.js';
import type { RawChunk } from '../io/msgpack-reader.js';
import type { StepBatch } from '../io/step-batch.js';
import { ReusedOutputs, scoreBatch, scoreChunk, type ScoredChunk, type ScoredPart } from './score-part.js';

export interface Scorer {
  /** Parallel pieces worth keeping in flight (1 on the calling thread). */
  readonly parallelism: number;
  scoreBatch(batch: StepBatch, options: ResolvedAdvantageOptions, source: string): Promise<ScoredPart>;
  scoreChunk(chunk: RawChunk, options: ResolvedAdvantageOptions): Promise<ScoredChunk>;
  /** A scored batch's JSONL lines as UTF-8 (encodeJsonlLines). */
  formatLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): Promise<EncodedLines>;
}

/** Scoring on the calling thread. */
export const inlineScorer: Scorer = {
  parallelism: 1,
  async scoreBatch(batch, options, source) {
    return scoreBatch(batch, options, source);
  },
  async scoreChunk(chunk, options) {
    return scoreChunk(chunk.bytes, chunk.source, options);
  },
  async formatLines(batch, form, ids) {
    return encodeJsonlLines(batch, form, ids);
  },
};

/**
 * Scoring on the calling thread into output columns reused from chunk to chunk: a chunk's
 * scores are valid only until the next scoreChunk call, so the caller must consume them
 * (encode or format) first. scoreFile does, handling one piece at a time on this thread.
 */
export function reusingInlineScorer(): Scorer {
  const outputs = new ReusedOutputs();
  return {
    ...inlineScorer,
    async scoreChunk(chunk, options) {
      return scoreChunk(chunk.bytes, chunk.source, options, outputs);
    },
  };
}
