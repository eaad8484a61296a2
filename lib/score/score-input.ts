// Opening the input of `score` (and `inspect`): a path or a stream (stdin), its format
// from the file extension or, failing that, from its first byte, and a running count of
// the bytes read for progress reports.
import { GigpoInputError } from '../errors.js';
import { openInputFile } from '../io/byte-source.js';
import { formatOfFirstByte, formatOfPath, type DataFormat } from '../io/data-format.js';

export interface OpenedInput {
  /** The path, or the stream's name. */
  name: string;
  /** The path of a file input (readers may read it by position instead of as `stream`). */
  path?: string;
  format: DataFormat;
  /** Bytes of the input, in order (a file is read with 1 MiB reads); made on first use. */
  readonly stream: AsyncIterable<Uint8Array>;
  /** File size; undefined for a stream. */
  size?: number;
  /** Bytes handed out by `stream` so far. */
  bytesRead(): number;
  /** Releases the input (closes the file) whether or not `stream` was read to the end. */
  close(): Promise<void>;
}

const READ_BYTES = 1 << 20;

/**
 * Opens a path (GigpoInputError "no such file" if missing) or wraps a stream. `format`
 * overrides detection. An empty input whose format is unknown is an error.
 */
export async function openInput(
  input: string | AsyncIterable<Uint8Array | string>,
  options: { name?: string; format?: DataFormat } = {},
): Promise<OpenedInput> {
  return typeof input === 'string' ? openFile(input, options.format) : openStream(input, options.name ?? '<stdin>', options.format);
}

async function openFile(path: string, format: DataFormat | undefined): Promise<OpenedInput> {
  const fh = await openInputFile(path);
  try {
    const stat = await fh.stat();
    if (stat.isDirectory()) throw new GigpoInputError(path, 'is a directory, expected a file');
    if (format === undefined) format = formatOfPath(path);
    if (format === undefined) {
      const first = Buffer.alloc(1);
      if ((await fh.read(first, 0, 1, 0)).bytesRead === 0) throw new GigpoInputError(path, 'empty file: no data');
      format = formatOfFirstByte(first[0]);
    }
    let opened: OpenedInput | undefined;
    const lazy = () => (opened ??= wrap(path, format!, fh.createReadStream({ highWaterMark: READ_BYTES, start: 0 }), undefined));
    return {
      name: path,
      path,
      format,
      get stream() {
        return lazy().stream;
      },
      size: stat.isFile() ? stat.size : undefined,
      bytesRead: () => opened?.bytesRead() ?? 0,
      close: () => (opened ? opened.close() : fh.close()),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

async function openStream(source: AsyncIterable<Uint8Array | string>, name: string, format: DataFormat | undefined): Promise<OpenedInput> {
  let first: Uint8Array | undefined;
  const iterator = source[Symbol.asyncIterator]();
  if (format === undefined) {
    // Peek at the first non-empty piece; it is handed out again first.
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw new GigpoInputError(name, 'empty file: no data');
      first = toBytes(next.value);
      if (first.length > 0) break;
    }
    format = formatOfFirstByte(first[0]);
  }
  return wrap(name, format, { [Symbol.asyncIterator]: () => iterator }, first);
}

/** The input as a counted stream of bytes, `first` (already taken from it) handed out first. */
function wrap(name: string, format: DataFormat, source: AsyncIterable<Uint8Array | string>, first: Uint8Array | undefined): OpenedInput {
  const iterator = source[Symbol.asyncIterator]();
  let count = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      if (first) {
        count += first.length;
        yield first;
      }
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const piece = toBytes(next.value);
        count += piece.length;
        yield piece;
      }
    } finally {
      await iterator.return?.();
    }
  }
  const stream = bytes();
  return {
    name,
    format,
    stream,
    bytesRead: () => count,
    async close() {
      await stream.return(undefined);
      await iterator.return?.(); // a generator never started skips its finally
    },
  };
}

function toBytes(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v) : v;
}
