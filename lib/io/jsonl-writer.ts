// Writes StepBatches as JSONL, in trajectory form (one trajectory per line) or row form
// (one step per line), rows in batch order, each batch's meta first as a `{"meta": ...}`
// line. Scored batches add return, episode_advantage, step_advantage, advantage and
// step_group to every step; training batches (with sourceRow) add step, source_row,
// importance_weight and token_advantage. float32 values are written as the shortest
// decimal that reads back as the same float32 (0.1, not 0.10000000149011612).
import { AtomicFile } from './atomic-file.js';
import type { ByteSink } from './byte-sink.js';
import { raggedText, trajectoryStarts, validateStepBatch, type Ragged, type StepBatch } from './step-batch.js';

export type JsonlForm = 'trajectory' | 'row';

// A direct-mapped cache of recent results: rewards, returns and advantages repeat a lot
// (a trajectory's rows share its episode advantage), and each miss costs a few toPrecision calls.
const CACHE_SIZE = 1 << 12;
const cacheKeys = new Float64Array(CACHE_SIZE).fill(NaN); // NaN equals nothing: empty slots never hit
const cacheValues = new Float64Array(CACHE_SIZE);
const bits = new Float32Array(1);
const bitsWord = new Uint32Array(bits.buffer);

/** The shortest decimal (as a number) that rounds to the float32 `x`. */
export function shortestFloat32(x: number): number {
  if ((Number.isInteger(x) && Math.abs(x) <= 16777216) || !Number.isFinite(x)) return x; // small integers print exactly
  bits[0] = x;
  const slot = Math.imul(bitsWord[0], 0x9e3779b1) >>> 20;
  if (cacheKeys[slot] === x) return cacheValues[slot];
  const y = shortestUncached(x);
  cacheKeys[slot] = x;
  cacheValues[slot] = y;
  return y;
}

function shortestUncached(x: number): number {
  // If some p-digit decimal rounds to x, the nearest p-digit one does; p = 9 always works.
  for (let p = 6; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

/** A JSON array of a ragged column's element r. */
function numbers(c: Ragged<Uint8Array | Int32Array | Float32Array>, r: number, float: boolean): string {
  let out = '[';
  for (let i = c.offsets[r]; i < c.offsets[r + 1]; i++) {
    if (i > c.offsets[r]) out += ',';
    out += String(float ? shortestFloat32(c.data[i]) : c.data[i]);
  }
  return out + ']';
}

/** How group and trajectory ids are written: by batch id (index = the id in the batch's columns). */
export interface JsonlIds {
  group: readonly (string | number)[];
  traj: readonly (string | number)[];
}

const hex = (a: bigint) => a.toString(16).padStart(16, '0');
const num = (x: number) => String(shortestFloat32(x)); // what JSON.stringify writes for the number

/**
 * Formats rows of one batch as JSONL lines (without line breaks). Ids are the batch's
 * labels when it has label tables, else its numeric ids, unless `ids` gives them (e.g.
 * the ids as read, so that numbers stay numbers). Lines are built as text (the same text
 * JSON.stringify would give for the step objects) with each observation quoted once.
 */
export class JsonlFormatter {
  /** Per observation index: its JSON string literal, and the anchor text of the last row that used it. */
  private readonly quoted: (string | undefined)[];
  private readonly anchorText: (string | undefined)[];
  private readonly anchorLo: Uint32Array;
  private readonly anchorHi: Uint32Array;
  /** The anchors as 32-bit halves (reading a BigUint64Array element allocates a BigInt). */
  private readonly words: Uint32Array;
  /** Trajectory form writes each step's index only where steps may be skipped or repeated. */
  private readonly explicitSteps: boolean;

  constructor(
    private readonly batch: StepBatch,
    private readonly ids?: JsonlIds,
  ) {
    const n = batch.observations.offsets.length - 1;
    this.quoted = new Array<string | undefined>(n);
    this.anchorText = new Array<string | undefined>(n);
    this.anchorLo = new Uint32Array(n);
    this.anchorHi = new Uint32Array(n);
    this.words = new Uint32Array(batch.anchor.buffer, batch.anchor.byteOffset, batch.numRows * 2);
    this.explicitSteps = batch.sourceRow !== undefined;
  }

  private groupId(r: number): string | number {
    const b = this.batch;
    if (this.ids) return this.ids.group[b.group[r]];
    return b.groupLabels ? b.groupLabels[b.group[r]] : b.group[r];
  }

  private trajId(r: number): string | number {
    const b = this.batch;
    if (this.ids) return this.ids.traj[b.traj[r]];
    return b.trajLabels ? b.trajLabels[b.traj[r]] : b.traj[r];
  }

  /** Row r's action: its text when the batch has text actions for it, else the id. */
  private action(r: number): string {
    const t = this.batch.actionText;
    if (t && t.offsets[r + 1] > t.offsets[r]) return JSON.stringify(raggedText(t, r));
    return String(this.batch.action[r]);
  }

  /** The step fields of row r, without the braces. */
  private fields(r: number): string {
    const b = this.batch;
    const o = b.obs[r];
    const lo = this.words[2 * r];
    const hi = this.words[2 * r + 1];
    if (this.anchorText[o] === undefined || this.anchorLo[o] !== lo || this.anchorHi[o] !== hi) {
      this.anchorLo[o] = lo;
      this.anchorHi[o] = hi;
      this.anchorText[o] = hex(b.anchor[r]);
    }
    this.quoted[o] ??= JSON.stringify(raggedText(b.observations, o));
    let s =
      `"obs":${this.quoted[o]},"anchor":"${this.anchorText[o]}",` +
      `"action":${this.action(r)},"reward":${num(b.reward[r])},"valid":${b.valid[r] === 1},"done":${b.done[r] === 1},"truncated":${b.truncated[r] === 1}`;
    if (b.prompt) s += `,"prompt":${JSON.stringify(raggedText(b.prompt, r))}`;
    if (b.response) s += `,"response":${JSON.stringify(raggedText(b.response, r))}`;
    if (b.promptIds) s += `,"prompt_ids":${numbers(b.promptIds, r, false)}`;
    if (b.responseIds) s += `,"response_ids":${numbers(b.responseIds, r, false)}`;
    if (b.logprobs) s += `,"logprobs":${numbers(b.logprobs, r, true)}`;
    if (b.responseMask) s += `,"response_mask":${numbers(b.responseMask, r, false)}`;
    if (b.stateAnchor) s += `,"state_anchor":"${hex(b.stateAnchor[r])}"`;
    if (b.tokenAdvantage) s += `,"token_advantage":${numbers(b.tokenAdvantage, r, true)}`;
    if (b.sourceRow) s += `,"source_row":${b.sourceRow[r]}`;
    if (b.importanceWeight) s += `,"importance_weight":${num(b.importanceWeight[r])}`;
    const sc = b.scores;
    if (sc)
      s +=
        `,"return":${num(sc.returns[r])},"episode_advantage":${num(sc.episodeAdvantage[r])},"step_advantage":${num(sc.stepAdvantage[r])}` +
        `,"advantage":${num(sc.advantage[r])},"step_group":${sc.stepGroup[r]}`;
    return s;
  }

  /** Row r in row form. */
  row(r: number): string {
    return `{"group":${JSON.stringify(this.groupId(r))},"traj":${JSON.stringify(this.trajId(r))},"step":${this.batch.step[r]},${this.fields(r)}}`;
  }

  /** Rows [start, end) (one whole trajectory) in trajectory form. */
  trajectory(start: number, end: number): string {
    let s = `{"group":${JSON.stringify(this.groupId(start))},"traj":${JSON.stringify(this.trajId(start))},"steps":[`;
    const step = (r: number) => (this.explicitSteps ? `"step":${this.batch.step[r]},` : '');
    for (let r = start; r < end; r++) s += `${r === start ? '' : ','}{${step(r)}${this.fields(r)}}`;
    return `${s}]}`;
  }
}

/** A batch's JSONL lines as UTF-8, each followed by a line break. */
export interface EncodedLines {
  bytes: Uint8Array;
  /** Byte offset of each trajectory's first line (batch order), plus the total length. */
  trajOffsets: Uint32Array;
}

/**
 * Every line of a batch (trajectories in batch order) encoded into one buffer, with where
 * each trajectory's lines start: what a writer needs to put trajectories back in another
 * order, or to write a batch formatted on another thread.
 */
export function encodeJsonlLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): EncodedLines {
  const f = new JsonlFormatter(batch, ids);
  const starts = trajectoryStarts(batch);
  const trajOffsets = new Uint32Array(starts.length);
  let buffer = scratch;
  let used = 0;
  const put = (line: string) => {
    const worst = 3 * line.length + 1; // UTF-8 bytes per UTF-16 unit are at most 3
    if (used + worst > buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, used + worst));
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    used += buffer.write(line, used, 'utf8');
    buffer[used++] = 0x0a;
  };
  for (let t = 0; t + 1 < starts.length; t++) {
    trajOffsets[t] = used;
    if (form === 'row') for (let r = starts[t]; r < starts[t + 1]; r++) put(f.row(r));
    else put(f.trajectory(starts[t], starts[t + 1]));
  }
  trajOffsets[starts.length - 1] = used;
  scratch = buffer; // kept for the next batch (one per thread)
  // Memory of exactly the right size, so that held lines pin no spare capacity.
  const bytes = new Uint8Array(used);
  bytes.set(buffer.subarray(0, used));
  return { bytes, trajOffsets };
}

/** Where encodeJsonlLines builds its lines; it grows to the largest batch seen. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

/** The lines (without line breaks) of a batch in the given form. */
export function* jsonlLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): Generator<string> {
  const f = new JsonlFormatter(batch, ids);
  if (form === 'row') {
    for (let r = 0; r < batch.numRows; r++) yield f.row(r);
    return;
  }
  const starts = trajectoryStarts(batch);
  for (let t = 0; t + 1 < starts.length; t++) yield f.trajectory(starts[t], starts[t + 1]);
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

const FLUSH_CHARS = 1 << 20;

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
    let text = meta === undefined ? '' : `${meta}\n`;
    for (const line of jsonlLines(batch, this.form)) {
      text += `${line}\n`;
      if (text.length >= FLUSH_CHARS) {
        await this.file.write(text);
        text = '';
      }
    }
    if (text) await this.file.write(text);
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
