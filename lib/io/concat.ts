// Concatenating step batches (shards of one rollout, chunks of a file) into one, in the
// given order. The observation table is rebuilt by first appearance in the merged rows,
// de-duplicated by anchor, which is exactly how a single rollout numbers it.
import { GigpoArgumentError } from '../errors.js';
import { InternTable } from './intern-table.js';
import { OPTIONAL_COLUMNS, OPTIONAL_DTYPES, RAGGED_DTYPES } from './columns.js';
import { DTYPES } from './dtype.js';
import { ROW_RAGGED_KEYS, type Ragged, type RaggedText, type RowRaggedKey, type StepBatch, type StepScores } from './step-batch.js';

function concatColumn<T extends Uint8Array | Uint32Array | Int32Array | Float32Array | BigUint64Array>(
  parts: T[],
  make: (n: number) => T,
): T {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = make(total);
  let at = 0;
  for (const p of parts) {
    (out as Uint8Array).set(p as unknown as Uint8Array, at);
    at += p.length;
  }
  return out;
}

function concatRagged<T extends Uint8Array | Int32Array | Float32Array>(
  batches: StepBatch[],
  key: RowRaggedKey,
  make: (n: number) => T,
): Ragged<T> | undefined {
  if (!batches.some((b) => b[key])) return undefined;
  const numRows = batches.reduce((s, b) => s + b.numRows, 0);
  const offsets = new Uint32Array(numRows + 1);
  let row = 0;
  let total = 0;
  for (const b of batches) {
    const c = b[key] as Ragged<T> | undefined;
    for (let r = 0; r < b.numRows; r++) {
      total += c ? c.offsets[r + 1] - c.offsets[r] : 0;
      offsets[++row] = total;
    }
  }
  const data = make(total);
  let at = 0;
  for (const b of batches) {
    const c = b[key] as Ragged<T> | undefined;
    if (!c) continue;
    (data as Uint8Array).set(c.data as unknown as Uint8Array, at);
    at += c.data.length;
  }
  return { offsets, data };
}

/** Scores of the merged rows: all batches scored, or none. */
function concatScores(batches: StepBatch[]): StepScores | undefined {
  const scored = batches.filter((b) => b.scores).length;
  if (scored === 0) return undefined;
  if (scored !== batches.length)
    throw new GigpoArgumentError('batches', `${scored} of ${batches.length} batches carry scores; concatenate all scored or none`);
  const f32 = (k: number) => new Float32Array(k);
  return {
    returns: concatColumn(
      batches.map((b) => b.scores!.returns),
      f32,
    ),
    episodeAdvantage: concatColumn(
      batches.map((b) => b.scores!.episodeAdvantage),
      f32,
    ),
    stepAdvantage: concatColumn(
      batches.map((b) => b.scores!.stepAdvantage),
      f32,
    ),
    advantage: concatColumn(
      batches.map((b) => b.scores!.advantage),
      f32,
    ),
    stepGroup: concatColumn(
      batches.map((b) => b.scores!.stepGroup),
      (k) => new Uint32Array(k),
    ),
  };
}

/**
 * Concatenates batches appended in order. append() does the per-batch work (interning
 * observations) at once, so a caller receiving batches over time (worker shards) overlaps
 * it with their production; finish() then only copies columns.
 */
export class StepBatchConcatenator {
  private readonly batches: StepBatch[] = [];
  private readonly obsParts: Uint32Array[] = [];
  private readonly table = new InternTable();
  private readonly pieces: Uint8Array[] = [];
  private readonly tableOffsets: number[] = [0];

  append(b: StepBatch): void {
    const words = new Uint32Array(b.anchor.buffer, b.anchor.byteOffset, b.numRows * 2);
    const local = new Int32Array(b.observations.offsets.length - 1).fill(-1);
    const obs = new Uint32Array(b.numRows);
    for (let r = 0; r < b.numRows; r++) {
      const o = b.obs[r];
      if (local[o] < 0) {
        let index = this.table.get(words[2 * r], words[2 * r + 1]);
        if (index < 0) {
          index = this.table.size;
          this.table.add(words[2 * r], words[2 * r + 1], index);
          const bytes = b.observations.data.subarray(b.observations.offsets[o], b.observations.offsets[o + 1]);
          this.pieces.push(bytes);
          this.tableOffsets.push(this.tableOffsets[this.tableOffsets.length - 1] + bytes.length);
        }
        local[o] = index;
      }
      obs[r] = local[o];
    }
    this.batches.push(b);
    this.obsParts.push(obs);
  }

  finish(meta?: Record<string, unknown>): StepBatch {
    const batches = this.batches;
    const observations: RaggedText = {
      offsets: Uint32Array.from(this.tableOffsets),
      data: concatColumn(this.pieces, (k) => new Uint8Array(k)),
    };
    const out: StepBatch = {
      numRows: batches.reduce((s, b) => s + b.numRows, 0),
      group: concatColumn(
        batches.map((b) => b.group),
        (k) => new Uint32Array(k),
      ),
      traj: concatColumn(
        batches.map((b) => b.traj),
        (k) => new Uint32Array(k),
      ),
      step: concatColumn(
        batches.map((b) => b.step),
        (k) => new Uint32Array(k),
      ),
      action: concatColumn(
        batches.map((b) => b.action),
        (k) => new Int32Array(k),
      ),
      reward: concatColumn(
        batches.map((b) => b.reward),
        (k) => new Float32Array(k),
      ),
      done: concatColumn(
        batches.map((b) => b.done),
        (k) => new Uint8Array(k),
      ),
      truncated: concatColumn(
        batches.map((b) => b.truncated),
        (k) => new Uint8Array(k),
      ),
      valid: concatColumn(
        batches.map((b) => b.valid),
        (k) => new Uint8Array(k),
      ),
      anchor: concatColumn(
        batches.map((b) => b.anchor),
        (k) => new BigUint64Array(k),
      ),
      obs: concatColumn(this.obsParts, (k) => new Uint32Array(k)),
      observations,
    };
    for (const key of ROW_RAGGED_KEYS) {
      const type = DTYPES[RAGGED_DTYPES[key]];
      const column = concatRagged(batches, key, (k: number) => new type(k) as Uint8Array);
      if (column) (out as unknown as Record<RowRaggedKey, unknown>)[key] = column;
    }
    for (const name of OPTIONAL_COLUMNS) {
      const tagged = batches.filter((b) => b[name]).length;
      if (tagged !== 0 && tagged !== batches.length)
        throw new GigpoArgumentError('batches', `${tagged} of ${batches.length} batches carry ${name}; concatenate all tagged or none`);
      const type = DTYPES[OPTIONAL_DTYPES[name]] as new (k: number) => Uint32Array;
      if (tagged)
        (out as unknown as Record<string, unknown>)[name] = concatColumn(
          batches.map((b) => b[name] as Uint32Array),
          (k) => new type(k),
        );
    }
    const scores = concatScores(batches);
    if (scores) out.scores = scores;
    if (meta) out.meta = meta;
    return out;
  }
}

export function concatStepBatches(batches: StepBatch[], meta?: Record<string, unknown>): StepBatch {
  const c = new StepBatchConcatenator();
  for (const b of batches) c.append(b);
  return c.finish(meta);
}

/** The distinct ArrayBuffers behind a batch's columns (to transfer it between threads). */
export function stepBatchBuffers(batch: StepBatch): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike } | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  };
  for (const c of [
    batch.group,
    batch.traj,
    batch.step,
    batch.action,
    batch.reward,
    batch.done,
    batch.truncated,
    batch.valid,
    batch.anchor,
    batch.obs,
    ...OPTIONAL_COLUMNS.map((k) => batch[k]),
  ])
    add(c);
  if (batch.scores) for (const c of Object.values(batch.scores)) add(c);
  for (const r of [batch.observations, ...ROW_RAGGED_KEYS.map((k) => batch[k])]) {
    if (r) {
      add(r.offsets);
      add(r.data);
    }
  }
  return [...set];
}
