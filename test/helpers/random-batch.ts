// Randomised step batches for cross-checks: varied group sizes and lengths, revisited
// states (small state spaces), invalid actions, non-dense ids, interleaved task groups,
// observation texts whose similarity straddles typical thresholds, optional response tokens.
import { allocateStepBatch, packText, type StepBatch } from '../../lib/io/step-batch.js';
import { hashStrings } from '../../lib/index.js';

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomBatchConfig {
  maxGroups?: number;
  maxGroupSize?: number;
  maxLength?: number;
  /** Let trajectories of different groups interleave (the kernels must map ids, not assume order). */
  interleave?: boolean;
  tokens?: boolean;
}

const ALPHABET = 'eeee    tttaoinshrdlu.,#@\n';

function mutate(text: string, rand: () => number, rate: number): string {
  let out = '';
  for (const ch of text) {
    const r = rand();
    if (r < rate / 3) continue;
    if (r < (2 * rate) / 3) out += ALPHABET[Math.floor(rand() * ALPHABET.length)];
    else if (r < rate) out += ch + ALPHABET[Math.floor(rand() * ALPHABET.length)];
    else out += ch;
  }
  return out;
}

export function randomBatch(seed: number, config: RandomBatchConfig = {}): StepBatch {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const numGroups = int(1, config.maxGroups ?? 5);
  const rewardPool = pick([[0, 1], [0, 0, 0, 10], [-1, 0, 1, 0.5], [0.1, 0.2, 0.3], [0]]);

  interface Traj {
    group: number;
    states: number[];
    rewards: number[];
    valid: number[];
  }
  const trajs: Traj[] = [];
  const groupIds: number[] = [];
  const groupTexts: string[][] = [];
  for (let g = 0; g < numGroups; g++) {
    let id = int(0, 0xffffffff);
    while (groupIds.includes(id)) id = int(0, 0xffffffff);
    groupIds.push(id);
    const numStates = int(1, 6);
    // Each group's observations: a few base texts and near-copies of them.
    const base = Array.from({ length: int(1, 3) }, () => {
      const len = pick([int(0, 30), int(150, 320)]);
      let s = '';
      for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
      return s;
    });
    groupTexts.push(Array.from({ length: numStates }, () => mutate(pick(base), rand, pick([0, 0.05, 0.2, 0.5]))));
    const size = int(1, config.maxGroupSize ?? 6);
    for (let k = 0; k < size; k++) {
      const T = int(1, config.maxLength ?? 10);
      const t: Traj = { group: g, states: [], rewards: [], valid: [] };
      let state = 0; // every member starts from the same state
      for (let s = 0; s < T; s++) {
        t.states.push(state);
        t.rewards.push(rand() < 0.3 ? pick(rewardPool) : rand() < 0.1 ? Math.round(rand() * 1000) / 100 : 0);
        t.valid.push(rand() < 0.8 ? 1 : 0);
        state = rand() < 0.3 ? state : int(0, numStates - 1);
      }
      trajs.push(t);
    }
  }
  if (config.interleave) {
    for (let i = trajs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [trajs[i], trajs[j]] = [trajs[j], trajs[i]];
    }
  } else {
    trajs.sort((a, b) => a.group - b.group);
  }

  const n = trajs.reduce((s, t) => s + t.states.length, 0);
  const batch: StepBatch = allocateStepBatch(n);
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const trajIds = new Set<number>();
  let r = 0;
  for (const t of trajs) {
    let id = int(0, 0xffffffff);
    while (trajIds.has(id)) id = int(0, 0xffffffff);
    trajIds.add(id);
    for (let s = 0; s < t.states.length; s++, r++) {
      const text = groupTexts[t.group][t.states[s]];
      let o = textIndex.get(text);
      if (o === undefined) {
        o = texts.push(text) - 1;
        textIndex.set(text, o);
      }
      batch.group[r] = groupIds[t.group];
      batch.traj[r] = id;
      batch.step[r] = s;
      batch.reward[r] = t.rewards[s];
      batch.valid[r] = t.valid[s];
      batch.done[r] = s === t.states.length - 1 ? 1 : 0;
      batch.obs[r] = o;
    }
  }
  batch.observations = packText(texts);
  const hashes = hashStrings(texts);
  for (let row = 0; row < n; row++) batch.anchor[row] = hashes[batch.obs[row]];
  if (config.tokens) {
    const offsets = new Uint32Array(n + 1);
    for (let row = 0; row < n; row++) offsets[row + 1] = offsets[row] + int(0, 6);
    batch.responseIds = { offsets, data: new Int32Array(offsets[n]).map(() => int(0, 50000)) };
  }
  return batch;
}
