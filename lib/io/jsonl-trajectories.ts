// JSONL in either form as trajectories of pieces (lib/io/trajectory-piece.ts), for scoring.
// Each read's whole lines go to the native parser (native.parseJsonlTrajectories), which
// reads trajectory-form lines straight into columns and stops at the first line it is not
// sure about; that line is read by the TypeScript path (JsonlLineReader, the reference for
// every rule and message), then the native parser goes on after it. So what is read, and
// every error, is what readJsonlTrajectories gives; only the speed differs. Row-form input
// is read by the TypeScript path alone.
import { GigpoInputError } from '../errors.js';
import { native } from '../native.js';
import { FormConverter, JsonlLineReader, newReadStats, RowGatherer, type JsonlReadOptions, type JsonlReadStats } from './jsonl-reader.js';
import type { RowRecord, TrajectoryRecord } from './jsonl-records.js';
import { LineDecoder, readLineRegions } from './line-reader.js';
import { resumeOptimizer } from '../util/optimizer.js';
import { pieceOfNative, pieceOfRecords, trajectoriesOf, trajectoriesOfRecords, type PieceTrajectory } from './trajectory-piece.js';

/** After the native parser leaves a line to the TypeScript path, at most this many more lines go there before it is tried again. */
const MAX_NATIVE_BACKOFF = 1024;

/** Lines read by the TypeScript path after which a paused optimizing compiler is resumed (lib/util/optimizer.ts). */
const SLOW_LINES_HOT = 1000;

export interface JsonlTrajectoryOptions extends JsonlReadOptions {
  /** Read every line with the TypeScript path (for comparison). Default false. */
  noNative?: boolean;
}

/**
 * The trajectories of a JSONL input in input order, in runs (one per read). Errors are
 * GigpoInputError("file:LINE", ...) as readJsonlTrajectories gives them; the trajectories
 * before a bad line are handed out before its error is thrown.
 */
export async function* readJsonlPieces(
  input: string | AsyncIterable<Uint8Array | string>,
  options: JsonlTrajectoryOptions = {},
): AsyncGenerator<PieceTrajectory[]> {
  const name = typeof input === 'string' ? input : (options.name ?? '<stdin>');
  const stats: JsonlReadStats = options.stats ?? newReadStats();
  const form = new FormConverter();
  const reader = new JsonlLineReader(name, stats, options.skipInvalid ?? false, form.convert);
  const decoder = new LineDecoder(name);
  const gatherer = new RowGatherer({ skipInvalid: options.skipInvalid, stats });
  let backoff = 0; // lines left to the TypeScript path before the native parser is tried again
  let nextBackoff = 1;
  let slowLines = 0; // lines read by the TypeScript path
  for await (const region of readLineRegions(input, options)) {
    const out: PieceTrajectory[] = [];
    const pending: TrajectoryRecord[] = []; // read by the TypeScript path, not yet in a piece
    const flush = () => {
      if (pending.length === 0) return;
      const refs = trajectoriesOfRecords(pieceOfRecords(pending), pending);
      for (const ref of refs) out.push(ref);
      pending.length = 0;
    };
    const bytes = region.bytes;
    let line = region.firstLine;
    let pos = 0;
    try {
      while (pos < bytes.length) {
        if (form.rows !== true && !options.noNative && backoff === 0) {
          const raw = native.parseJsonlTrajectories(bytes, pos, bytes.length);
          if (raw.numTraj > 0) {
            form.rows = false;
            flush();
            const { piece, ids } = pieceOfNative(raw);
            const first = line;
            for (const ref of trajectoriesOf(piece, ids, (t) => `${name}:${first + raw.trajLine[t]}`, reader.meta)) out.push(ref);
            stats.records += raw.numTraj;
          }
          if (raw.lines > 0) {
            line += raw.lines;
            stats.lines = line - 1;
            pos = raw.end;
            nextBackoff = 1;
            if (pos >= bytes.length) break;
          } else {
            backoff = nextBackoff;
            nextBackoff = Math.min(nextBackoff * 2, MAX_NATIVE_BACKOFF);
          }
        }
        // One line the TypeScript way.
        const nl = bytes.indexOf(0x0a, pos);
        const end = nl < 0 ? bytes.length : nl;
        const record = reader.read(decoder.decode(bytes.subarray(pos, end), line), line);
        if (++slowLines === SLOW_LINES_HOT) resumeOptimizer(); // this path is JavaScript: worth optimizing
        if (backoff > 0) backoff--;
        pos = end + 1;
        line++;
        if (record === undefined) continue;
        if (!form.rows) pending.push(record as TrajectoryRecord);
        else {
          const done = gatherer.push(record as RowRecord);
          if (done) pending.push(done);
        }
      }
    } catch (err) {
      if (err instanceof GigpoInputError) {
        flush(); // the good lines before the bad one still count
        if (out.length > 0) yield out;
      }
      throw err;
    }
    flush();
    if (out.length > 0) yield out;
  }
  const last = gatherer.finish();
  if (last) yield trajectoriesOfRecords(pieceOfRecords([last]), [last]);
  reader.finish();
}
