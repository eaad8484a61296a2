// Writes a columnar msgpack file chunk by chunk (one chunk per StepBatch of complete
// groups) through a temporary file that is renamed into place on close().
import { AtomicFile } from './atomic-file.js';
import type { ByteSink } from './byte-sink.js';
import { encodeChunk, type EncodeOptions } from './msgpack-chunk.js';
import type { StepBatch } from './step-batch.js';

/** A batch with no rows: what a file with nothing to hold contains, so it stays readable. */
function emptyBatch(): StepBatch {
  return {
    numRows: 0,
    group: new Uint32Array(0),
    traj: new Uint32Array(0),
    step: new Uint32Array(0),
    action: new Int32Array(0),
    reward: new Float32Array(0),
    done: new Uint8Array(0),
    truncated: new Uint8Array(0),
    valid: new Uint8Array(0),
    anchor: new BigUint64Array(0),
    obs: new Uint32Array(0),
    observations: { offsets: new Uint32Array(1), data: new Uint8Array(0) },
  };
}

export class MsgpackWriter {
  private chunks = 0;
  private rows = 0;

  private constructor(private readonly file: ByteSink) {}

  static async open(path: string): Promise<MsgpackWriter> {
    return new MsgpackWriter(await AtomicFile.open(path));
  }

  /** A writer into any sink (e.g. stdout through writableSink). */
  static to(sink: ByteSink): MsgpackWriter {
    return new MsgpackWriter(sink);
  }

  get path(): string {
    return this.file.name;
  }

  /** Chunks and rows written so far. */
  get stats(): { chunks: number; rows: number } {
    return { chunks: this.chunks, rows: this.rows };
  }

  /** Appends one chunk; `meta` defaults to the batch's own. */
  async write(batch: StepBatch, meta?: Record<string, unknown>, options?: EncodeOptions): Promise<void> {
    await this.writeEncoded(encodeChunk(batch, meta, options), batch.numRows);
  }

  /** Appends a chunk already encoded with encodeChunk (of `rows` rows). */
  async writeEncoded(bytes: Uint8Array, rows: number): Promise<void> {
    await this.file.write(bytes);
    this.chunks++;
    this.rows += rows;
  }

  /** Finishes the file (an empty run writes one chunk with no rows) and renames it into place. */
  async close(): Promise<void> {
    if (this.chunks === 0) await this.write(emptyBatch(), {});
    await this.file.close();
  }

  /** Deletes the partial output. */
  async abort(): Promise<void> {
    await this.file.abort();
  }
}

/** Writes every batch as one chunk; on any error the partial file is removed and the error rethrown. */
export async function writeMsgpackFile(
  path: string,
  batches: Iterable<StepBatch> | AsyncIterable<StepBatch>,
): Promise<{ chunks: number; rows: number }> {
  const writer = await MsgpackWriter.open(path);
  try {
    for await (const batch of batches) await writer.write(batch);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.stats;
}
