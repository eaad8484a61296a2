// Writes StepBatches as JSONL, in trajectory form (one trajectory per line) or row form
// (one step per line), rows in batch order, each batch's meta first as a `{"meta": ...}`
// line. Scored batches add return, episode_advantage, step_advantage, advantage and
// step_group to every step; training batches (with sourceRow) add step, source_row,
// importance_weight and token_advantage; served rows add policy_version. float32 values are
// written as the shortest decimal that reads back as the same float32 (0.1, not
// 0.10000000149011612).
import { AtomicFile } from './atomic-file.js';
import type { ByteSink } from './byte-sink.js';
import { native } from '../native.js';
import { packText, trajectoryStarts, validateStepBatch, type RaggedText, type StepBatch } from './step-batch.js';

export type JsonlForm = 'trajectory' | 'row';

/** How group and trajectory ids are written: by batch id (index = the id in the batch's columns). */
export interface JsonlIds {
  group: readonly (string | number)[];
  traj: readonly (string | number)[];
}

/** A batch's JSONL lines as UTF-8, each followed by a line break. */
export interface EncodedLines {
  bytes: Uint8Array;
  /** Byte offset of each trajectory's first line (batch order), plus the total length. */
  trajOffsets: Uint32Array;
}

/**
 * The JSON text of each id (index = the id), or undefined where ids are written as the batch's
 * numbers: no labels, or labels that are those numbers (a rollout's ids as read back).
 */
function idTexts(labels: readonly (string | number)[] | undefined): RaggedText | undefined {
  if (labels === undefined) return undefined;
  let own = true;
  for (let i = 0; i < labels.length && own; i++) own = labels[i] === i;
  return own ? undefined : packText(labels.map((id) => JSON.stringify(id)));
}

/**
 * Every line of a batch (trajectories in batch order) encoded into one buffer, with where
 * each trajectory's lines start: what a writer needs to put trajectories back in another
 * order, or to write a batch formatted on another thread. Ids are the batch's labels when it
 * has label tables, else its numeric ids, unless `ids` gives them (e.g. the ids as read, so
 * that numbers stay numbers). The text is what JSON.stringify gives for the step objects;
 * the native encoder writes it (native/core/io/jsonl_encode.hpp).
 */
export function encodeJsonlLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds, rows?: { start: number; end: number }): EncodedLines {
  return encodeRows(batch, form, idTextsOf(batch, ids), rows);
}

/** The JSON text of the batch's group and trajectory ids, for encodeRows. */
function idTextsOf(batch: StepBatch, ids?: JsonlIds): { group?: RaggedText; traj?: RaggedText } {
  return { group: idTexts(ids ? ids.group : batch.groupLabels), traj: idTexts(ids ? ids.traj : batch.trajLabels) };
}

/** Rows [rows.start, rows.end) (whole trajectories; default all) encoded with the given id texts. */
function encodeRows(
  batch: StepBatch,
  form: JsonlForm,
  ids: { group?: RaggedText; traj?: RaggedText },
  rows?: { start: number; end: number },
): EncodedLines {
  return native.encodeJsonl(batch, form, ids.group, ids.traj, rows?.start, rows?.end);
}

/** The lines (without line breaks) of a batch in the given form. */
export function* jsonlLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): Generator<string> {
  const { bytes } = encodeJsonlLines(batch, form, ids);
  const decoder = new TextDecoder();
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; start = i + 1, i = bytes.indexOf(0x0a, start)) yield decoder.decode(bytes.subarray(start, i));
}

/**
 * The `{"meta": {...}}` line that goes before a batch's rows, or undefined for a batch without
 * meta. 64-bit integers the msgpack reader gave as BigInts are written as numbers when exact, else as strings.
 */
export function jsonlMetaLine(meta: Record<string, unknown> | undefined): string | undefined {
  if (meta === undefined || Object.keys(meta).length === 0) return undefined;
  return JSON.stringify({ meta }, (_, v) =>
    typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v)) : v,
  );
}

const WRITE_ROWS = 1 << 16;

/** JSONL output through a temporary file renamed into place on close(). */
export class JsonlWriter {
  private constructor(
    private readonly file: ByteSink,
    readonly form: JsonlForm,
  ) {}

  static async open(path: string, form: JsonlForm): Promise<JsonlWriter> {
    return new JsonlWriter(await AtomicFile.open(path), form);
  }

  /** A writer into any sink (e.g. stdout through writableSink). */
  static to(sink: ByteSink, form: JsonlForm): JsonlWriter {
    return new JsonlWriter(sink, form);
  }

  /** Appends the batch's rows, after its meta line when it has meta. */
  async write(batch: StepBatch): Promise<void> {
    validateStepBatch(batch);
    const meta = jsonlMetaLine(batch.meta);
    if (meta !== undefined) await this.file.write(`${meta}\n`);
    // Whole trajectories of about WRITE_ROWS rows at a time, so memory stays bounded.
    const starts = trajectoryStarts(batch);
    const ids = idTextsOf(batch); // once per batch, not per piece
    for (let t = 0; t + 1 < starts.length; ) {
      let u = t + 1;
      while (u + 1 < starts.length && starts[u + 1] - starts[t] <= WRITE_ROWS) u++;
      await this.file.write(encodeRows(batch, this.form, ids, { start: starts[t], end: starts[u] }).bytes);
      t = u;
    }
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  async abort(): Promise<void> {
    await this.file.abort();
  }
}

/** Writes every batch; on any error the partial file is removed and the error rethrown. */
export async function writeJsonlFile(
  path: string,
  batches: Iterable<StepBatch> | AsyncIterable<StepBatch>,
  form: JsonlForm,
): Promise<void> {
  const writer = await JsonlWriter.open(path, form);
  try {
    for await (const batch of batches) await writer.write(batch);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
