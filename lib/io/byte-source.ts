// Positional reads over a file or a one-pass stream (stdin, a pipe), so the chunk reader
// can walk headers and then read a whole chunk into memory of exactly its size. A stream
// keeps only the pieces at or after the last released position.
import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

import { GigpoInputError } from '../errors.js';

export interface ByteSource {
  /** Name for error messages (the path, or "<stdin>"). */
  readonly name: string;
  /**
   * Copies bytes from absolute position `at` into `into`: at least `min` (default: all of
   * `into`) unless the data ends first, and more if they are at hand. Returns the count.
   */
  read(into: Uint8Array, at: number, min?: number): Promise<number>;
  /**
   * `end`, or the length of the data if it ends before `end`: lets a reader check that a
   * declared length is there before allocating memory for it.
   */
  available(end: number): Promise<number>;
  /** Bytes before `at` will not be read again. */
  release(at: number): void;
  close(): Promise<void>;
}

/** Opens an input file for reading; a missing or unreadable file is a GigpoInputError naming it. */
export async function openInputFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new GigpoInputError(path, e.code === 'ENOENT' ? 'no such file' : `cannot open: ${e.message}`);
  }
}

/** Longest single read: node's fs read takes a 32-bit length. */
const MAX_READ_BYTES = 1 << 30;

export async function openFileSource(path: string): Promise<ByteSource> {
  const fh = await openInputFile(path);
  return {
    name: path,
    async read(into, at, min = into.length) {
      let got = 0;
      try {
        while (got < min) {
          const { bytesRead } = await fh.read(into, got, Math.min(into.length - got, MAX_READ_BYTES), at + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
      } catch (err) {
        throw new GigpoInputError(path, `cannot read: ${(err as Error).message}`);
      }
      return got;
    },
    async available(end) {
      let stat: Stats;
      try {
        stat = await fh.stat();
      } catch (err) {
        throw new GigpoInputError(path, `cannot read: ${(err as Error).message}`);
      }
      return stat.isFile() ? Math.min(end, stat.size) : end; // a pipe's length is known only by reading it
    },
    release() {},
    close: () => fh.close(),
  };
}

export function streamSource(stream: AsyncIterable<Uint8Array | string>, name: string): ByteSource {
  const iterator = stream[Symbol.asyncIterator]();
  const pieces: Uint8Array[] = [];
  let first = 0; // absolute position of pieces[0]
  let buffered = 0; // bytes in pieces
  let ended = false;

  async function fill(upTo: number): Promise<void> {
    while (!ended && first + buffered < upTo) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else {
        const piece = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        pieces.push(piece);
        buffered += piece.length;
      }
    }
  }

  return {
    name,
    async read(into, at, min = into.length) {
      if (at < first) throw new Error(`internal: read at ${at} before released position ${first}`);
      await fill(at + min); // wait only for what is needed: the producer may be waiting on us
      let pieceStart = first;
      let got = 0;
      for (const piece of pieces) {
        const pieceEnd = pieceStart + piece.length;
        const from = Math.max(at + got, pieceStart);
        if (from < pieceEnd && got < into.length) {
          const n = Math.min(pieceEnd - from, into.length - got);
          into.set(piece.subarray(from - pieceStart, from - pieceStart + n), got);
          got += n;
        }
        pieceStart = pieceEnd;
      }
      return got;
    },
    async available(end) {
      await fill(end);
      return Math.min(end, first + buffered);
    },
    release(at) {
      while (pieces.length > 0 && first + pieces[0].length <= at) {
        first += pieces[0].length;
        buffered -= pieces[0].length;
        pieces.shift();
      }
    },
    async close() {
      await iterator.return?.();
    },
  };
}
