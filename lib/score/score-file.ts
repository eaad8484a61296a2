// scoreFile: offline scoring of a JSONL or columnar msgpack file (or stream) of any size
// into scored JSONL or msgpack, in bounded memory.
//
// msgpack input: every chunk holds complete groups, so each chunk is scored on its own
// (decoded and scored on the pool when there is one) and written as one output chunk.
// JSONL input: trajectories are gathered into complete groups by GroupWindow (its header
// states the rule and the memory bound) and scored in batches of whole groups.
// Output order equals input order: JSONL output line by line; msgpack output chunk by
// chunk, except that a chunk made from scattered JSONL groups lays each group's
// trajectories out together (the format needs contiguous groups). Step group ids are
// numbered over the whole output, as scoring all the data in one batch would number them.
import type { AdvantageStats } from '../advantage/compute.js';
import { resolveAdvantageOptions, type AdvantageOptions, type ResolvedAdvantageOptions } from '../advantage/options.js';
import { recordsToBatch } from '../advantage/records.js';
import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import { AtomicFile } from '../io/atomic-file.js';
import type { ByteSink } from '../io/byte-sink.js';
import { newReadStats, readJsonlTrajectories, type JsonlReadStats } from '../io/jsonl-reader.js';
import { JsonlFormatter, type JsonlForm } from '../io/jsonl-writer.js';
import { encodeChunk } from '../io/msgpack-chunk.js';
import { ChunkGroupCheck, readMsgpackChunkBytes } from '../io/msgpack-reader.js';
import { trajectoryStarts, type StepBatch, type StepScores } from '../io/step-batch.js';
import { batchGroups, GroupWindow, type OpenGroup } from './group-window.js';
import { InOrder } from './in-order.js';
import { checkFormat, formatOfPath, openInput, type DataFormat, type OpenedInput } from './score-input.js';
import { inlineScorer, type Scorer } from './score-pool.js';
import type { ScoredChunk, ScoredPart } from './score-part.js';

export interface ScoreFileOptions {
  /** A path, or a stream such as process.stdin. */
  input: string | AsyncIterable<Uint8Array | string>;
  /** Name of a stream input in messages; default "<stdin>". */
  inputName?: string;
  /** Default: from the extension, else from the first byte. */
  inputFormat?: DataFormat;
  /** A path (written to a temporary name and renamed at the end) or a sink. */
  output: string | ByteSink;
  /** Default: from the output path's extension; required for a sink. */
  outputFormat?: DataFormat;
  /** JSONL output form: one trajectory per line (default) or one step per line. */
  jsonlForm?: JsonlForm;
  advantage?: AdvantageOptions;
  /** JSONL input: the GroupWindow bound (rows held while groups may still grow). Default 262144. */
  maxOpenRows?: number;
  /** JSONL input: rows per scoring batch of whole groups (at least). Default 65536. */
  batchRows?: number;
  /** Skip invalid lines, trajectories and chunks, and count them, instead of failing. */
  skipInvalid?: boolean;
  /** Where scoring runs; default the calling thread. A ScorePool is not destroyed here. */
  scorer?: Scorer;
  /** Called as work progresses (often: throttle any display). */
  onProgress?: (progress: ScoreProgress) => void;
}

export interface ScoreProgress {
  bytesRead: number;
  /** Input size when it is a file. */
  totalBytes?: number;
  rowsRead: number;
  rowsScored: number;
  groupsScored: number;
  elapsedMs: number;
}

export interface ScoreSummary {
  input: string;
  output: string;
  inputFormat: DataFormat;
  outputFormat: DataFormat;
  rows: number;
  trajectories: number;
  groups: number;
  stepGroups: number;
  singletonStepGroups: number;
  zeroVarianceGroups: number;
  /** Pieces scored: msgpack chunks, or batches of whole JSONL groups. */
  pieces: number;
  /** Invalid lines, trajectories (JSONL) or chunks (msgpack) skipped. */
  skipped: number;
  /** The first few reasons for skipping. */
  skipReasons: string[];
  seconds: number;
  rowsPerSecond: number;
  options: ResolvedAdvantageOptions;
}

const DEFAULT_MAX_OPEN_ROWS = 1 << 18;
const DEFAULT_BATCH_ROWS = 1 << 16;
const FLUSH_CHARS = 1 << 20;

function positiveInteger(value: number | undefined, fallback: number, path: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new GigpoArgumentError(path, `expected an integer >= ${min}, got ${String(value)}`);
  return value;
}

/** Counters and the output, shared by the two input paths. */
class Run {
  readonly started = performance.now();
  rowsRead = 0;
  rowsScored = 0;
  trajectories = 0;
  groups = 0;
  stepGroups = 0;
  singletonStepGroups = 0;
  zeroVarianceGroups = 0;
  pieces = 0;
  chunksWritten = 0;
  text = '';
  readonly readStats: JsonlReadStats = newReadStats();
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

  async writeChunk(batch: StepBatch): Promise<void> {
    const meta = { ...(batch.meta ?? {}), scoring: { ...this.options } };
    // The batch was validated when read or built from validated records; scores are checked finite.
    await this.sink.write(encodeChunk(batch, meta, { validate: false }));
    this.chunksWritten++;
  }

  async writeText(line: string): Promise<void> {
    this.text += line;
    this.text += '\n';
    if (this.text.length >= FLUSH_CHARS) await this.flushText();
  }

  async flushText(): Promise<void> {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    await this.sink.write(text);
  }

  progress(force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.onProgress({
      bytesRead: this.input.bytesRead(),
      totalBytes: this.input.size,
      rowsRead: this.rowsRead,
      rowsScored: this.rowsScored,
      groupsScored: this.groups,
      elapsedMs: now - this.started,
    });
  }
}

/** Scores `options.input` into `options.output`; on any error the output file is removed. */
export async function scoreFile(options: ScoreFileOptions): Promise<ScoreSummary> {
  if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  const advantage = resolveAdvantageOptions(options.advantage, 'options.advantage');
  const maxOpenRows = positiveInteger(options.maxOpenRows, DEFAULT_MAX_OPEN_ROWS, 'options.maxOpenRows', 2);
  const batchRows = positiveInteger(options.batchRows, DEFAULT_BATCH_ROWS, 'options.batchRows', 1);
  const form = options.jsonlForm ?? 'trajectory';
  if (form !== 'trajectory' && form !== 'row') throw new GigpoArgumentError('options.jsonlForm', `must be 'trajectory' or 'row', got ${String(form)}`);
  const output = options.output;
  let outputFormat = options.outputFormat;
  if (outputFormat === undefined && typeof output === 'string') outputFormat = formatOfPath(output);
  if (outputFormat === undefined)
    throw new GigpoArgumentError('options.outputFormat', `cannot tell the format of ${typeof output === 'string' ? output : output.name}: give 'jsonl' or 'msgpack'`);
  checkFormat(outputFormat, 'options.outputFormat');
  if (options.inputFormat !== undefined) checkFormat(options.inputFormat, 'options.inputFormat');
  const scorer = options.scorer ?? inlineScorer;

  let input: OpenedInput;
  try {
    input = await openInput(options.input, { name: options.inputName, format: options.inputFormat });
  } catch (err) {
    if (typeof output !== 'string') await output.abort();
    throw err;
  }
  const sink = typeof output === 'string' ? await AtomicFile.open(output) : output;
  const run = new Run(input, sink, outputFormat, form, advantage, options.onProgress);
  const skipInvalid = options.skipInvalid ?? false;
  try {
    if (input.format === 'msgpack') await scoreChunks(run, scorer, skipInvalid);
    else await scoreJsonl(run, scorer, maxOpenRows, batchRows, skipInvalid);
    await run.flushText();
    if (run.pieces === 0) throw new GigpoInputError(input.name, `nothing to score (${run.readStats.skipped} invalid chunks skipped)`);
    await sink.close();
  } catch (err) {
    await sink.abort();
    await input.stream[Symbol.asyncIterator]().return?.(undefined);
    throw err;
  }
  run.progress(true);
  const seconds = (performance.now() - run.started) / 1000;
  return {
    input: input.name,
    output: sink.name,
    inputFormat: input.format,
    outputFormat,
    rows: run.rowsScored,
    trajectories: run.trajectories,
    groups: run.groups,
    stepGroups: run.stepGroups,
    singletonStepGroups: run.singletonStepGroups,
    zeroVarianceGroups: run.zeroVarianceGroups,
    pieces: run.pieces,
    skipped: run.readStats.skipped,
    skipReasons: run.readStats.firstErrors,
    seconds,
    rowsPerSecond: seconds > 0 ? run.rowsScored / seconds : 0,
    options: advantage,
  };
}

function skip(run: Run, err: GigpoInputError): void {
  run.readStats.skipped++;
  if (run.readStats.firstErrors.length < 10) run.readStats.firstErrors.push(err.message);
}

// ---- msgpack input: one chunk = complete groups = one piece ----

async function scoreChunks(run: Run, scorer: Scorer, skipInvalid: boolean): Promise<void> {
  const groupCheck = new ChunkGroupCheck();
  type Done = { chunk?: ScoredChunk; error?: GigpoInputError; index: number; source: string };
  const inOrder = new InOrder<Done>(scorer.parallelism * 2, async ({ chunk, error, index, source }) => {
    if (error) return skip(run, error);
    const { batch, scores } = chunk!;
    groupCheck.check(chunk!.groupKeys, index, source);
    run.account(chunk!);
    run.rowsRead += batch.numRows;
    batch.scores = scores;
    run.trajectories += countTrajectories(batch);
    if (run.outputFormat === 'msgpack') await run.writeChunk(batch);
    else await writeBatchLines(run, batch);
    run.progress();
  });
  try {
    for await (const raw of readMsgpackChunkBytes(run.input.stream, { name: run.input.name })) {
      const { index, source } = raw;
      let result = scorer.scoreChunk(raw, run.options).then((chunk): Done => ({ chunk, index, source }));
      if (skipInvalid)
        result = result.catch((err): Done => {
          if (err instanceof GigpoInputError) return { error: err, index, source };
          throw err;
        });
      await inOrder.push(result);
      run.progress();
    }
    await inOrder.drain();
  } catch (err) {
    await inOrder.discard();
    throw err;
  }
}

function countTrajectories(b: StepBatch): number {
  let n = 0;
  for (let r = 0; r < b.numRows; r++) if (r === 0 || b.traj[r] !== b.traj[r - 1]) n++;
  return n;
}

async function writeBatchLines(run: Run, batch: StepBatch): Promise<void> {
  const f = new JsonlFormatter(batch);
  if (run.form === 'row') {
    for (let r = 0; r < batch.numRows; r++) await run.writeText(f.row(r));
    return;
  }
  const starts = trajectoryStarts(batch);
  for (let t = 0; t + 1 < starts.length; t++) await run.writeText(f.trajectory(starts[t], starts[t + 1]));
}

// ---- JSONL input: GroupWindow -> batches of whole groups ----

/** A trajectory waiting to be written: where its rows ended up once scored. */
interface Slot {
  formatter?: JsonlFormatter;
  start: number;
  end: number;
}

interface Piece {
  batch: StepBatch;
  ids: { group: readonly (string | number)[]; traj: readonly (string | number)[] };
  trajStarts: Uint32Array;
  slots: Slot[];
  part: ScoredPart;
}

async function scoreJsonl(run: Run, scorer: Scorer, maxOpenRows: number, batchRows: number, skipInvalid: boolean): Promise<void> {
  const window = new GroupWindow<Slot>(maxOpenRows);
  const jsonlOut = run.outputFormat === 'jsonl';
  // Trajectories in input order, for JSONL output; written once their group is scored.
  let queue: Slot[] = [];
  let head = 0;

  async function writeReady(): Promise<void> {
    while (head < queue.length && queue[head].formatter) {
      const s = queue[head++];
      if (run.form === 'row') for (let r = s.start; r < s.end; r++) await run.writeText(s.formatter!.row(r));
      else await run.writeText(s.formatter!.trajectory(s.start, s.end));
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  const inOrder = new InOrder<Piece>(scorer.parallelism * 2, async (piece) => {
    const { batch, part, slots, trajStarts, ids } = piece;
    run.account(part);
    batch.scores = part.scores as StepScores;
    if (!jsonlOut) {
      await run.writeChunk(batch);
    } else {
      const formatter = new JsonlFormatter(batch, ids);
      for (let t = 0; t < slots.length; t++) {
        slots[t].formatter = formatter;
        slots[t].start = trajStarts[t];
        slots[t].end = trajStarts[t + 1];
      }
      await writeReady();
    }
    run.progress();
  });

  async function submit(groups: OpenGroup<Slot>[]): Promise<void> {
    for (const take of batchGroups(groups, batchRows)) {
      const { batch, ids, trajStarts } = recordsToBatch(take.map((g) => g.records));
      const slots = take.flatMap((g) => g.slots);
      const scoring = scorer.scoreBatch(batch, run.options, take[0].records[0].source);
      await inOrder.push(scoring.then((part) => ({ batch, ids, trajStarts, slots, part })));
    }
  }

  try {
    for await (const record of readJsonlTrajectories(run.input.stream, { name: run.input.name, skipInvalid, stats: run.readStats })) {
      if (skipInvalid && window.isDuplicate(record)) {
        skip(run, new GigpoInputError(record.source, `traj: trajectory ${JSON.stringify(record.traj)} appears twice in group ${JSON.stringify(record.group)}`));
        continue;
      }
      const slot: Slot = { start: 0, end: 0 };
      const closed = window.add(record, slot);
      if (jsonlOut) queue.push(slot);
      run.trajectories++;
      run.rowsRead += record.steps.length;
      if (closed.length > 0) await submit(closed);
      if ((run.trajectories & 1023) === 0) run.progress();
    }
    await submit(window.finish());
    await inOrder.drain();
  } catch (err) {
    await inOrder.discard();
    throw err;
  }
}
