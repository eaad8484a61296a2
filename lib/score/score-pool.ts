// Scoring on a Piscina pool of worker threads (ScorePool) that scores whole-group pieces
// and formats JSONL output in parallel; the same results as on the calling thread
// (scorer.ts); the caller keeps results in submission order.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';

import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import type { EncodedLines, JsonlForm, JsonlIds } from '../io/jsonl-writer.js';
import type { RawChunk } from '../io/msgpack-reader.js';
import type { StepBatch } from '../io/step-batch.js';
import { packageRoot } from '../native.js';
import type { ScoredChunk, ScoredPart } from './score-part.js';
import type { Scorer } from './scorer.js';
import type { ScoreTask, TaskInputError } from './score-worker.js';

export const scoreWorkerPath = join(packageRoot, 'dist', 'lib', 'score', 'score-worker.js');

/** The columns computeAdvantages reads (what a worker needs of a batch). */
function kernelColumns(b: StepBatch): StepBatch {
  const { numRows, group, traj, step, action, reward, done, truncated, valid, anchor, obs, observations, responseIds } = b;
  return { numRows, group, traj, step, action, reward, done, truncated, valid, anchor, obs, observations, responseIds };
}

function unwrap<T>(result: T | TaskInputError): T {
  const e = (result as TaskInputError).inputError;
  if (e) throw new GigpoInputError(e.source, e.message);
  return result as T;
}

/** Worker threads that score pieces in parallel (the msgpack path also decodes there). */
export class ScorePool implements Scorer {
  readonly parallelism: number;
  private readonly piscina: Piscina;

  constructor(options: { threads?: number } = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1)
      throw new GigpoArgumentError('threads', `expected an integer >= 1, got ${String(options.threads)}`);
    this.parallelism = threads;
    // A small young generation: formatting makes short-lived strings, and each worker's
    // default (tens of MB) would add that much resident memory per thread for no speed.
    this.piscina = new Piscina({
      filename: scoreWorkerPath,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
  }

  async scoreBatch(batch: StepBatch, options: ResolvedAdvantageOptions, source: string): Promise<ScoredPart> {
    const task: ScoreTask = { kind: 'batch', batch: kernelColumns(batch), source, options };
    return unwrap((await this.piscina.run(task)) as ScoredPart | TaskInputError);
  }

  /** The chunk's bytes move to the worker (the caller must not use them afterwards). */
  async scoreChunk(chunk: RawChunk, options: ResolvedAdvantageOptions): Promise<ScoredChunk> {
    const task: ScoreTask = { kind: 'chunk', bytes: chunk.bytes, source: chunk.source, options };
    const buffer = chunk.bytes.buffer as ArrayBuffer;
    return unwrap((await this.piscina.run(task, { transferList: [buffer] })) as ScoredChunk | TaskInputError);
  }

  /** The batch is copied to the worker (it stays usable here). */
  async formatLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): Promise<EncodedLines> {
    const { meta: _, ...columns } = batch;
    const task: ScoreTask = { kind: 'format', batch: columns, form, ids };
    return (await this.piscina.run(task)) as EncodedLines;
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
