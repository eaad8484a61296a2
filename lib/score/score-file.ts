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
import { resolveAdvantageOptions, type AdvantageOptions, type ResolvedAdvantageOptions } from '../advantage/options.js';
import { gatherTrajectories } from '../io/gather-trajectories.js';
import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import { AtomicFile } from '../io/atomic-file.js';
import type { ByteSink } from '../io/byte-sink.js';
import { readJsonlPieces } from '../io/jsonl-trajectories.js';
import type { PieceTrajectory } from '../io/trajectory-piece.js';
import type { EncodedLines, JsonlForm } from '../io/jsonl-writer.js';
import { ChunkGroupCheck, readMsgpackChunkBytes } from '../io/msgpack-reader.js';
import { batchGroups, DEFAULT_BATCH_ROWS, DEFAULT_MAX_OPEN_ROWS, GroupWindow, type OpenGroup } from './group-window.js';
import { InOrder } from './in-order.js';
import { checkFormat, formatOfPath, type DataFormat } from '../io/data-format.js';
import { openInput, type OpenedInput } from './score-input.js';
import { reusingInlineScorer, type Scorer } from './scorer.js';
import { scoreBatch, type ScoredChunk } from './score-part.js';
import { Run, type ScoreProgress } from './score-run.js';
import { resumeOptimizer } from '../util/optimizer.js';

export type { ScoreProgress };

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
  /** JSONL input: the GroupWindow bound (rows held while groups may still grow). Default 32768 (DEFAULT_MAX_OPEN_ROWS). */
  maxOpenRows?: number;
  /** JSONL input: rows per scoring batch of whole groups (at least). Default 16384 (DEFAULT_BATCH_ROWS). */
  batchRows?: number;
  /** Skip invalid lines, trajectories and chunks, and count them, instead of failing. */
  skipInvalid?: boolean;
  /** Where scoring runs; default the calling thread. A ScorePool is not destroyed here. */
  scorer?: Scorer;
  /** Called as work progresses (often: throttle any display). */
  onProgress?: (progress: ScoreProgress) => void;
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

function positiveInteger(value: number | undefined, fallback: number, path: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw new GigpoArgumentError(path, `expected an integer >= ${min}, got ${String(value)}`);
  return value;
}

/** Scores `options.input` into `options.output`; on any error the output file is removed. */
export async function scoreFile(options: ScoreFileOptions): Promise<ScoreSummary> {
  if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  const advantage = resolveAdvantageOptions(options.advantage, 'options.advantage');
  const maxOpenRows = positiveInteger(options.maxOpenRows, DEFAULT_MAX_OPEN_ROWS, 'options.maxOpenRows', 2);
  const batchRows = positiveInteger(options.batchRows, DEFAULT_BATCH_ROWS, 'options.batchRows', 1);
  const form = options.jsonlForm ?? 'trajectory';
  if (form !== 'trajectory' && form !== 'row')
    throw new GigpoArgumentError('options.jsonlForm', `must be 'trajectory' or 'row', got ${String(form)}`);
  const output = options.output;
  let outputFormat = options.outputFormat;
  if (outputFormat === undefined && typeof output === 'string') outputFormat = formatOfPath(output);
  if (outputFormat === undefined)
    throw new GigpoArgumentError(
      'options.outputFormat',
      `cannot tell the format of ${typeof output === 'string' ? output : output.name}: give 'jsonl' or 'msgpack'`,
    );
  checkFormat(outputFormat, 'options.outputFormat');
  if (options.inputFormat !== undefined) checkFormat(options.inputFormat, 'options.inputFormat');
  const scorer = options.scorer ?? reusingInlineScorer();

  let input: OpenedInput;
  try {
    input = await openInput(options.input, { name: options.inputName, format: options.inputFormat });
  } catch (err) {
    if (typeof output !== 'string') await output.abort();
    throw err;
  }
  let sink: ByteSink;
  try {
    sink = typeof output === 'string' ? await AtomicFile.open(output) : output;
  } catch (err) {
    await input.close();
    throw err;
  }
  const run = new Run(input, sink, outputFormat, form, advantage, options.onProgress);
  const skipInvalid = options.skipInvalid ?? false;
  try {
    // msgpack is decoded and encoded in JavaScript: worth optimizing (lib/util/optimizer.ts).
    if (input.format === 'msgpack' || outputFormat === 'msgpack') resumeOptimizer();
    if (input.format === 'msgpack') await scoreChunks(run, scorer, skipInvalid);
    else await scoreJsonl(run, scorer, maxOpenRows, batchRows, skipInvalid);
    await run.flush();
    if (run.pieces === 0) throw new GigpoInputError(input.name, `nothing to score (${run.readStats.skipped} invalid chunks skipped)`);
    await sink.close();
    await input.close();
  } catch (err) {
    await sink.abort();
    await input.close();
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

/** Pieces in flight: on this thread one at a time (a piece is consumed before the next is scored). */
function inFlight(scorer: Scorer): number {
  return scorer.parallelism === 1 ? 1 : scorer.parallelism * 2;
}

function skip(run: Run, err: GigpoInputError): void {
  run.readStats.skipped++;
  if (run.readStats.firstErrors.length < 10) run.readStats.firstErrors.push(err.message);
}

// ---- msgpack input: one chunk = complete groups = one piece ----

async function scoreChunks(run: Run, scorer: Scorer, skipInvalid: boolean): Promise<void> {
  const groupCheck = new ChunkGroupCheck();
  type Formatted = { lines: EncodedLines; meta?: Uint8Array };
  const formatting = new InOrder<Formatted>(inFlight(scorer), async ({ lines, meta }) => {
    if (meta) await run.writeBytes(meta);
    await run.writeBytes(lines.bytes);
  });
  type Done = { chunk?: ScoredChunk; error?: GigpoInputError; index: number; source: string };
  const scoring = new InOrder<Done>(inFlight(scorer), async ({ chunk, error, index, source }) => {
    if (error) return skip(run, error);
    const { batch, scores } = chunk!;
    groupCheck.check(chunk!.groupKeys, index, source);
    run.account(chunk!);
    run.rowsRead += batch.numRows;
    batch.scores = scores;
    run.trajectories += chunk!.stats.numTrajectories;
    if (run.outputFormat === 'msgpack') await run.writeChunk(batch);
    else {
      const meta = run.metaLine(batch.meta);
      await formatting.push(scorer.formatLines(batch, run.form).then((lines) => ({ lines, meta })));
    }
    run.progress();
  });
  try {
    // A file is read by position: each chunk's bytes go straight into memory of their own.
    for await (const raw of readMsgpackChunkBytes(run.input.path ?? run.input.stream, { name: run.input.name })) {
      const { index, source } = raw;
      run.chunkBytes += raw.bytes.length;
      let result = scorer.scoreChunk(raw, run.options).then((chunk): Done => ({ chunk, index, source }));
      if (skipInvalid)
        result = result.catch((err): Done => {
          if (err instanceof GigpoInputError) return { error: err, index, source };
          throw err;
        });
      await scoring.push(result);
      run.progress();
    }
    await scoring.drain();
    await formatting.drain();
  } catch (err) {
    await Promise.all([scoring.discard(), formatting.discard()]);
    throw err;
  }
}

// ---- JSONL input: GroupWindow -> batches of whole groups ----
// Parsing and the (fast) scoring kernel run on this thread; formatting JSONL output, the
// costly part, runs on the scorer (the pool, if any).

/** A trajectory waiting to be written: its bytes once its group is scored and formatted. */
interface Slot {
  bytes?: Uint8Array;
  start: number;
  end: number;
}

const DONE: Slot = { start: 0, end: 0 };

async function scoreJsonl(run: Run, scorer: Scorer, maxOpenRows: number, batchRows: number, skipInvalid: boolean): Promise<void> {
  const window = new GroupWindow<Slot, PieceTrajectory>(maxOpenRows);
  const jsonlOut = run.outputFormat === 'jsonl';
  // Trajectories in input order, for JSONL output; written once their group is formatted.
  let queue: Slot[] = [];
  let head = 0;

  async function writeReady(): Promise<void> {
    while (head < queue.length && queue[head].bytes) {
      const s = queue[head];
      queue[head++] = DONE; // drop the slot: it pins its batch's formatted lines
      await run.writeBytes(s.bytes!.subarray(s.start, s.end));
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  type Formatted = { lines: EncodedLines; slots: Slot[] };
  const formatting = new InOrder<Formatted>(inFlight(scorer), async ({ lines, slots }) => {
    for (let t = 0; t < slots.length; t++) {
      slots[t].bytes = lines.bytes;
      slots[t].start = lines.trajOffsets[t];
      slots[t].end = lines.trajOffsets[t + 1];
    }
    await writeReady();
  });

  async function submit(groups: OpenGroup<Slot, PieceTrajectory>[]): Promise<void> {
    for (const take of batchGroups(groups, batchRows)) {
      const records = take.flatMap((g) => g.records);
      const { batch, ids } = gatherTrajectories(take.map((g) => g.records));
      const part = scoreBatch(batch, run.options, records[0].source, (r) => `${records[batch.traj[r]].source} (steps[${batch.step[r]}])`);
      run.account(part);
      batch.scores = part.scores;
      if (!jsonlOut) await run.writeChunk(batch);
      else {
        const slots = take.flatMap((g) => g.slots);
        await formatting.push(scorer.formatLines(batch, run.form, ids).then((lines) => ({ lines, slots })));
      }
      run.progress();
    }
  }

  let meta: Record<string, unknown> | undefined;
  try {
    for await (const trajectories of readJsonlPieces(run.input.stream, { name: run.input.name, skipInvalid, stats: run.readStats }))
      for (const record of trajectories) {
        if (skipInvalid && window.isDuplicate(record)) {
          skip(
            run,
            new GigpoInputError(
              record.source,
              `traj: trajectory ${JSON.stringify(record.traj)} appears twice in group ${JSON.stringify(record.group)}`,
            ),
          );
          continue;
        }
        if (record.meta !== meta) {
          // The input's meta lines stay where they were, before the trajectories they describe.
          meta = record.meta;
          const line = run.metaLine(meta);
          if (jsonlOut && line) queue.push({ bytes: line, start: 0, end: line.length });
        }
        const slot: Slot = { start: 0, end: 0 };
        const closed = window.add(record, slot);
        if (jsonlOut) queue.push(slot);
        run.trajectories++;
        run.rowsRead += record.numSteps;
        if (closed.length > 0) await submit(closed);
        if ((run.trajectories & 1023) === 0) run.progress();
      }
    await submit(window.finish());
    await formatting.drain();
  } catch (err) {
    await formatting.discard();
    throw err;
  }
}
