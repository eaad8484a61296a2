// Lines of a text file or stream with their 1-based numbers, in bounded memory (the
// longest line plus one read buffer). Handles LF and CRLF, a UTF-8 byte-order mark, and a
// last line with or without a final newline. Lines are split on the byte 0x0A, which never
// occurs inside a multi-byte UTF-8 sequence, and decoded strictly.
import { open } from 'node:fs/promises';

import { GigpoInputError } from '../errors.js';

export interface Line {
  /** The line without its line break. */
  text: string;
  /** 1-based line number. */
  line: number;
}

export interface LineReaderOptions {
  /** Name of a stream input in errors. Default "<stdin>". */
  name?: string;
  /** Longest accepted line in bytes. Default 256 MiB. */
  maxLineBytes?: number;
}

const READ_BYTES = 1 << 20;

async function openInput(input: string | AsyncIterable<Uint8Array | string>): Promise<AsyncIterable<Uint8Array | string>> {
  if (typeof input !== 'string') return input;
  try {
    const fh = await open(input, 'r');
    return fh.createReadStream({ highWaterMark: READ_BYTES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new GigpoInputError(input, e.code === 'ENOENT' ? 'no such file' : `cannot open: ${e.message}`);
  }
}

/** The lines one at a time. */
export async function* readLines(
  input: string | AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<Line> {
  for await (const lines of readLineBatches(input, options)) yield* lines;
}

/**
 * The lines in batches (those completed by each read), so that a consumer pays the cost of
 * an asynchronous step per read rather than per line.
 */
export async function* readLineBatches(
  input: string | AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<Line[]> {
  const name = typeof input === 'string' ? input : (options.name ?? '<stdin>');
  const decoder = new LineDecoder(name);
  for await (const region of readLineRegions(input, options)) {
    const { bytes, firstLine } = region;
    const lines: Line[] = [];
    for (let pos = 0, line = firstLine; pos < bytes.length; line++) {
      const nl = bytes.indexOf(0x0a, pos);
      const end = nl < 0 ? bytes.length : nl;
      lines.push({ text: decoder.decode(bytes.subarray(pos, end), line), line });
      pos = end + 1;
    }
    yield lines;
  }
}

/** Decodes one line (its bytes without the newline): strict UTF-8, a trailing CR dropped, a leading byte-order mark dropped. */
export class LineDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  constructor(private readonly name: string) {}

  decode(bytes: Uint8Array, line: number): string {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    try {
      return this.decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new GigpoInputError(`${this.name}:${line}`, 'invalid UTF-8');
    }
  }
}

/** Whole lines of the input, as read. */
export interface LineRegion {
  /** Lines separated by newlines; only the input's last line may lack its newline. */
  bytes: Uint8Array;
  /** 1-based number of its first line. */
  firstLine: number;
  /** Number of lines in it. */
  lines: number;
}

/**
 * The input's bytes cut at line ends, one region per read (the lines it completed), with
 * their line numbers; a line longer than maxLineBytes is an error naming it.
 */
export async function* readLineRegions(
  input: string | AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<LineRegion> {
  const name = typeof input === 'string' ? input : (options.name ?? '<stdin>');
  const maxLineBytes = options.maxLineBytes ?? 256 * 1024 * 1024;
  const stream = await openInput(input);
  let partial: Uint8Array[] = [];
  let partialBytes = 0;
  let line = 0; // lines handed out

  function take(piece: Uint8Array): Uint8Array {
    if (partialBytes === 0) return piece;
    const all = new Uint8Array(partialBytes + piece.length);
    let at = 0;
    for (const p of partial) {
      all.set(p, at);
      at += p.length;
    }
    all.set(piece, at);
    partial = [];
    partialBytes = 0;
    return all;
  }

  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let pos = 0;
      let count = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, pos);
        if (nl < 0) break;
        if ((count === 0 ? partialBytes : 0) + nl - pos > maxLineBytes)
          throw new GigpoInputError(`${name}:${line + count + 1}`, `line longer than ${maxLineBytes} bytes`);
        count++;
        pos = nl + 1;
      }
      if (count > 0) {
        yield { bytes: take(buf.subarray(0, pos)), firstLine: line + 1, lines: count };
        line += count;
      }
      if (pos < buf.length) {
        partialBytes += buf.length - pos;
        if (partialBytes > maxLineBytes) throw new GigpoInputError(`${name}:${line + 1}`, `line longer than ${maxLineBytes} bytes`);
        partial.push(buf.subarray(pos));
      }
    }
  } catch (err) {
    if (err instanceof GigpoInputError) throw err;
    throw new GigpoInputError(name, `cannot read: ${(err as Error).message}`);
  }
  if (partialBytes > 0) yield { bytes: take(new Uint8Array(0)), firstLine: line + 1, lines: 1 };
}
