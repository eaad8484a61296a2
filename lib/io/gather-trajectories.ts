// Trajectories of pieces (lib/io/trajectory-piece.ts) laid out as one StepBatch, group by
// group: groups in the order given, trajectories of a group in the order given. Group g gets
// id g and label String(its id); trajectory t (counted over the batch) gets id t and label
// String(its id). The batch-wide rules:
//  - the optional columns (actionText, prompt, response, promptIds, responseIds, logprobs,
//    responseMask, tokenAdvantage) are kept when some step has them, empty where a step has
//    not; a step with response tokens needs token_advantage once any step of the batch has it;
//  - the per-row columns (PER_ROW in trajectory-piece.ts: stateAnchor, sourceRow,
//    importanceWeight, policyVersion) are on every step or none, as the batch's first step
//    decides (else an error naming the step);
//  - scores read from a scored file are kept when every step has them;
//  - the observation table holds each distinct text once, by first appearance;
//  - the batch's meta is its first trajectory's.
import { GigpoInputError } from '../errors.js';
import { allocateScoreColumns, OPTIONAL_DTYPES, RAGGED_DTYPES, SCORE_COLUMNS } from './columns.js';
import { DTYPES } from './dtype.js';
import { InternTable } from './intern-table.js';
import type { RecordId } from './jsonl-records.js';
import type { JsonlIds } from './jsonl-writer.js';
import { allocateStepBatch, ROW_RAGGED_KEYS, type Ragged, type RowRaggedKey, type StepBatch } from './step-batch.js';
import { PER_ROW, type PieceTrajectory, type TrajectoryPiece } from './trajectory-piece.js';

export interface RecordsBatch {
  batch: StepBatch;
  /** The group and trajectory ids as read (numbers stay numbers), by batch id. */
  ids: JsonlIds;
  /** First row of each trajectory (batch trajectory id = index), plus numRows at the end. */
  trajStarts: Uint32Array;
}

type RaggedData = Uint8Array | Int32Array | Float32Array;

/** A ragged column of the rows of `refs`, in order; undefined when no piece has it. */
function gatherSpans<T extends RaggedData>(
  refs: readonly PieceTrajectory[],
  numRows: number,
  column: (p: TrajectoryPiece) => Ragged<T> | undefined,
  make: (n: number) => T,
): Ragged<T> | undefined {
  if (!refs.some((ref) => column(ref.piece) !== undefined)) return undefined;
  const offsets = new Uint32Array(numRows + 1);
  let r = 0;
  let total = 0;
  for (const ref of refs) {
    const c = column(ref.piece);
    const a = ref.piece.trajStarts[ref.index];
    const b = ref.piece.trajStarts[ref.index + 1];
    if (!c) {
      offsets.fill(total, r + 1, r + 1 + b - a);
      r += b - a;
      continue;
    }
    const base = c.offsets[a] - total;
    for (let i = a; i < b; i++) offsets[++r] = c.offsets[i + 1] - base;
    total += c.offsets[b] - c.offsets[a];
    if (total > 0xffffffff) throw new RangeError(`a batch's ragged column holds more than 2^32 - 1 elements`);
  }
  const data = make(total);
  let at = 0;
  for (const ref of refs) {
    const c = column(ref.piece);
    if (!c) continue;
    const from = c.offsets[ref.piece.trajStarts[ref.index]];
    const to = c.offsets[ref.piece.trajStarts[ref.index + 1]];
    (data as Uint8Array).set((c.data as Uint8Array).subarray(from, to), at);
    at += to - from;
  }
  return { offsets, data };
}

/** Whether text k of `p` and text j of `q` are the same bytes (entries of one piece are distinct texts). */
function sameText(p: TrajectoryPiece, k: number, q: TrajectoryPiece, j: number): boolean {
  if (p === q) return k === j;
  const a0 = p.observations.offsets[k];
  const n = p.observations.offsets[k + 1] - a0;
  const b0 = q.observations.offsets[j];
  if (q.observations.offsets[j + 1] - b0 !== n) return false;
  const a = p.observations.data;
  const b = q.observations.data;
  for (let i = 0; i < n; i++) if (a[a0 + i] !== b[b0 + i]) return false;
  return true;
}

/** The observation table of the batch: each distinct text of the pieces once, in order of first use. */
class ObservationMerge {
  private readonly table = new InternTable();
  private readonly remaps = new Map<TrajectoryPiece, Int32Array>();
  private readonly words = new Map<TrajectoryPiece, Uint32Array>();
  readonly pieces: TrajectoryPiece[] = [];
  readonly entries: number[] = [];

  /** Batch index of text k of piece p. */
  indexOf(p: TrajectoryPiece, k: number): number {
    let remap = this.remaps.get(p);
    if (!remap) {
      remap = new Int32Array(p.obsHash.length).fill(-1);
      this.remaps.set(p, remap);
      this.words.set(p, new Uint32Array(p.obsHash.buffer, p.obsHash.byteOffset, p.obsHash.length * 2));
    }
    let o = remap[k];
    if (o >= 0) return o;
    const w = this.words.get(p)!;
    const lo = w[2 * k];
    const hi = w[2 * k + 1];
    const found = this.table.get(lo, hi);
    if (found >= 0 && sameText(this.pieces[found], this.entries[found], p, k)) o = found;
    else {
      o = this.pieces.length;
      if (found < 0) this.table.add(lo, hi, o); // a (64-bit) collision keeps both texts, unindexed
      this.pieces.push(p);
      this.entries.push(k);
    }
    remap[k] = o;
    return o;
  }

  pack(): { offsets: Uint32Array; data: Uint8Array } {
    const n = this.pieces.length;
    const offsets = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const o = this.pieces[i].observations.offsets;
      offsets[i + 1] = offsets[i] + o[this.entries[i] + 1] - o[this.entries[i]];
    }
    const data = new Uint8Array(offsets[n]);
    for (let i = 0; i < n; i++) {
      const { offsets: o, data: d } = this.pieces[i].observations;
      data.set(d.subarray(o[this.entries[i]], o[this.entries[i] + 1]), offsets[i]);
    }
    return { offsets, data };
  }
}

/** Offset in [a, b) of the first row whose presence differs from `want`, or -1. */
function firstMismatch(present: Uint8Array | undefined, a: number, b: number, want: boolean): number {
  if (!present) return want ? 0 : -1;
  for (let i = a; i < b; i++) if ((present[i] === 1) !== want) return i - a;
  return -1;
}

function allOrNone(source: string, s: number, field: string, has: boolean): GigpoInputError {
  const why = has ? 'present, but the first step of the batch has none' : 'missing, but other steps of the batch carry it';
  return new GigpoInputError(source, `steps[${s}].${field}: ${why} (a column is on every step or none)`);
}

export function gatherTrajectories(groups: readonly (readonly PieceTrajectory[])[]): RecordsBatch {
  const refs: PieceTrajectory[] = [];
  let numRows = 0;
  for (const g of groups)
    for (const ref of g) {
      refs.push(ref);
      numRows += ref.numSteps;
    }
  const numTraj = refs.length;
  const batch: StepBatch = {
    ...allocateStepBatch(numRows),
    groupLabels: new Array<string>(groups.length),
    trajLabels: new Array<string>(numTraj),
  };
  const groupIds = new Array<RecordId>(groups.length);
  const trajIds = new Array<RecordId>(numTraj);
  const trajStarts = new Uint32Array(numTraj + 1);
  // The per-row columns the batch carries: those its first step has.
  const firstPiece = refs[0]?.piece;
  const firstRow = refs.length > 0 ? firstPiece.trajStarts[refs[0].index] : 0;
  const carried = PER_ROW.map(([, present]) => refs.length > 0 && firstPiece[present]?.[firstRow] === 1);
  const perRow = PER_ROW.map(([key], f) => {
    if (!carried[f]) return undefined;
    const column = new DTYPES[OPTIONAL_DTYPES[key]](numRows);
    (batch as unknown as Record<string, unknown>)[key] = column;
    return column;
  });
  let scored = numRows > 0;
  const scores = allocateScoreColumns(numRows);
  const observations = new ObservationMerge();
  let r = 0;
  let t = 0;
  for (let g = 0; g < groups.length; g++) {
    groupIds[g] = groups[g][0].group;
    batch.groupLabels![g] = String(groups[g][0].group);
    for (const ref of groups[g]) {
      const p = ref.piece;
      const a = p.trajStarts[ref.index];
      const b = p.trajStarts[ref.index + 1];
      const n = b - a;
      trajIds[t] = ref.traj;
      batch.trajLabels![t] = String(ref.traj);
      trajStarts[t] = r;
      // The first step (of this trajectory) whose per-row columns differ from the batch's.
      let bad = -1;
      let badField = 0;
      for (let f = 0; f < PER_ROW.length; f++) {
        const m = firstMismatch(p[PER_ROW[f][1]], a, b, carried[f]);
        if (m >= 0 && (bad < 0 || m < bad)) {
          bad = m;
          badField = f;
        }
      }
      if (bad >= 0) throw allOrNone(ref.source, bad, PER_ROW[badField][2], !carried[badField]);
      batch.group.fill(g, r, r + n);
      batch.traj.fill(t, r, r + n);
      batch.step.set(p.step.subarray(a, b), r);
      batch.action.set(p.action.subarray(a, b), r);
      batch.reward.set(p.reward.subarray(a, b), r);
      batch.valid.set(p.valid.subarray(a, b), r);
      batch.done.set(p.done.subarray(a, b), r);
      batch.truncated.set(p.truncated.subarray(a, b), r);
      batch.anchor.set(p.anchor.subarray(a, b), r);
      for (let i = a; i < b; i++) batch.obs[r + i - a] = observations.indexOf(p, p.obs[i]);
      for (let f = 0; f < PER_ROW.length; f++) perRow[f]?.set(p[PER_ROW[f][0]]!.subarray(a, b) as never, r);
      if (scored && p.scoredTraj?.[ref.index] === 1)
        for (const key of SCORE_COLUMNS) scores[key].set(p.scores![key].subarray(a, b) as never, r);
      else scored = false;
      r += n;
      t++;
    }
  }
  trajStarts[numTraj] = numRows;
  if (scored) batch.scores = scores;
  for (const key of ROW_RAGGED_KEYS) {
    const type = DTYPES[RAGGED_DTYPES[key]];
    const column = gatherSpans(
      refs,
      numRows,
      (p) => p[key],
      (n) => new type(n) as RaggedData,
    );
    if (column) (batch as unknown as Record<RowRaggedKey, unknown>)[key] = column;
  }
  const tokenAdvantage = batch.tokenAdvantage;
  if (tokenAdvantage) {
    // Aligned with responseIds: a step with response tokens but no token_advantage breaks that.
    for (const ref of refs) {
      const p = ref.piece;
      for (let i = p.trajStarts[ref.index]; i < p.trajStarts[ref.index + 1]; i++) {
        const tokens = p.responseIds ? p.responseIds.offsets[i + 1] - p.responseIds.offsets[i] : 0;
        if (tokens > 0 && p.tokenAdvantagePresent?.[i] !== 1)
          throw allOrNone(ref.source, i - p.trajStarts[ref.index], 'token_advantage', false);
      }
    }
  }
  if (refs[0]?.meta !== undefined) batch.meta = refs[0].meta;
  batch.observations = observations.pack();
  return { batch, ids: { group: groupIds, traj: trajIds }, trajStarts };
}
