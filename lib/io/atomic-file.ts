// Writes an output file under a temporary name in the same directory and renames it into
// place on close(), so a failed or interrupted run never leaves a half-written file under
// the real name. abort() removes the temporary file.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { GigpoArgumentError } from '../errors.js';
import type { ByteSink } from './byte-sink.js';

export class AtomicFile implements ByteSink {
  private fh: FileHandle | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    fh: FileHandle,
  ) {
    this.fh = fh;
  }

  static async open(path: string): Promise<AtomicFile> {
    if (typeof path !== 'string' || path === '') throw new GigpoArgumentError('path', 'expected a file path');
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(tempPath, 'wx');
    } catch (err) {
      throw new Error(`${path}: cannot create the output file: ${(err as Error).message}`, { cause: err });
    }
    return new AtomicFile(path, tempPath, fh);
  }

  /** The final path (what error messages name). */
  get name(): string {
    return this.path;
  }

  async write(data: Uint8Array | string): Promise<void> {
    if (!this.fh) throw new Error(`${this.path}: write after close or abort`);
    if (typeof data === 'string') await this.fh.write(data, null, 'utf8');
    else {
      let done = 0;
      while (done < data.length) done += (await this.fh.write(data, done, data.length - done)).bytesWritten;
    }
  }

  /** Flushes, closes and renames the temporary file to `path`. */
  async close(): Promise<void> {
    if (this.closed) return;
    const fh = this.fh;
    if (!fh) throw new Error(`${this.path}: close after abort`);
    this.fh = undefined;
    try {
      await fh.close();
      await rename(this.tempPath, this.path);
      this.closed = true;
    } catch (err) {
      await rm(this.tempPath, { force: true });
      throw err;
    }
  }

  /** Discards the output: closes and deletes the temporary file. Safe to call twice. */
  async abort(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (this.closed) return;
    await fh?.close().catch(() => {});
    await rm(this.tempPath, { force: true });
  }
}
