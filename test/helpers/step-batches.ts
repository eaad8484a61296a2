// Deterministic StepBatches built directly (no env, no hashing kernel) for the io tests:
// varied trajectory lengths, revisited states, every optional column, awkward floats.
import { COLUMNS, SCORE_COLUMNS } from '../../lib/io/columns.js';
import type { StepBatch } from '../../lib/io/step-batch.js';

export interface MakeBatchOptions {
  groups: number;
  groupSize: number;
  seed?: number;
  firstGroup?: number;
  /** Ids of the first trajectory (default firstGroup * groupSize). */
  firstTraj?: number;
  maxLen?: number;
  text?: boolean;
  tokens?: boolean;
  scores?: boolean;
  labels?: boolean;
}

const encoder = new TextEncoder();

/** FNV-1a 64 of a string: any fixed function of the text serves as its anchor here. */
function anchorOf(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

// Floats whose bits must survive every round trip: subnormal, huge, negative zero, 0.1.
const AWKWARD = [0, 1, -1, 0.1, -0, 1e-40, 3.4e38, -2.5, 1 / 3];

export function makeBatch(o: MakeBatchOptions): StepBatch {
  let state = (o.seed ?? 1) >>> 0 || 1;
  const rand = (k: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % k;
  };
  const maxLen = o.maxLen ?? 6;
  const firstGroup = o.firstGroup ?? 0;
  const firstTraj = o.firstTraj ?? firstGroup * o.groupSize;
  const cols = { group: [] as number[], traj: [] as number[], step: [] as number[], action: [] as number[], reward: [] as number[] };
  const flags = { done: [] as number[], truncated: [] as number[], valid: [] as number[] };
  const anchors: bigint[] = [];
  const obs: number[] = [];
  const table: string[] = [];
  const index = new Map<string, number>();
  const prompts: string[] = [];
  const responses: string[] = [];
  const ids: { p: number[]; r: number[]; l: number[] }[] = [];
  let traj = firstTraj;
  for (let g = 0; g < o.groups; g++) {
    const group = firstGroup + g;
    for (let m = 0; m < o.groupSize; m++, traj++) {
      const len = 1 + rand(maxLen);
      let pos = 0;
      for (let t = 0; t < len; t++) {
        const text = t === 0 ? `start of group ${group} ✓` : `group ${group} at ${pos}`;
        if (!index.has(text)) {
          index.set(text, table.length);
          table.push(text);
        }
        const action = rand(3) - 1;
        cols.group.push(group);
        cols.traj.push(traj);
        cols.step.push(t);
        cols.action.push(action);
        cols.reward.push(AWKWARD[rand(AWKWARD.length)]);
        flags.done.push(t === len - 1 && len < maxLen ? 1 : 0);
        flags.truncated.push(t === len - 1 && len === maxLen ? 1 : 0);
        flags.valid.push(action >= 0 ? 1 : 0);
        anchors.push(anchorOf(text));
        obs.push(index.get(text)!);
        prompts.push(`prompt ${traj}/${t}: ${text}`);
        responses.push(t % 3 === 0 ? '' : `<action>${action}</action> é`);
        const n = rand(4);
        ids.push({
          p: Array.from({ length: n + 1 }, (_, i) => (i * 7919 + traj) % 50000),
          r: Array.from({ length: n }, (_, i) => -i - traj),
          l: Array.from({ length: n }, (_, i) => (i === 0 ? -0 : -AWKWARD[i % AWKWARD.length] - 0.001 * t)),
        });
        pos += action;
      }
    }
  }
  const n = cols.group.length;
  const batch: StepBatch = {
    numRows: n,
    group: Uint32Array.from(cols.group),
    traj: Uint32Array.from(cols.traj),
    step: Uint32Array.from(cols.step),
    action: Int32Array.from(cols.action),
    reward: Float32Array.from(cols.reward),
    done: Uint8Array.from(flags.done),
    truncated: Uint8Array.from(flags.truncated),
    valid: Uint8Array.from(flags.valid),
    anchor: BigUint64Array.from(anchors),
    obs: Uint32Array.from(obs),
    observations: packStrings(table),
    meta: { source: 'makeBatch', seed: o.seed ?? 1, nested: { list: [1, 2.5, 'x'], flag: true } },
  };
  if (o.text) {
    batch.prompt = packStrings(prompts);
    batch.response = packStrings(responses);
    // Text actions on some rows (action -1 there), none on the others.
    batch.actionText = packStrings(Array.from({ length: n }, (_, r) => (r % 3 === 0 ? `act ${r} é` : '')));
  }
  if (o.tokens) {
    batch.promptIds = packNumbers(
      ids.map((x) => x.p),
      Int32Array,
    );
    batch.responseIds = packNumbers(
      ids.map((x) => x.r),
      Int32Array,
    );
    batch.logprobs = packNumbers(
      ids.map((x) => x.l),
      Float32Array,
    );
    // Sampled tokens: the response, and the second half of the prompt (an earlier answer).
    batch.responseMask = packNumbers(
      ids.map((x) => [...x.p.map((_, k) => (2 * k >= x.p.length ? 1 : 0)), ...x.r.map(() => 1)]),
      Uint8Array,
    );
  }
  if (o.scores) {
    const f = (k: number) => Float32Array.from({ length: n }, (_, r) => AWKWARD[(r + k) % AWKWARD.length] / (k + 1));
    batch.scores = {
      returns: f(0),
      episodeAdvantage: f(1),
      stepAdvantage: f(2),
      advantage: f(3),
      stepGroup: Uint32Array.from({ length: n }, (_, r) => batch.obs[r] + 1000 * batch.group[r]),
    };
  }
  if (o.labels) {
    const maxGroup = Math.max(...cols.group, 0);
    const maxTraj = Math.max(...cols.traj, 0);
    batch.groupLabels = Array.from({ length: maxGroup + 1 }, (_, g) => `task-${g}`);
    batch.trajLabels = Array.from({ length: maxTraj + 1 }, (_, t) => `run ${t} "quoted"`);
  }
  return batch;
}

function packStrings(strings: string[]) {
  const parts = strings.map((s) => encoder.encode(s));
  const offsets = new Uint32Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i] + parts[i].length;
  const data = new Uint8Array(offsets[parts.length]);
  for (let i = 0; i < parts.length; i++) data.set(parts[i], offsets[i]);
  return { offsets, data };
}

function packNumbers<T extends Uint8Array | Int32Array | Float32Array>(lists: number[][], type: { new (n: number): T }) {
  const offsets = new Uint32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i] + lists[i].length;
  const data = new type(offsets[lists.length]);
  let k = 0;
  for (const list of lists) for (const v of list) data[k++] = v;
  return { offsets, data };
}

/**
 * Every column of the schema (lib/io/columns.ts) the batch has, as plain values: floats as their
 * bit patterns (so -0 and NaN compare exactly), 64-bit values as decimal strings.
 */
export function batchColumns(b: StepBatch): Record<string, unknown> {
  const plain = (a: ArrayLike<number | bigint>) =>
    a instanceof Float32Array
      ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))
      : Array.from(a as ArrayLike<number>, (x) => (typeof x === 'bigint' ? String(x) : x));
  const ragged = (c: { offsets: Uint32Array; data: ArrayLike<number> } | undefined) =>
    c && { offsets: Array.from(c.offsets), data: plain(c.data) };
  const columns = b as unknown as Record<string, never>;
  const out: Record<string, unknown> = { numRows: b.numRows };
  for (const c of COLUMNS) {
    if (c.kind === 'score') continue;
    const v = columns[c.name];
    if (v === undefined) continue;
    out[c.name] = c.kind === 'labels' ? v : c.kind === 'ragged' || c.kind === 'table' ? ragged(v) : plain(v);
  }
  if (b.scores) out.scores = Object.fromEntries(SCORE_COLUMNS.map((k) => [k, plain(b.scores![k])]));
  return out;
}
