// Reads a columnar msgpack file (or stdin) chunk by chunk with memory bounded by about one
// chunk: walk the chunk's headers to find where it ends (payloads are skipped, not
// parsed), give its bytes memory of their own (so its columns can be views), decode and
// validate.
import { constants } from 'node:buffer';

import { GigpoInputError } from '../errors.js';
import { openFileSource, streamSource, type ByteSource } from './byte-source.js';
import { decodeChunk } from './msgpack-chunk.js';
import { MsgpackFramingError, walk, type WalkState } from './msgpack-framing.js';
import type { StepBatch } from './step-batch.js';

const WINDOW_BYTES = 1 << 16;

export interface ReadMsgpackOptions {
  /** Name of a stream input in errors. Default "<stdin>". */
  name?: string;
  /** Check that no group appears in two chunks (chunks hold complete groups). Default true. */
  checkGroups?: boolean;
}

function walkChunk(window: Uint8Array, base: number, state: WalkState, where: string): void {
  try {
    walk(window, base, state);
  } catch (err) {
    if (err instanceof MsgpackFramingError) throw new GigpoInputError(where, `not msgpack (garbage at byte offset ${err.position})`);
    throw err;
  }
}

function truncated(where: string, start: number, end: number): GigpoInputError {
  return new GigpoInputError(
    where,
    `truncated: the chunk starting at byte offset ${start} is cut off by the end of the data at byte ${end}`,
  );
}

/** Longest msgpack header (fixext16: type byte, ext type, 16 bytes). */
const MAX_HEADER = 18;

/**
 * The bytes of the chunk starting at `start` (undefined at a clean end of data), in memory
 * of their own. The first read of up to `guess` bytes usually holds the whole chunk
 * (chunks of a file tend to be alike); headers beyond it are read in small windows and the
 * rest of the chunk in one read once its length is known. Reads wait only for the bytes
 * needed next, so a stream producer is never waited on for data it has not yet sent.
 */
async function readChunkBytes(
  src: ByteSource,
  window: Uint8Array,
  start: number,
  guess: number,
  where: string,
): Promise<Uint8Array | undefined> {
  const block = Buffer.allocUnsafeSlow(guess);
  let got = await src.read(block, start, 1);
  if (got === 0) return undefined;
  const state = { pos: start, pending: 1 };
  for (;;) {
    const rel = state.pos - start;
    if (rel < got) walkChunk(block.subarray(rel, got), state.pos, state, where);
    if (state.pending === 0) break;
    const next = state.pos - start;
    if (next + MAX_HEADER <= guess) {
      // The next header lies in the block's span: read on into the block, up to at least
      // its first byte, one byte more each time it is still incomplete.
      const n = await src.read(block.subarray(got), start + got, Math.max(1, next + 1 - got));
      if (n === 0) throw truncated(where, start, start + got);
      got += n;
    } else {
      // Beyond the block: the header (and maybe more) into the small window.
      const base = state.pos;
      let n = 0;
      do {
        const m = await src.read(window.subarray(n), base + n, 1);
        if (m === 0) throw truncated(where, start, base + n);
        n += m;
        walkChunk(window.subarray(0, n), base, state, where);
      } while (state.pos === base);
    }
  }
  const length = state.pos - start;
  if (length <= guess) {
    if (got < length) {
      const n = await src.read(block.subarray(got, length), start + got);
      if (got + n < length) throw truncated(where, start, start + got + n);
    }
    // Keep the block if this chunk fills at least half of it; else copy, not to pin the rest.
    return length >= guess >> 1 ? block.subarray(0, length) : new Uint8Array(block.subarray(0, length));
  }
  // A declared length the data does not hold is a truncated chunk: say so before allocating it.
  const end = await src.available(start + length);
  if (end < start + length) throw truncated(where, start, end);
  if (length > constants.MAX_LENGTH) throw new GigpoInputError(where, `chunk of ${length} bytes is larger than a buffer can hold`);
  const bytes = Buffer.allocUnsafeSlow(length);
  bytes.set(block.subarray(0, got));
  const rest = await src.read(bytes.subarray(got), start + got);
  if (got + rest < length) throw truncated(where, start, start + got + rest);
  return bytes;
}

/** A chunk's bytes before decoding, with where it came from (for errors). */
export interface RawChunk {
  bytes: Uint8Array;
  /** 0-based chunk index in the file. */
  index: number;
  /** "file: chunk N", for error messages. */
  source: string;
}

/** The distinct groups of a batch, in order: their labels when the batch has label tables, else their ids. */
export function chunkGroupKeys(batch: StepBatch): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let r = 0; r < batch.numRows; r++)
    if (r === 0 || batch.group[r] !== batch.group[r - 1])
      keys.push(batch.groupLabels ? `label:${batch.groupLabels[batch.group[r]]}` : batch.group[r]);
  return keys;
}

/** Checks that no group appears in two chunks (a chunk must hold complete groups). */
export class ChunkGroupCheck {
  private readonly seen = new Map<string | number, number>();

  /** `keys` from chunkGroupKeys of chunk `index`; throws GigpoInputError naming `source`. */
  check(keys: readonly (string | number)[], index: number, source: string): void {
    for (const key of keys) {
      const earlier = this.seen.get(key);
      if (earlier !== undefined)
        throw new GigpoInputError(
          source,
          `columns.group: group ${typeof key === 'string' ? key.slice(6) : key} also appears in chunk ${earlier} (a chunk must hold complete groups)`,
        );
      this.seen.set(key, index);
    }
  }
}

async function* readRawChunks(src: ByteSource): AsyncGenerator<RawChunk> {
  const window = new Uint8Array(WINDOW_BYTES);
  let start = 0;
  let index = 0;
  let guess = WINDOW_BYTES;
  try {
    for (; ; index++) {
      const source = `${src.name}: chunk ${index}`;
      const bytes = await readChunkBytes(src, window, start, guess, source);
      if (!bytes) break;
      const length = bytes.length; // the consumer may transfer (detach) the bytes
      src.release(start + length);
      yield { bytes, index, source };
      start += length;
      guess = Math.min(constants.MAX_LENGTH, length + WINDOW_BYTES);
    }
    if (index === 0) throw new GigpoInputError(src.name, 'empty file: no chunks');
  } finally {
    await src.close();
  }
}

async function openSource(input: string | AsyncIterable<Uint8Array | string>, name: string | undefined): Promise<ByteSource> {
  return typeof input === 'string' ? openFileSource(input) : streamSource(input, name ?? '<stdin>');
}

/**
 * The undecoded chunks of a columnar msgpack file or stream, each in memory of its own
 * (framing is checked: truncated data and bytes that are not msgpack throw
 * GigpoInputError). For decoding elsewhere, e.g. on a worker thread, with decodeChunk.
 */
export async function* readMsgpackChunkBytes(
  input: string | AsyncIterable<Uint8Array | string>,
  options: Pick<ReadMsgpackOptions, 'name'> = {},
): AsyncGenerator<RawChunk> {
  yield* readRawChunks(await openSource(input, options.name));
}

/**
 * The chunks of a columnar msgpack file (a path) or stream (e.g. process.stdin), one
 * StepBatch per chunk, validated. Throws GigpoInputError naming the file and chunk.
 */
export async function* readMsgpackChunks(
  input: string | AsyncIterable<Uint8Array | string>,
  options: ReadMsgpackOptions = {},
): AsyncGenerator<StepBatch> {
  const groups = new ChunkGroupCheck();
  for await (const { bytes, index, source } of readMsgpackChunkBytes(input, options)) {
    const batch = decodeChunk(bytes, source);
    if (options.checkGroups !== false) groups.check(chunkGroupKeys(batch), index, source);
    yield batch;
  }
}
