// Records the rows of a rollout as they happen (in any order: step-major, or trajectory by
// trajectory as the policy's answers arrive) into columns preallocated for the worst case (numEnvs * maxSteps rows), then hands back
// a StepBatch in trajectory-major order with its observation table numbered by first
// appearance. That canonical numbering makes a rollout's batch independent of how its
// groups were sharded over threads or machines. Envs that tell their full state (native
// ones) also fill the stateAnchor column, whichever hash `anchor` records.
import type { EnvBatch } from '../envs/env-batch.js';
import type { Ragged, RaggedText, StepBatch } from '../io/step-batch.js';
import { InternTable } from '../io/intern-table.js';
import type { AnchorSource } from './anchor-source.js';
import { TextColumn } from './text-column.js';

/** A row's token columns (conversation mode, or a policy that returns token ids). */
export interface RowIds {
  promptIds?: ArrayLike<number>;
  responseIds?: ArrayLike<number>;
  logprobs?: ArrayLike<number>;
  responseMask?: ArrayLike<number>;
}

/** Where a recorder's rows come from: env i is trajectory firstGroup * groupSize + i. */
export interface RowLayout {
  readonly numEnvs: number;
  readonly groupSize: number;
  readonly firstGroup: number;
}

const encoder = new TextEncoder();

export class TrajectoryRecorder {
  private readonly numEnvs: number;
  private readonly groupSize: number;
  private readonly firstGroup: number;
  private rows = 0;
  private readonly env: Uint32Array;
  private readonly step: Uint32Array;
  private readonly action: Int32Array;
  private readonly reward: Float32Array;
  private readonly done: Uint8Array;
  private readonly truncated: Uint8Array;
  private readonly valid: Uint8Array;
  private readonly anchor: BigUint64Array;
  private readonly anchorWords: Uint32Array;
  /** The full-state hash of each row, as 32-bit halves; empty without state anchors. */
  private readonly stateWords: Uint32Array;
  private readonly obs: Uint32Array;
  /**
   * Text recorders: each row's prompt and response as UTF-8, written by the caller into these
   * columns just before recordOutcome() (which ends the row there), and the rows' token columns.
   */
  readonly prompts: TextColumn | undefined;
  readonly responses: TextColumn | undefined;
  private readonly ids: (RowIds | undefined)[] | undefined;
  /** Each env's latest row, -1 before its first. */
  private readonly lastRow: Int32Array;
  // The state each env acts from: captured by observe() before the step.
  private readonly pendingLo: Uint32Array;
  private readonly pendingHi: Uint32Array;
  private readonly pendingObs: Uint32Array;
  private readonly pendingState: Uint32Array;
  // The batch observe()/record() read, with its anchors and state anchors as 32-bit words.
  private boundBatch: EnvBatch | undefined;
  private boundAnchorWords: Uint32Array = new Uint32Array(0);
  private boundStateWords: Uint32Array = new Uint32Array(0);
  // The observation table in order of first sight: bytes + offsets, growable.
  private readonly interned = new InternTable();
  private obsData = new Uint8Array(1 << 16);
  private obsOffsets = new Uint32Array(1 << 10);
  private numObs = 0;

  /**
   * `anchor`: which hash observe() records as a row's anchor (the batch's `anchors` or `stateAnchors`).
   * `withStateAnchor`: record the full-state hash of every row too (observe() takes it from the
   * batch, observeText() from its argument).
   */
  constructor(
    layout: RowLayout,
    maxSteps: number,
    withText: boolean,
    private readonly anchorSource: AnchorSource = 'observation',
    private readonly withStateAnchor = false,
  ) {
    this.pendingLo = new Uint32Array(layout.numEnvs);
    this.pendingHi = new Uint32Array(layout.numEnvs);
    this.pendingObs = new Uint32Array(layout.numEnvs);
    this.pendingState = new Uint32Array(withStateAnchor ? 2 * layout.numEnvs : 0);
    this.numEnvs = layout.numEnvs;
    this.groupSize = layout.groupSize;
    this.firstGroup = layout.firstGroup;
    const cap = layout.numEnvs * maxSteps;
    this.env = new Uint32Array(cap);
    this.step = new Uint32Array(cap);
    this.action = new Int32Array(cap);
    this.reward = new Float32Array(cap);
    this.done = new Uint8Array(cap);
    this.truncated = new Uint8Array(cap);
    this.valid = new Uint8Array(cap);
    this.anchor = new BigUint64Array(cap);
    this.anchorWords = new Uint32Array(this.anchor.buffer);
    this.stateWords = new Uint32Array(withStateAnchor ? 2 * cap : 0);
    this.obs = new Uint32Array(cap);
    this.prompts = withText ? new TextColumn(cap) : undefined;
    this.responses = withText ? new TextColumn(cap, 1 << 12) : undefined;
    this.ids = withText ? [] : undefined;
    this.lastRow = new Int32Array(layout.numEnvs).fill(-1);
  }

  get numRows(): number {
    return this.rows;
  }

  /**
   * Captures env i's current state in `batch` (anchor and interned observation) as the state its
   * next action is taken from: the native loop's path, straight from the batch's output arrays.
   */
  observe(batch: EnvBatch, i: number): number {
    if (batch !== this.boundBatch) {
      this.boundBatch = batch;
      const anchors = this.anchorSource === 'state' ? batch.stateAnchors : batch.anchors;
      this.boundAnchorWords = new Uint32Array(anchors.buffer, anchors.byteOffset, batch.numEnvs * 2);
      this.boundStateWords = new Uint32Array(batch.stateAnchors.buffer, batch.stateAnchors.byteOffset, batch.numEnvs * 2);
    }
    const lo = this.boundAnchorWords[2 * i];
    const hi = this.boundAnchorWords[2 * i + 1];
    if (this.withStateAnchor) {
      this.pendingState[2 * i] = this.boundStateWords[2 * i];
      this.pendingState[2 * i + 1] = this.boundStateWords[2 * i + 1];
    }
    let index = this.interned.get(lo, hi);
    if (index < 0) index = this.intern(lo, hi, batch.observationBytes(i));
    return this.pend(i, lo, hi, index);
  }

  /** The same for a state given as its anchor, observation text and full-state hash (the text loop's path). */
  observeText(i: number, anchor: bigint, observation: string, stateAnchor?: bigint): number {
    const lo = Number(anchor & 0xffffffffn);
    const hi = Number(anchor >> 32n);
    if (this.withStateAnchor) {
      if (stateAnchor === undefined) throw new Error('TrajectoryRecorder: a recorder with state anchors needs every state anchor');
      this.pendingState[2 * i] = Number(stateAnchor & 0xffffffffn);
      this.pendingState[2 * i + 1] = Number(stateAnchor >> 32n);
    }
    let index = this.interned.get(lo, hi);
    if (index < 0) index = this.intern(lo, hi, encoder.encode(observation));
    return this.pend(i, lo, hi, index);
  }

  /** Decoded text of observation `index` of the table. */
  observationText(index: number): string {
    return decoder.decode(this.obsData.subarray(this.obsOffsets[index], this.obsOffsets[index + 1]));
  }

  /** One row: env i took `action` from the state observe(batch, i) captured; the batch holds the result. */
  record(batch: EnvBatch, i: number, step: number, action: number): void {
    this.recordOutcome(i, step, action, batch.rewards[i], batch.done[i], batch.truncated[i], batch.valid[i]);
  }

  /**
   * One row from its values: env i took `action` from the state observe*() captured. A text
   * recorder's row text is what was written into `prompts` and `responses` since the last row.
   */
  recordOutcome(
    i: number,
    step: number,
    action: number,
    reward: number,
    done: number,
    truncated: number,
    valid: number,
    ids?: RowIds,
  ): void {
    const r = this.rows++;
    this.env[r] = i;
    this.step[r] = step;
    this.action[r] = action;
    this.reward[r] = reward;
    this.done[r] = done;
    this.truncated[r] = truncated;
    this.valid[r] = valid;
    this.anchorWords[2 * r] = this.pendingLo[i];
    this.anchorWords[2 * r + 1] = this.pendingHi[i];
    if (this.withStateAnchor) {
      this.stateWords[2 * r] = this.pendingState[2 * i];
      this.stateWords[2 * r + 1] = this.pendingState[2 * i + 1];
    }
    this.obs[r] = this.pendingObs[i];
    this.lastRow[i] = r;
    if (this.ids) {
      this.prompts!.endRow(r);
      this.responses!.endRow(r);
      if (ids) this.ids[r] = ids;
    }
  }

  /** Rows env i has recorded so far. */
  hasRows(i: number): boolean {
    return this.lastRow[i] >= 0;
  }

  /** Marks env i's latest row truncated: its trajectory was cut short (a policy failure kept, a full context). */
  truncateLast(i: number): void {
    if (this.lastRow[i] >= 0) this.truncated[this.lastRow[i]] = 1;
  }

  private intern(lo: number, hi: number, bytes: Uint8Array): number {
    const at = this.obsOffsets[this.numObs];
    this.ensureObsCapacity(at + bytes.length);
    this.obsData.set(bytes, at);
    this.obsOffsets[this.numObs + 1] = at + bytes.length;
    this.interned.add(lo, hi, this.numObs);
    return this.numObs++;
  }

  private pend(i: number, lo: number, hi: number, index: number): number {
    this.pendingLo[i] = lo;
    this.pendingHi[i] = hi;
    this.pendingObs[i] = index;
    return index;
  }

  /**
   * The rows in trajectory-major order (env by env, each env's rows in step order), whatever order
   * they were recorded in. `dropped[i] = 1` leaves env i's rows out (a dropped group).
   */
  finish(dropped?: Uint8Array): StepBatch {
    // Counting sort by env keeps each env's rows in step order.
    const start = new Uint32Array(this.numEnvs + 1);
    let n = 0;
    for (let r = 0; r < this.rows; r++) {
      if (dropped?.[this.env[r]]) continue;
      start[this.env[r] + 1]++;
      n++;
    }
    for (let e = 0; e < this.numEnvs; e++) start[e + 1] += start[e];
    const fill = start.slice(0, this.numEnvs);
    const order = new Uint32Array(n);
    for (let r = 0; r < this.rows; r++) if (!dropped?.[this.env[r]]) order[fill[this.env[r]]++] = r;

    const group = new Uint32Array(n);
    const traj = new Uint32Array(n);
    const step = new Uint32Array(n);
    const action = new Int32Array(n);
    const reward = new Float32Array(n);
    const done = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const valid = new Uint8Array(n);
    const anchor = new BigUint64Array(n);
    const obs = new Uint32Array(n);
    const stateAnchor = this.withStateAnchor ? new BigUint64Array(n) : undefined;
    const stateWords = stateAnchor ? new Uint32Array(stateAnchor.buffer) : undefined;
    const remap = new Int32Array(this.numObs).fill(-1);
    let numObs = 0;
    let obsBytes = 0;
    const baseTraj = this.firstGroup * this.groupSize;
    for (let k = 0; k < n; k++) {
      const r = order[k];
      const e = this.env[r];
      group[k] = this.firstGroup + Math.floor(e / this.groupSize);
      traj[k] = baseTraj + e;
      step[k] = this.step[r];
      action[k] = this.action[r];
      reward[k] = this.reward[r];
      done[k] = this.done[r];
      truncated[k] = this.truncated[r];
      valid[k] = this.valid[r];
      anchor[k] = this.anchor[r];
      if (stateWords) {
        stateWords[2 * k] = this.stateWords[2 * r];
        stateWords[2 * k + 1] = this.stateWords[2 * r + 1];
      }
      const o = this.obs[r];
      if (remap[o] < 0) {
        remap[o] = numObs++;
        obsBytes += this.obsOffsets[o + 1] - this.obsOffsets[o];
      }
      obs[k] = remap[o];
    }
    const observations: RaggedText = { offsets: new Uint32Array(numObs + 1), data: new Uint8Array(obsBytes) };
    const byNew = new Int32Array(numObs);
    for (let o = 0; o < this.numObs; o++) if (remap[o] >= 0) byNew[remap[o]] = o;
    let at = 0;
    for (let k = 0; k < numObs; k++) {
      const o = byNew[k];
      observations.data.set(this.obsData.subarray(this.obsOffsets[o], this.obsOffsets[o + 1]), at);
      at += this.obsOffsets[o + 1] - this.obsOffsets[o];
      observations.offsets[k + 1] = at;
    }
    const batch: StepBatch = { numRows: n, group, traj, step, action, reward, done, truncated, valid, anchor, obs, observations };
    if (stateAnchor) batch.stateAnchor = stateAnchor;
    if (this.ids) {
      batch.prompt = this.prompts!.pack(order);
      batch.response = this.responses!.pack(order);
      Object.assign(batch, packIds(this.ids, this.rows, order));
    }
    return batch;
  }

  private ensureObsCapacity(bytes: number): void {
    if (this.numObs + 2 > this.obsOffsets.length) {
      const next = new Uint32Array(this.obsOffsets.length * 2);
      next.set(this.obsOffsets);
      this.obsOffsets = next;
    }
    if (bytes > this.obsData.length) {
      let cap = this.obsData.length * 2;
      while (cap < bytes) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.obsData);
      this.obsData = next;
    }
  }
}

const decoder = new TextDecoder();

function packRagged<T extends Uint8Array | Int32Array | Float32Array>(
  ids: readonly (RowIds | undefined)[],
  rows: number,
  order: Uint32Array,
  pick: (t: RowIds) => ArrayLike<number> | undefined,
  make: (n: number) => T,
): Ragged<T> | undefined {
  let any = false;
  for (let r = 0; r < rows && !any; r++) any = ids[r] !== undefined && pick(ids[r]!) !== undefined;
  if (!any) return undefined;
  const at = (r: number): ArrayLike<number> | undefined => (ids[r] === undefined ? undefined : pick(ids[r]!));
  const offsets = new Uint32Array(order.length + 1);
  for (let k = 0; k < order.length; k++) offsets[k + 1] = offsets[k] + (at(order[k])?.length ?? 0);
  const data = make(offsets[order.length]);
  for (let k = 0; k < order.length; k++) {
    const v = at(order[k]);
    if (v) data.set(v as ArrayLike<number>, offsets[k]);
  }
  return { offsets, data };
}

function packIds(ids: readonly (RowIds | undefined)[], rows: number, order: Uint32Array): Partial<StepBatch> {
  const out: Partial<StepBatch> = {};
  const promptIds = packRagged(
    ids,
    rows,
    order,
    (t) => t.promptIds,
    (n) => new Int32Array(n),
  );
  const responseIds = packRagged(
    ids,
    rows,
    order,
    (t) => t.responseIds,
    (n) => new Int32Array(n),
  );
  const logprobs = packRagged(
    ids,
    rows,
    order,
    (t) => t.logprobs,
    (n) => new Float32Array(n),
  );
  if (promptIds) out.promptIds = promptIds;
  if (responseIds) out.responseIds = responseIds;
  if (logprobs) out.logprobs = logprobs;
  const responseMask = packRagged(
    ids,
    rows,
    order,
    (t) => t.responseMask,
    (n) => new Uint8Array(n),
  );
  if (responseMask) out.responseMask = responseMask;
  return out;
}
