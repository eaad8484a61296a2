// Reads JSONL input (trajectory form or row form) from a file or stdin into validated
// records, line by line in bounded memory. Bad lines throw GigpoInputError("file:LINE",
// ...) or, with skipInvalid, are counted and skipped. Blank lines are ignored; a
// `{"meta": {...}}` line is not a record but the meta of the records after it; a file
// without any record is an error.
import { GigpoInputError } from '../errors.js';
import {
  metaOfLine,
  parseJsonLine,
  toRowRecord,
  toTrajectoryRecord,
  type RowRecord,
  type StepRecord,
  type TrajectoryRecord,
} from './jsonl-records.js';
import { readLineBatches, type LineReaderOptions } from './line-reader.js';

export interface JsonlReadStats {
  /** Lines read (including blank ones). */
  lines: number;
  /** Records returned. */
  records: number;
  /** Records skipped as invalid (skipInvalid). */
  skipped: number;
  /** The first few skip reasons, for a warning. */
  firstErrors: string[];
}

export interface JsonlReadOptions extends LineReaderOptions {
  /** Count and skip invalid lines instead of throwing. Default false. */
  skipInvalid?: boolean;
  /** Filled in while reading. */
  stats?: JsonlReadStats;
}

export function newReadStats(): JsonlReadStats {
  return { lines: 0, records: 0, skipped: 0, firstErrors: [] };
}

function skip(stats: JsonlReadStats, err: GigpoInputError): void {
  stats.skipped++;
  if (stats.firstErrors.length < 10) stats.firstErrors.push(err.message);
}

/**
 * The TypeScript reading of JSONL lines, one at a time: blank lines, `{"meta": ...}` lines,
 * records (converted by `convert`, given the meta of the last meta line), and, with
 * skipInvalid, bad lines counted and skipped. `stats` is kept up to date.
 */
export class JsonlLineReader<T extends { meta?: Record<string, unknown> }> {
  meta: Record<string, unknown> | undefined;

  constructor(
    readonly name: string,
    readonly stats: JsonlReadStats,
    private readonly skipInvalid: boolean,
    private readonly convert: (value: unknown, source: string) => T,
  ) {}

  /** The record of line `line`, or undefined (blank, meta or skipped); a bad line throws GigpoInputError unless skipInvalid. */
  read(text: string, line: number): T | undefined {
    this.stats.lines = line;
    if (text.trim() === '') return undefined;
    const source = `${this.name}:${line}`;
    try {
      const value = parseJsonLine(text, source);
      const lineMeta = metaOfLine(value, source);
      if (lineMeta !== undefined) {
        this.meta = lineMeta;
        return undefined;
      }
      const record = this.convert(value, source);
      if (this.meta !== undefined) record.meta = this.meta;
      this.stats.records++;
      return record;
    } catch (err) {
      if (!(this.skipInvalid && err instanceof GigpoInputError)) throw err;
      skip(this.stats, err);
      return undefined;
    }
  }

  /** At the end of the input: a file without any record is an error. */
  finish(): void {
    if (this.stats.records === 0)
      throw new GigpoInputError(
        this.name,
        this.stats.skipped > 0 ? `no valid records (${this.stats.skipped} invalid lines skipped)` : 'empty file: no records',
      );
  }
}

async function* readRecords<T extends { meta?: Record<string, unknown> }>(
  input: string | AsyncIterable<Uint8Array | string>,
  options: JsonlReadOptions,
  convert: (value: unknown, source: string) => T,
): AsyncGenerator<T> {
  const name = typeof input === 'string' ? input : (options.name ?? '<stdin>');
  const reader = new JsonlLineReader(name, options.stats ?? newReadStats(), options.skipInvalid ?? false, convert);
  for await (const lines of readLineBatches(input, options)) {
    const records: T[] = [];
    for (const { text, line } of lines) {
      let record: T | undefined;
      try {
        record = reader.read(text, line);
      } catch (err) {
        yield* records; // the good lines before the bad one still count
        throw err;
      }
      if (record !== undefined) records.push(record);
    }
    yield* records;
  }
  reader.finish();
}

/** Trajectory-form JSONL: one `{group, traj, steps: [...]}` per line. */
export function readTrajectoryRecords(
  input: string | AsyncIterable<Uint8Array | string>,
  options: JsonlReadOptions = {},
): AsyncGenerator<TrajectoryRecord> {
  return readRecords(input, options, toTrajectoryRecord);
}

/** Row-form JSONL: one step per line, `{group, traj, step, obs | anchor, action?, reward, valid?}`. */
export function readRowRecords(
  input: string | AsyncIterable<Uint8Array | string>,
  options: JsonlReadOptions = {},
): AsyncGenerator<RowRecord> {
  return readRecords(input, options, toRowRecord);
}

/**
 * Gathers row records into trajectories: the rows of a trajectory must be consecutive and
 * numbered 0, 1, 2, ... (rows of a training batch, with source_row: steps that never
 * decrease, kept on the steps). A break in that order is an error naming the row's line, or
 * with skipInvalid drops the whole trajectory (its rows count as skipped).
 */
export async function* rowsToTrajectories(
  rows: AsyncIterable<RowRecord>,
  options: Pick<JsonlReadOptions, 'skipInvalid' | 'stats'> = {},
): AsyncGenerator<TrajectoryRecord> {
  const gatherer = new RowGatherer(options);
  for await (const row of rows) {
    const done = gatherer.push(row);
    if (done) yield done;
  }
  const last = gatherer.finish();
  if (last) yield last;
}

/** rowsToTrajectories one row at a time: push returns the trajectory a row completes, if any. */
export class RowGatherer {
  private readonly stats: JsonlReadStats;
  private readonly skipInvalid: boolean;
  private current: TrajectoryRecord | undefined;
  private dropping: { group: RowRecord['group']; traj: RowRecord['traj'] } | undefined;

  constructor(options: Pick<JsonlReadOptions, 'skipInvalid' | 'stats'> = {}) {
    this.stats = options.stats ?? newReadStats();
    this.skipInvalid = options.skipInvalid ?? false;
  }

  push(row: RowRecord): TrajectoryRecord | undefined {
    const same = (t: { group: unknown; traj: unknown } | undefined) => t !== undefined && t.group === row.group && t.traj === row.traj;
    if (same(this.dropping)) {
      this.stats.skipped++;
      return undefined;
    }
    this.dropping = undefined;
    const current = this.current;
    const { group, traj, step, source, meta, ...fields } = row;
    const drawn = fields.sourceRow !== undefined;
    if (drawn) (fields as StepRecord).step = step;
    const steps = same(current) ? current!.steps : undefined;
    const last = steps?.[steps.length - 1];
    let follows: boolean;
    if (!steps)
      follows = drawn || step === 0; // a new trajectory (a drawn one may start after step 0)
    else if (drawn) follows = last!.sourceRow !== undefined && step >= last!.step!;
    else follows = last!.sourceRow === undefined && step === steps.length;
    if (steps && follows) {
      steps.push(fields);
      return undefined;
    }
    if (!follows) {
      const err = new GigpoInputError(
        source,
        drawn || last?.sourceRow !== undefined
          ? `step: rows of group ${JSON.stringify(group)} trajectory ${JSON.stringify(traj)} must be consecutive, all with source_row and steps that never decrease, got step ${step}${drawn ? '' : ' without source_row'}`
          : `step: expected ${steps ? steps.length : 0} (rows of group ${JSON.stringify(group)} trajectory ${JSON.stringify(traj)} must be consecutive and in step order), got ${step}`,
      );
      if (!this.skipInvalid) throw err;
      skip(this.stats, err);
      this.current = undefined;
      this.dropping = { group, traj };
      if (same(current)) {
        this.stats.skipped += current!.steps.length;
        return undefined;
      }
      return current;
    }
    this.current = { group, traj, steps: [fields], source };
    if (meta !== undefined) this.current.meta = meta;
    return current;
  }

  /** The last trajectory, at the end of the rows. */
  finish(): TrajectoryRecord | undefined {
    const current = this.current;
    this.current = undefined;
    return current;
  }
}

function isRowLine(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !('steps' in value) && 'step' in value;
}

/**
 * A converter of JSONL values in either form: the first record decides the form (a line with
 * `step` and no `steps` is a row, anything else a trajectory) and every later line must have
 * the same form. `rows` is undefined until the first record.
 */
export class FormConverter {
  rows: boolean | undefined;

  readonly convert = (value: unknown, source: string): TrajectoryRecord | RowRecord => {
    const row = isRowLine(value);
    this.rows ??= row;
    if (row !== this.rows)
      throw new GigpoInputError(
        source,
        this.rows
          ? 'line: expected a row-form record ({group, traj, step, ...}) like the first record, got a trajectory'
          : 'line: expected a trajectory-form record ({group, traj, steps: [...]}) like the first record, got a row',
      );
    return row ? toRowRecord(value, source) : toTrajectoryRecord(value, source);
  };
}

/**
 * JSONL in either form as trajectories (FormConverter decides the form); rows are gathered
 * by rowsToTrajectories. `stats` (created if not given) counts skipped lines and
 * trajectories of both stages.
 */
export async function* readJsonlTrajectories(
  input: string | AsyncIterable<Uint8Array | string>,
  options: JsonlReadOptions = {},
): AsyncGenerator<TrajectoryRecord> {
  const stats = options.stats ?? newReadStats();
  const form = new FormConverter();
  const records = readRecords(input, { ...options, stats }, form.convert);
  const first = await records.next();
  if (first.done) return;
  async function* all(): AsyncGenerator<TrajectoryRecord | RowRecord> {
    yield first.value as TrajectoryRecord | RowRecord;
    yield* records;
  }
  if (form.rows) yield* rowsToTrajectories(all() as AsyncGenerator<RowRecord>, { skipInvalid: options.skipInvalid, stats });
  else yield* all() as AsyncGenerator<TrajectoryRecord>;
}
