// Piscina worker of ScorePool: scores a batch of complete groups, decodes and scores a raw
// msgpack chunk, or formats a scored batch as JSONL; results come back by transferring their buffers. Input errors travel
// as plain data, so the caller can rethrow them as GigpoInputError.
import { move, transferableSymbol, valueSymbol } from 'piscina';

import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import { GigpoInputError } from '../errors.js';
import { stepBatchBuffers } from '../io/concat.js';
import { encodeJsonlLines, type JsonlForm, type JsonlIds } from '../io/jsonl-writer.js';
import type { StepBatch, StepScores } from '../io/step-batch.js';
import { scoreBatch, scoreChunk } from './score-part.js';

export type ScoreTask =
  | { kind: 'batch'; batch: StepBatch; source: string; options: ResolvedAdvantageOptions }
  | { kind: 'chunk'; bytes: Uint8Array; source: string; options: ResolvedAdvantageOptions }
  | { kind: 'format'; batch: StepBatch; form: JsonlForm; ids?: JsonlIds };

export interface TaskInputError {
  inputError: { source: string; message: string };
}

function scoreBuffers(scores: StepScores): ArrayBuffer[] {
  return Object.values(scores).map((c: Float32Array | Uint32Array) => c.buffer as ArrayBuffer);
}

function transfer(value: object, buffers: ArrayBuffer[]): unknown {
  return move({
    get [transferableSymbol]() {
      return [...new Set(buffers)];
    },
    get [valueSymbol]() {
      return value;
    },
  } as never);
}

export default function runScoreTask(task: ScoreTask): unknown {
  try {
    if (task.kind === 'format') {
      const lines = encodeJsonlLines(task.batch, task.form, task.ids);
      return transfer(lines, [lines.bytes.buffer as ArrayBuffer, lines.trajOffsets.buffer as ArrayBuffer]);
    }
    if (task.kind === 'batch') {
      const part = scoreBatch(task.batch, task.options, task.source);
      return transfer(part, scoreBuffers(part.scores));
    }
    const chunk = scoreChunk(task.bytes, task.source, task.options);
    return transfer(chunk, [...stepBatchBuffers(chunk.batch), ...scoreBuffers(chunk.scores)]);
  } catch (err) {
    if (err instanceof GigpoInputError) {
      const error: TaskInputError = { inputError: { source: err.source, message: err.message.slice(err.source.length + 2) } };
      return error;
    }
    throw err;
  }
}
