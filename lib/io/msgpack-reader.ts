// Reads a columnar msgpack file (or stdin) chunk by chunk with memory bounded by one
// chunk: walk the chunk's headers in small windows to find where it ends, read exactly
// its bytes into fresh memory (so its columns can be views), decode and validate.
import { constants } from 'node:buffer';

import { GigpoInputError } from '../errors.js';
import { openFileSource, streamSource, type ByteSource } from './byte-source.js';
import { decodeChunk } from './msgpack-chunk.js';
import { MsgpackFramingError, walk } from './msgpack-framing.js';
import type { StepBatch } from './step-batch.js';

const WINDOW_BYTES = 1 << 16;

export interface ReadMsgpackOptions {
  /** Name of a stream input in errors. Default "<stdin>". */
  name?: string;
  /** Check that no group appears in two chunks (chunks hold complete groups). Default true. */
  checkGroups?: boolean;
}

/** Byte range [start, end) of the chunk that starts at `start`, or undefined at a clean end. */
async function frameChunk(src: ByteSource, window: Uint8Array, start: number, index: number): Promise<{ end: number; first: Uint8Array } | undefined> {
  const where = `${src.name}: chunk ${index}`;
  let got = await src.read(window, start);
  if (got === 0) return undefined;
  const first = window.subarray(0, got);
  const state = { pos: start, pending: 1 };
  let base = start;
  for (;;) {
    try {
      walk(window.subarray(0, got), base, state);
    } catch (err) {
      if (err instanceof MsgpackFramingError) throw new GigpoInputError(where, `not msgpack (garbage at byte offset ${err.position})`);
      throw err;
    }
    if (state.pending === 0) return { end: state.pos, first };
    if (got < window.length)
      throw new GigpoInputError(where, `truncated: the chunk starting at byte offset ${start} is cut off by the end of the data at byte ${base + got}`);
    base = state.pos;
    got = await src.read(window, base);
  }
}

function groupKeys(batch: StepBatch): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let r = 0; r < batch.numRows; r++)
    if (r === 0 || batch.group[r] !== batch.group[r - 1])
      keys.push(batch.groupLabels ? `label:${batch.groupLabels[batch.group[r]]}` : batch.group[r]);
  return keys;
}

async function* readChunks(src: ByteSource, options: ReadMsgpackOptions): AsyncGenerator<StepBatch> {
  const window = new Uint8Array(WINDOW_BYTES);
  const seenGroups = new Map<string | number, number>();
  let start = 0;
  let index = 0;
  try {
    for (;; index++) {
      const frame = await frameChunk(src, window, start, index);
      if (!frame) break;
      const where = `${src.name}: chunk ${index}`;
      const length = frame.end - start;
      if (length > constants.MAX_LENGTH) throw new GigpoInputError(where, `chunk of ${length} bytes is larger than a buffer can hold`);
      let bytes: Uint8Array;
      if (length <= frame.first.length) bytes = frame.first.slice(0, length);
      else {
        bytes = Buffer.allocUnsafeSlow(length);
        const got = await src.read(bytes, start);
        if (got < length)
          throw new GigpoInputError(where, `truncated: the chunk starting at byte offset ${start} needs ${length} bytes, the data ends at byte ${start + got}`);
      }
      src.release(frame.end);
      const batch = decodeChunk(bytes, where);
      if (options.checkGroups !== false) {
        for (const key of groupKeys(batch)) {
          const earlier = seenGroups.get(key);
          if (earlier !== undefined)
            throw new GigpoInputError(where, `columns.group: group ${typeof key === 'string' ? key.slice(6) : key} also appears in chunk ${earlier} (a chunk must hold complete groups)`);
          seenGroups.set(key, index);
        }
      }
      yield batch;
      start = frame.end;
    }
    if (index === 0) throw new GigpoInputError(src.name, 'empty file: no chunks');
  } finally {
    await src.close();
  }
}

/**
 * The chunks of a columnar msgpack file (a path) or stream (e.g. process.stdin), one
 * StepBatch per chunk, validated. Throws GigpoInputError naming the file and chunk.
 */
export async function* readMsgpackChunks(input: string | AsyncIterable<Uint8Array | string>, options: ReadMsgpackOptions = {}): AsyncGenerator<StepBatch> {
  const src = typeof input === 'string' ? await openFileSource(input) : streamSource(input, options.name ?? '<stdin>');
  yield* readChunks(src, options);
}
