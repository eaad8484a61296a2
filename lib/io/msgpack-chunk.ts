// One chunk of the columnar msgpack format (docs/FORMAT.md): a plain map
//   { format: 'gigpo.steps', version: 1, meta, columns }
// where each column is { dtype, shape, data } with `data` the column's raw little-endian
// bytes, ragged columns add `offsets` (itself a u32 column of n + 1 entries), and label
// tables are arrays of strings. Plain maps and bin payloads only, so Python's msgpack
// reads it; typed arrays go in as Uint8Array views because msgpackr without `moreTypes`
// would write a Float32Array element by element. Decoding views the bins in place
// (copying only a misaligned column) and validates everything before returning.
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

import type { Packr, Unpackr } from 'msgpackr';

import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import { arrayOf, bytesOf, DTYPES, hostIsLittleEndian, type Dtype, type NumericArray } from './dtype.js';
import {
  LABEL_COLUMNS,
  RAGGED_COLUMNS,
  RAGGED_DTYPES,
  ROW_COLUMNS,
  ROW_DTYPES,
  SCORE_COLUMNS,
  SCORE_DTYPES,
  OPTIONAL_COLUMNS,
  OPTIONAL_DTYPES,
  TEXT_COLUMNS,
  type RowColumn,
} from './columns.js';
import { validateStepBatch, type Ragged, type StepBatch, type StepScores } from './step-batch.js';

export const CHUNK_FORMAT = 'gigpo.steps';
export const CHUNK_VERSION = 1;

interface FileColumn {
  dtype: Dtype;
  shape: number[];
  data: Uint8Array;
  offsets?: FileColumn;
  encoding?: 'utf-8';
}

// msgpackr is loaded on first use: commands that never touch msgpack start faster.
const require = createRequire(import.meta.url);
let codec: { packr: Packr; unpackr: Unpackr } | undefined;
function msgpack(): { packr: Packr; unpackr: Unpackr } {
  if (codec) return codec;
  const m = require('msgpackr') as typeof import('msgpackr');
  codec = {
    packr: new m.Packr({ useRecords: false, moreTypes: false }),
    unpackr: new m.Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false }),
  };
  return codec;
}

function checkHost(): void {
  if (!hostIsLittleEndian) throw new Error('the gigpo.steps format needs a little-endian host');
}

/** A column of `length` elements of `dtype`; checks the type and length (cheap, always on). */
function column(array: NumericArray | undefined, dtype: Dtype, name: string, length?: number): FileColumn {
  const type = DTYPES[dtype];
  if (!(array instanceof type)) throw new GigpoArgumentError(`batch.${name}`, `expected a ${type.name}, got ${describe(array)}`);
  if (length !== undefined && array.length !== length)
    throw new GigpoArgumentError(`batch.${name}`, `expected ${length} elements, got ${array.length}`);
  return { dtype, shape: [array.length], data: bytesOf(array) };
}

function raggedColumn(
  c: Ragged<Uint8Array | Int32Array | Float32Array> | undefined,
  dtype: Dtype,
  name: string,
  rows?: number,
): FileColumn {
  if (!isMap(c)) throw new GigpoArgumentError(`batch.${name}`, `expected {offsets, data}, got ${describe(c)}`);
  const offsets = column(c.offsets, 'u32', `${name}.offsets`, rows === undefined ? undefined : rows + 1);
  const last = c.offsets[c.offsets.length - 1];
  if (c.offsets[0] !== 0 || last !== c.data?.length)
    throw new GigpoArgumentError(
      `batch.${name}.offsets`,
      `expected offsets from 0 to the data length ${c.data?.length}, got ${c.offsets[0]} to ${last}`,
    );
  const out: FileColumn = { ...column(c.data, dtype, `${name}.data`), offsets };
  if (TEXT_COLUMNS.has(name)) out.encoding = 'utf-8';
  return out;
}

export interface EncodeOptions {
  /**
   * Check every row rule (validateStepBatch) before writing. Default true; false keeps only
   * the cheap type and length checks, for batches that come validated from decodeChunk and
   * gained only columns the library computed.
   */
  validate?: boolean;
}

/**
 * Encodes a batch of complete groups as one chunk. `meta` (default: the batch's own) must
 * be a plain map of JSON-compatible values. Throws GigpoArgumentError on a malformed batch.
 */
export function encodeChunk(batch: StepBatch, meta?: Record<string, unknown>, options: EncodeOptions = {}): Uint8Array {
  checkHost();
  if (options.validate !== false) validateStepBatch(batch);
  const n = batch.numRows;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new GigpoArgumentError('batch.numRows', `expected a non-negative integer, got ${describe(n)}`);
  const chunkMeta = meta ?? batch.meta ?? {};
  if (chunkMeta === null || typeof chunkMeta !== 'object' || Array.isArray(chunkMeta))
    throw new GigpoArgumentError('meta', 'expected a plain object');
  const columns: Record<string, FileColumn | string[]> = {};
  for (const name of ROW_COLUMNS) columns[name] = column(batch[name], ROW_DTYPES[name], name, n);
  columns.observations = raggedColumn(batch.observations, 'u8', 'observations');
  for (const name of RAGGED_COLUMNS) {
    const c = batch[name];
    if (c) columns[name] = raggedColumn(c, RAGGED_DTYPES[name], name, n);
  }
  for (const name of OPTIONAL_COLUMNS) if (batch[name]) columns[name] = column(batch[name], OPTIONAL_DTYPES[name], name, n);
  if (batch.scores) for (const name of SCORE_COLUMNS) columns[name] = column(batch.scores[name], SCORE_DTYPES[name], `scores.${name}`, n);
  for (const name of LABEL_COLUMNS) {
    const labels = batch[name];
    if (labels === undefined) continue;
    if (!Array.isArray(labels)) throw new GigpoArgumentError(`batch.${name}`, `expected an array of strings, got ${describe(labels)}`);
    columns[name] = labels;
  }
  return msgpack().packr.pack({ format: CHUNK_FORMAT, version: CHUNK_VERSION, meta: chunkMeta, columns });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function describe(v: unknown): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return `${v.length} bytes of binary data`;
  if (ArrayBuffer.isView(v)) return `${/^[AEIOU]/.test(v.constructor.name) ? 'an' : 'a'} ${v.constructor.name}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return 'a map';
  return String(v); // numbers, booleans and the BigInts msgpackr gives for integers >= 2^53
}

/** A shape as the file gave it, e.g. [3, 4]; its entries may be anything (a BigInt, a map). */
function describeShape(shape: unknown): string {
  if (!Array.isArray(shape)) return describe(shape);
  const entries = shape.slice(0, 4).map((x) => (typeof x === 'number' || typeof x === 'bigint' ? String(x) : describe(x)));
  return `[${entries.join(',')}${shape.length > 4 ? `,... (${shape.length} entries)` : ''}]`;
}

/** Reads and checks one { dtype, shape, data } column; `length` is the expected shape[0] if known. */
function readColumn(source: string, name: string, raw: unknown, dtype: Dtype, length?: number): NumericArray {
  if (raw === undefined) throw new GigpoInputError(source, `${name}: missing`);
  if (!isMap(raw)) throw new GigpoInputError(source, `${name}: expected a {dtype, shape, data} map, got ${describe(raw)}`);
  if (raw.dtype !== dtype) throw new GigpoInputError(source, `${name}.dtype: expected ${dtype}, got ${describe(raw.dtype)}`);
  const shape = raw.shape;
  if (!Array.isArray(shape) || shape.length !== 1 || !Number.isSafeInteger(shape[0]) || shape[0] < 0)
    throw new GigpoInputError(source, `${name}.shape: expected [length], got ${describeShape(shape)}`);
  if (length !== undefined && shape[0] !== length)
    throw new GigpoInputError(source, `${name}.shape: expected [${length}], got [${shape[0]}]`);
  const data = raw.data;
  if (!(data instanceof Uint8Array)) throw new GigpoInputError(source, `${name}.data: expected binary data, got ${describe(data)}`);
  const type = DTYPES[dtype];
  if (data.byteLength !== shape[0] * type.BYTES_PER_ELEMENT)
    throw new GigpoInputError(
      source,
      `${name}.data: expected ${shape[0] * type.BYTES_PER_ELEMENT} bytes (${shape[0]} x ${dtype}), got ${data.byteLength}`,
    );
  return arrayOf(type, data);
}

function readRagged<T extends Uint8Array | Int32Array | Float32Array>(
  source: string,
  name: string,
  raw: unknown,
  dtype: Dtype,
  rows?: number,
): Ragged<T> {
  const data = readColumn(source, name, raw, dtype) as T;
  const offsets = readColumn(
    source,
    `${name}.offsets`,
    (raw as Record<string, unknown>).offsets,
    'u32',
    rows === undefined ? undefined : rows + 1,
  ) as Uint32Array;
  if (offsets.length === 0) throw new GigpoInputError(source, `${name}.offsets: expected at least one offset`);
  if (offsets[0] !== 0) throw new GigpoInputError(source, `${name}.offsets[0]: expected 0, got ${offsets[0]}`);
  for (let i = 1; i < offsets.length; i++)
    if (offsets[i] < offsets[i - 1])
      throw new GigpoInputError(source, `${name}.offsets[${i}]: ${offsets[i]} is less than the previous offset ${offsets[i - 1]}`);
  if (offsets[offsets.length - 1] !== data.length)
    throw new GigpoInputError(source, `${name}.offsets: last offset ${offsets[offsets.length - 1]} != data length ${data.length}`);
  return { offsets, data };
}

/**
 * Each element of a text column is valid UTF-8: the whole data is, and no offset falls
 * inside a character (on a continuation byte 0b10xxxxxx).
 */
function checkText(source: string, name: string, column: Ragged<Uint8Array>): void {
  const { offsets, data } = column;
  if (!isUtf8(data)) {
    for (let i = 0; i + 1 < offsets.length; i++)
      if (!isUtf8(data.subarray(offsets[i], offsets[i + 1]))) throw new GigpoInputError(source, `${name}[${i}]: invalid UTF-8`);
  }
  for (let i = 1; i + 1 < offsets.length; i++)
    if ((data[offsets[i]] & 0xc0) === 0x80) throw new GigpoInputError(source, `${name}[${i}]: invalid UTF-8 (starts inside a character)`);
}

function readText(source: string, name: string, raw: unknown, rows?: number): Ragged<Uint8Array> {
  const column = readRagged<Uint8Array>(source, name, raw, 'u8', rows);
  checkText(source, name, column);
  return column;
}

function readLabels(source: string, name: string, raw: unknown): string[] {
  if (!Array.isArray(raw)) throw new GigpoInputError(source, `${name}: expected an array of strings, got ${describe(raw)}`);
  for (let i = 0; i < raw.length; i++)
    if (typeof raw[i] !== 'string') throw new GigpoInputError(source, `${name}[${i}]: expected a string, got ${describe(raw[i])}`);
  return raw as string[];
}

/**
 * Decodes and validates one chunk. `source` names it in errors (e.g. "steps.msgpack: chunk 3").
 * Columns are views into `bytes` where aligned, so keep `bytes` unmodified while the batch lives.
 */
export function decodeChunk(bytes: Uint8Array, source: string): StepBatch {
  checkHost();
  let top: unknown;
  try {
    top = msgpack().unpackr.unpack(bytes);
  } catch (err) {
    throw new GigpoInputError(source, `invalid msgpack: ${(err as Error).message}`);
  }
  if (!isMap(top)) throw new GigpoInputError(source, `expected a ${CHUNK_FORMAT} chunk map, got ${describe(top)}`);
  if (top.format !== CHUNK_FORMAT) throw new GigpoInputError(source, `format: expected "${CHUNK_FORMAT}", got ${describe(top.format)}`);
  if (top.version !== CHUNK_VERSION)
    throw new GigpoInputError(source, `version: this reader knows version ${CHUNK_VERSION}, got ${describe(top.version)}`);
  if (top.meta !== undefined && top.meta !== null && !isMap(top.meta))
    throw new GigpoInputError(source, `meta: expected a map, got ${describe(top.meta)}`);
  const cols = top.columns;
  if (!isMap(cols)) throw new GigpoInputError(source, `columns: expected a map, got ${describe(cols)}`);

  const group = readColumn(source, 'columns.group', cols.group, 'u32') as Uint32Array;
  const n = group.length;
  const fixed = {} as Record<RowColumn, NumericArray>;
  for (const name of ROW_COLUMNS)
    fixed[name] = name === 'group' ? group : readColumn(source, `columns.${name}`, cols[name], ROW_DTYPES[name], n);
  const batch: StepBatch = {
    numRows: n,
    group,
    traj: fixed.traj as Uint32Array,
    step: fixed.step as Uint32Array,
    action: fixed.action as Int32Array,
    reward: fixed.reward as Float32Array,
    done: fixed.done as Uint8Array,
    truncated: fixed.truncated as Uint8Array,
    valid: fixed.valid as Uint8Array,
    anchor: fixed.anchor as BigUint64Array,
    obs: fixed.obs as Uint32Array,
    observations: readText(source, 'columns.observations', cols.observations),
    meta: (top.meta ?? {}) as Record<string, unknown>,
  };
  for (const name of RAGGED_COLUMNS)
    if (cols[name] !== undefined)
      (batch as unknown as Record<string, unknown>)[name] = TEXT_COLUMNS.has(name)
        ? readText(source, `columns.${name}`, cols[name], n)
        : readRagged(source, `columns.${name}`, cols[name], RAGGED_DTYPES[name], n);
  for (const name of OPTIONAL_COLUMNS)
    if (cols[name] !== undefined)
      (batch as unknown as Record<string, unknown>)[name] = readColumn(source, `columns.${name}`, cols[name], OPTIONAL_DTYPES[name], n);
  if (SCORE_COLUMNS.some((name) => cols[name] !== undefined)) {
    const scores = {} as Record<keyof StepScores, NumericArray>;
    for (const name of SCORE_COLUMNS) {
      if (cols[name] === undefined)
        throw new GigpoInputError(source, `columns.${name}: missing (a scored chunk carries all of ${SCORE_COLUMNS.join(', ')})`);
      scores[name] = readColumn(source, `columns.${name}`, cols[name], SCORE_DTYPES[name], n);
    }
    batch.scores = scores as unknown as StepScores;
  }
  for (const name of LABEL_COLUMNS) if (cols[name] !== undefined) batch[name] = readLabels(source, `columns.${name}`, cols[name]);
  try {
    validateStepBatch(batch, 'columns');
  } catch (err) {
    if (err instanceof GigpoArgumentError) throw new GigpoInputError(source, err.message.replace('columns.scores.', 'columns.'));
    throw err;
  }
  return batch;
}
