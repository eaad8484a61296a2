// The state of one scoreFile run: counters for the summary and progress, step group ids
// renumbered over the whole output, and the output itself (chunks, or text gathered in
// two alternating buffers), each write overlapping the reading and scoring of the next piece.
import type { AdvantageStats } from '../advantage/compute.js';
import type { ResolvedAdvantageOptions } from '../advantage/options.js';
import type { ByteSink } from '../io/byte-sink.js';
import { newReadStats, type JsonlReadStats } from '../io/jsonl-reader.js';
import { jsonlMetaLine, type JsonlForm } from '../io/jsonl-writer.js';
import { encodeChunk } from '../io/msgpack-chunk.js';
import type { StepBatch } from '../io/step-batch.js';
import type { DataFormat } from '../io/data-format.js';
import type { OpenedInput } from './score-input.js';
import type { ScoredPart } from './score-part.js';

const TEXT_BUFFER_BYTES = 1 << 20;

/** What scoreFile reports as it goes (its onProgress option). */
export interface ScoreProgress {
  bytesRead: number;
  /** Input size when it is a file. */
  totalBytes?: number;
  rowsRead: number;
  rowsScored: number;
  groupsScored: number;
  elapsedMs: number;
}

/** Counters and the output, shared by the two input paths. */
export class Run {
  readonly started = performance.now();
  rowsRead = 0;
  rowsScored = 0;
  trajectories = 0;
  groups = 0;
  stepGroups = 0;
  singletonStepGroups = 0;
  zeroVarianceGroups = 0;
  pieces = 0;
  /** msgpack input read by position: the bytes of the chunks read so far. */
  chunkBytes = 0;
  private readonly textBuffers = [Buffer.allocUnsafeSlow(TEXT_BUFFER_BYTES), Buffer.allocUnsafeSlow(TEXT_BUFFER_BYTES)];
  private current = 0;
  private used = 0;
  readonly readStats: JsonlReadStats = newReadStats();
  private writing: Promise<void> = Promise.resolve();
  private lastProgress = 0;

  constructor(
    readonly input: OpenedInput,
    readonly sink: ByteSink,
    readonly outputFormat: DataFormat,
    readonly form: JsonlForm,
    readonly options: ResolvedAdvantageOptions,
    readonly onProgress?: (p: ScoreProgress) => void,
  ) {}

  /** Step group ids of this piece become ids over the whole output; the stats add up. */
  account(part: ScoredPart): void {
    const s: AdvantageStats = part.stats;
    const ids = part.scores.stepGroup;
    const base = this.stepGroups;
    if (base !== 0) for (let r = 0; r < ids.length; r++) ids[r] += base;
    this.stepGroups += s.numStepGroups;
    this.singletonStepGroups += s.singletonStepGroups;
    this.zeroVarianceGroups += s.zeroVarianceGroups;
    this.groups += s.numGroups;
    this.rowsScored += s.numRows;
    this.pieces++;
  }

  /** The meta a scored piece gets: its input's, plus the scoring options. */
  scoredMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
    return { ...(meta ?? {}), scoring: { ...this.options } };
  }

  /** JSONL output: the meta line of a piece whose input had meta (UTF-8, with its line break). */
  metaLine(meta: Record<string, unknown> | undefined): Uint8Array | undefined {
    if (meta === undefined || Object.keys(meta).length === 0) return undefined;
    return Buffer.from(`${jsonlMetaLine(this.scoredMeta(meta))}\n`);
  }

  async writeChunk(batch: StepBatch): Promise<void> {
    const meta = this.scoredMeta(batch.meta);
    // The batch was validated when read or built from validated records; scores are checked finite.
    await this.write(encodeChunk(batch, meta, { validate: false }));
  }

  /**
   * Starts writing `data` once the previous write has finished, without waiting for it:
   * the next piece is read and scored while this one goes to disk (at most two in memory).
   */
  private async write(data: Uint8Array | string): Promise<void> {
    await this.writing;
    this.writing = this.sink.write(data);
    this.writing.catch(() => {}); // surfaces at the next write or at flush()
  }

  /** Waits for the last write. */
  async flush(): Promise<void> {
    await this.flushText();
    await this.writing;
  }

  /** Appends encoded text; small pieces are gathered in a text buffer. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > TEXT_BUFFER_BYTES) {
      await this.flushText();
      if (bytes.length > TEXT_BUFFER_BYTES) return this.write(bytes); // bytes of their own: no copy needed
    }
    this.textBuffers[this.current].set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Writes the current text buffer; the next lines go to the other one (two alternate). */
  async flushText(): Promise<void> {
    if (this.used === 0) return;
    const bytes = this.textBuffers[this.current].subarray(0, this.used);
    await this.write(bytes); // returns once the write before it is done, so the other buffer is free
    this.current ^= 1;
    this.used = 0;
  }

  progress(force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.onProgress({
      bytesRead: Math.max(this.chunkBytes, this.input.bytesRead()),
      totalBytes: this.input.size,
      rowsRead: this.rowsRead,
      rowsScored: this.rowsScored,
      groupsScored: this.groups,
      elapsedMs: now - this.started,
    });
  }
}
