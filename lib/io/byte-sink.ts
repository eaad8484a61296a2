// Where output bytes go: an AtomicFile (temporary name, renamed on close) or a stream such
// as stdout. Writers take a ByteSink so one code path serves `--out FILE` and `--out -`.
import type { Writable } from 'node:stream';

export interface ByteSink {
  /** Name for messages: the path, or "<stdout>". */
  readonly name: string;
  /** The caller may reuse `data` once the promise resolves. */
  write(data: Uint8Array | string): Promise<void>;
  /** Finishes the output (a file is renamed into place). */
  close(): Promise<void>;
  /** Gives up: a file's temporary output is deleted; a stream is left as it is. */
  abort(): Promise<void>;
}

/**
 * A sink over a writable stream that waits for 'drain' when the stream's buffer is full,
 * so memory stays bounded however slow the reader is. close() waits until everything
 * written has been flushed but does not end the stream (stdout stays open).
 */
export function writableSink(stream: Writable, name = '<stdout>'): ByteSink {
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure ??= err;
  };
  stream.on('error', onError);
  const check = () => {
    if (failure) throw new Error(`${name}: cannot write: ${failure.message}`, { cause: failure });
  };
  return {
    name,
    async write(data) {
      check();
      // A stream may hold on to the bytes after write() returns: give it its own copy.
      if (stream.write(typeof data === 'string' ? data : Buffer.from(data))) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
        stream.on('close', done);
      });
      check();
    },
    async close() {
      check();
      await new Promise<void>((resolve, reject) => stream.write('', (err) => (err ? reject(err) : resolve())));
    },
    // The error listener stays: a stream that fails after we are done must not crash the process.
    async abort() {},
  };
}
