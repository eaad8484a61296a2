// A piece: the columns of some JSONL trajectories as read, before they are laid out group by
// group in a batch (lib/io/gather-trajectories.ts). Two readers make pieces: the native
// JSONL parser (many lines at a time, pieceOfNative) and the TypeScript record path
// (pieceOfRecords, for every line the native parser leaves to it). What is decided per batch
// (which per-row columns a batch carries, whether its scores are kept) is left to the
// gathering: a piece records, per row, what each step had.
import { INVALID_ACTION } from '../envs/env-batch.js';
import { native, type NativeJsonlPiece } from '../native.js';
import { allocateScoreColumns, OPTIONAL_DTYPES } from './columns.js';
import { DTYPES } from './dtype.js';
import type { RecordId, TrajectoryRecord } from './jsonl-records.js';
import { packNumbers, packText, type RaggedText, type RowRaggedKey, type StepBatch, type StepScores } from './step-batch.js';
import { TextTable } from './text-table.js';

/**
 * The columns of a StepBatch a piece has (obs indexes the piece's own table), with `done` after
 * the done rule (a trajectory's last step is done unless the file says otherwise) and final
 * anchors (the given id, the hash of a given name, or the hash of the observation). The ragged
 * columns are there where some row has them (elsewhere empty); the per-row ones (a batch carries
 * them on every row or none) come with a `...Present` mask, 1 where the step had the field.
 */
export interface TrajectoryPiece
  extends Pick<StepBatch, 'step' | 'action' | 'reward' | 'valid' | 'done' | 'truncated' | 'anchor' | 'obs' | 'observations'>,
    Partial<Pick<StepBatch, RowRaggedKey | 'stateAnchor' | 'sourceRow' | 'importanceWeight' | 'policyVersion' | 'scores'>> {
  numTraj: number;
  numRows: number;
  /** First row of each trajectory, plus numRows at the end. */
  trajStarts: Uint32Array;
  /** The hash of each observation text (to merge the tables of several pieces). */
  obsHash: BigUint64Array;
  tokenAdvantagePresent?: Uint8Array;
  stateAnchorPresent?: Uint8Array;
  sourceRowPresent?: Uint8Array;
  importanceWeightPresent?: Uint8Array;
  policyVersionPresent?: Uint8Array;
  /** With scores (read from a scored file): 1 per trajectory whose every step had them. */
  scoredTraj?: Uint8Array;
}

/**
 * The per-row columns (on every step of a batch or none): the StepBatch and step record key,
 * the piece's presence mask, the JSONL field.
 */
export const PER_ROW = [
  ['stateAnchor', 'stateAnchorPresent', 'state_anchor'],
  ['sourceRow', 'sourceRowPresent', 'source_row'],
  ['importanceWeight', 'importanceWeightPresent', 'importance_weight'],
  ['policyVersion', 'policyVersionPresent', 'policy_version'],
] as const;

/** One trajectory of a piece, as GroupWindow and the gathering see it. */
export interface PieceTrajectory {
  piece: TrajectoryPiece;
  /** Its index among the piece's trajectories. */
  index: number;
  group: RecordId;
  traj: RecordId;
  numSteps: number;
  /** "file:line", for messages. */
  source: string;
  /** The meta of the last `{"meta": ...}` line before it, if any. */
  meta?: Record<string, unknown>;
}

/** The trajectories of `piece` with their ids, sources and meta. */
export function trajectoriesOf(
  piece: TrajectoryPiece,
  ids: { group: RecordId[]; traj: RecordId[] },
  sources: (t: number) => string,
  meta: Record<string, unknown> | undefined,
): PieceTrajectory[] {
  const out = new Array<PieceTrajectory>(piece.numTraj);
  for (let t = 0; t < piece.numTraj; t++) {
    const numSteps = piece.trajStarts[t + 1] - piece.trajStarts[t];
    out[t] = { piece, index: t, group: ids.group[t], traj: ids.traj[t], numSteps, source: sources(t), meta };
  }
  return out;
}

/** The trajectories of a piece made by pieceOfRecords from `records`. */
export function trajectoriesOfRecords(piece: TrajectoryPiece, records: readonly TrajectoryRecord[]): PieceTrajectory[] {
  const out = new Array<PieceTrajectory>(records.length);
  for (let t = 0; t < records.length; t++) {
    const r = records[t];
    out[t] = { piece, index: t, group: r.group, traj: r.traj, numSteps: r.steps.length, source: r.source, meta: r.meta };
  }
  return out;
}

/** holder[key], made by `make` the first time. */
function slot<H extends object, K extends keyof H>(holder: H, key: K, make: () => NonNullable<H[K]>): NonNullable<H[K]> {
  let v = holder[key];
  if (v === undefined || v === null) {
    v = make();
    holder[key] = v;
  }
  return v as NonNullable<H[K]>;
}

/**
 * The piece of validated records (lib/io/jsonl-records.ts), in the given order. Anchors are the
 * record's `anchor`, else the hash of `obs` (a missing `obs` is the empty text). Numeric actions
 * are kept; text actions become -1 with their text in actionText.
 */
export function pieceOfRecords(records: readonly TrajectoryRecord[]): TrajectoryPiece {
  let numRows = 0;
  for (const r of records) numRows += r.steps.length;
  const trajStarts = new Uint32Array(records.length + 1);
  const step = new Uint32Array(numRows);
  const action = new Int32Array(numRows);
  const reward = new Float32Array(numRows);
  const valid = new Uint8Array(numRows);
  const done = new Uint8Array(numRows);
  const truncated = new Uint8Array(numRows);
  const anchor = new BigUint64Array(numRows);
  const obs = new Uint32Array(numRows);
  const table = new TextTable();
  const hashed = new Uint8Array(numRows); // 1 where the anchor is the hash of the observation
  // Opaque anchor names (hashed like observations): names[named[r] - 1] where named[r] > 0.
  const named = new Uint32Array(numRows);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const piece: Partial<TrajectoryPiece> = {};
  // Per row, once some step has the field.
  let actionTexts: string[] | undefined;
  const texts: { prompt?: string[]; response?: string[] } = {};
  const lists: {
    promptIds?: number[][];
    responseIds?: number[][];
    logprobs?: number[][];
    responseMask?: number[][];
    tokenAdvantage?: number[][];
  } = {};
  const strings = () => new Array<string>(numRows).fill('');
  const lists0 = () => new Array<number[]>(numRows);
  const flags = () => new Uint8Array(numRows);
  let scores: StepScores | undefined;
  let scoredTraj: Uint8Array | undefined;
  let r = 0;
  for (let t = 0; t < records.length; t++) {
    const record = records[t];
    trajStarts[t] = r;
    const steps = record.steps;
    let allScored = true;
    for (let s = 0; s < steps.length; s++, r++) {
      const st = steps[s];
      obs[r] = table.intern(st.obs ?? '');
      step[r] = st.step ?? s;
      if (typeof st.action === 'number') action[r] = st.action;
      else {
        action[r] = INVALID_ACTION;
        if (typeof st.action === 'string') {
          actionTexts ??= strings();
          actionTexts[r] = st.action;
        }
      }
      reward[r] = st.reward;
      valid[r] = st.valid ? 1 : 0;
      if (typeof st.anchor === 'bigint') anchor[r] = st.anchor;
      else if (st.anchor !== undefined) {
        let k = nameIndex.get(st.anchor);
        if (k === undefined) {
          k = names.push(st.anchor) - 1;
          nameIndex.set(st.anchor, k);
        }
        named[r] = k + 1;
      } else hashed[r] = 1;
      if (st.done !== undefined) done[r] = st.done ? 1 : 0;
      if (st.truncated !== undefined) truncated[r] = st.truncated ? 1 : 0;
      if (st.prompt !== undefined) slot(texts, 'prompt', strings)[r] = st.prompt;
      if (st.response !== undefined) slot(texts, 'response', strings)[r] = st.response;
      if (st.promptIds !== undefined) slot(lists, 'promptIds', lists0)[r] = st.promptIds;
      if (st.responseIds !== undefined) slot(lists, 'responseIds', lists0)[r] = st.responseIds;
      if (st.logprobs !== undefined) slot(lists, 'logprobs', lists0)[r] = st.logprobs;
      if (st.responseMask !== undefined) slot(lists, 'responseMask', lists0)[r] = st.responseMask;
      if (st.tokenAdvantage !== undefined) {
        slot(lists, 'tokenAdvantage', lists0)[r] = st.tokenAdvantage;
        slot(piece, 'tokenAdvantagePresent', flags)[r] = 1;
      }
      for (let f = 0; f < PER_ROW.length; f++) {
        const [key, present] = PER_ROW[f];
        const value = st[key];
        if (value === undefined) continue;
        const column: { [row: number]: number | bigint } = slot(piece, key, () => new DTYPES[OPTIONAL_DTYPES[key]](numRows) as never);
        column[r] = value;
        slot(piece, present, flags)[r] = 1;
      }
      const sc = st.scores;
      if (!sc) allScored = false;
      else {
        scores ??= allocateScoreColumns(numRows);
        scores.returns[r] = sc.returns;
        scores.episodeAdvantage[r] = sc.episodeAdvantage;
        scores.stepAdvantage[r] = sc.stepAdvantage;
        scores.advantage[r] = sc.advantage;
        scores.stepGroup[r] = sc.stepGroup;
      }
    }
    // The last step ends the trajectory: by the env's rules unless the file says otherwise.
    const last = steps[steps.length - 1];
    if (last.done === undefined && !last.truncated) done[r - 1] = 1;
    if (allScored && scores) {
      scoredTraj ??= new Uint8Array(records.length);
      scoredTraj[t] = 1;
    }
  }
  trajStarts[records.length] = numRows;
  const observations = table.pack();
  const obsHash = native.hashBytes(observations.data, observations.offsets);
  for (let row = 0; row < numRows; row++) if (hashed[row]) anchor[row] = obsHash[obs[row]];
  if (names.length > 0) {
    const nameHashes = native.hashStrings(names);
    for (let row = 0; row < numRows; row++) if (named[row]) anchor[row] = nameHashes[named[row] - 1];
  }
  if (actionTexts) piece.actionText = packText(actionTexts);
  if (texts.prompt) piece.prompt = packText(texts.prompt);
  if (texts.response) piece.response = packText(texts.response);
  if (lists.promptIds) piece.promptIds = packNumbers(Int32Array, lists.promptIds);
  if (lists.responseIds) piece.responseIds = packNumbers(Int32Array, lists.responseIds);
  if (lists.logprobs) piece.logprobs = packNumbers(Float32Array, lists.logprobs);
  if (lists.responseMask) piece.responseMask = packNumbers(Uint8Array, lists.responseMask);
  if (lists.tokenAdvantage) piece.tokenAdvantage = packNumbers(Float32Array, lists.tokenAdvantage);
  if (scoredTraj) {
    piece.scores = scores;
    piece.scoredTraj = scoredTraj;
  }
  return {
    ...piece,
    numTraj: records.length,
    numRows,
    trajStarts,
    step,
    action,
    reward,
    valid,
    done,
    truncated,
    anchor,
    obs,
    observations,
    obsHash,
  };
}

const utf8 = new TextDecoder();

function idsOf(kind: Uint8Array, num: Float64Array, text: RaggedText): RecordId[] {
  const out = new Array<RecordId>(kind.length);
  for (let t = 0; t < kind.length; t++)
    out[t] = kind[t] === 0 ? num[t] : utf8.decode(text.data.subarray(text.offsets[t], text.offsets[t + 1]));
  return out;
}

/** The piece and the ids of lines the native parser read (native.parseJsonlTrajectories). */
export function pieceOfNative(raw: NativeJsonlPiece): { piece: TrajectoryPiece; ids: { group: RecordId[]; traj: RecordId[] } } {
  const { end, lines, trajLine, groupKind, groupNum, groupText, trajKind, trajNum, trajText, ...columns } = raw;
  const step = new Uint32Array(raw.numRows);
  for (let t = 0; t < raw.numTraj; t++) for (let r = raw.trajStarts[t], s = 0; r < raw.trajStarts[t + 1]; r++, s++) step[r] = s;
  const piece: TrajectoryPiece = { ...columns, step };
  return {
    piece,
    ids: { group: idsOf(groupKind, groupNum, groupText), traj: idsOf(trajKind, trajNum, trajText) },
  };
}
