// Advantage scoring throughput: the native kernels (computeAdvantages) against the plain
// TypeScript reference (test/reference/advantage.ts) on the same batch, as a ratio in one
// run (DESIGN.md, "Measuring performance").
//   node dist/bench/advantage.js [--trajectories 8192] [--group-size 8] [--max-length 250]
//        [--similarity-rows 10000] [--theta 0.95] [--repeat 9] [--seed 1]
// Times are medians (the native call `repeat` times, the reference about half as often).
// "native" allocates fresh output arrays per call, as a plain computeAdvantages(batch) does;
// "native, reused outputs" passes the previous result as `into`, as a training loop can.
// Prints a table and one JSON line.
import { computeAdvantages, resolveAdvantageOptions, type AdvantageOptions, type StepBatch } from '../lib/index.js';
import { allocateStepBatch, packText } from '../lib/io/step-batch.js';
import { hashStrings } from '../lib/envs/hash.js';
import { referenceAdvantages } from '../test/reference/advantage.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIDE = 12; // agents walk a SIDE×SIDE room: states are revisited, as in grid-world tasks

function renderRoom(group: number, state: number): string {
  // A room with walls, a few fixed boxes per task and the agent: neighbouring states differ in 2 characters.
  const rand = prng(group * 7919 + 1);
  const cells: string[] = [];
  for (let y = 0; y < SIDE; y++) {
    let row = '';
    for (let x = 0; x < SIDE; x++) {
      const wall = x === 0 || y === 0 || x === SIDE - 1 || y === SIDE - 1;
      row += y * SIDE + x === state ? '@' : wall ? '#' : rand() < 0.08 ? '$' : '.';
    }
    cells.push(row);
  }
  return `Task ${group}. You are the agent @ in this room:\n${cells.join('\n')}\nPush the boxes ($) onto the goals. Your move?`;
}

/** numTraj trajectories in groups of groupSize, random walks from the group's start state. */
function makeBatch(numTraj: number, groupSize: number, maxLength: number, seed: number, withText: boolean): StepBatch {
  const rand = prng(seed);
  const lengths = Array.from({ length: numTraj }, () => 1 + Math.floor(rand() * maxLength));
  const n = lengths.reduce((a, b) => a + b, 0);
  const batch: StepBatch = allocateStepBatch(n);
  const numGroups = Math.ceil(numTraj / groupSize);
  const stateCount = SIDE * SIDE;
  // Anchor of (group, state): what an env's hash of its canonical state would give.
  const anchorOf = new BigUint64Array(numGroups * stateCount);
  for (let i = 0; i < anchorOf.length; i++)
    anchorOf[i] = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  const texts: string[] = [];
  const textIndex = new Map<number, number>();
  let r = 0;
  for (let t = 0; t < numTraj; t++) {
    const g = Math.floor(t / groupSize);
    let x = 1 + (g % (SIDE - 2));
    let y = 1 + ((g * 5) % (SIDE - 2));
    const success = rand() < 0.4;
    for (let s = 0; s < lengths[t]; s++, r++) {
      const state = y * SIDE + x;
      batch.group[r] = g;
      batch.traj[r] = t;
      batch.step[r] = s;
      const valid = rand() < 0.9;
      batch.valid[r] = valid ? 1 : 0;
      batch.reward[r] = s === lengths[t] - 1 ? (success ? 10 : 0) : rand() < 0.05 ? 1 : 0;
      batch.done[r] = s === lengths[t] - 1 ? 1 : 0;
      batch.anchor[r] = anchorOf[g * stateCount + state];
      if (withText) {
        const key = g * stateCount + state;
        let o = textIndex.get(key);
        if (o === undefined) {
          o = texts.push(renderRoom(g, state)) - 1;
          textIndex.set(key, o);
        }
        batch.obs[r] = o;
      }
      if (valid) {
        const d = Math.floor(rand() * 4);
        x = Math.min(SIDE - 2, Math.max(1, x + (d === 0 ? 1 : d === 1 ? -1 : 0)));
        y = Math.min(SIDE - 2, Math.max(1, y + (d === 2 ? 1 : d === 3 ? -1 : 0)));
      }
    }
  }
  if (withText) {
    batch.observations = packText(texts);
    const hashes = hashStrings(texts);
    for (let row = 0; row < n; row++) batch.anchor[row] = hashes[batch.obs[row]];
  }
  return batch;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(repeat: number, f: () => unknown): number {
  f(); // warm-up (JIT, page faults)
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    f();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

function maxDifference(a: Float32Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

const seed = flag('seed', 1);
const repeat = flag('repeat', 9);
const exact = makeBatch(flag('trajectories', 8192), flag('group-size', 8), flag('max-length', 250), seed, false);
const exactOptions: AdvantageOptions = {};
const nativeMs = time(repeat, () => computeAdvantages(exact, exactOptions));
const result = computeAdvantages(exact, exactOptions);
const reusedMs = time(repeat, () => computeAdvantages(exact, exactOptions, result));
const referenceMs = time(Math.max(1, Math.ceil(repeat / 2)), () => referenceAdvantages(exact, resolveAdvantageOptions(exactOptions)));
const agreement = maxDifference(result.advantage, referenceAdvantages(exact, resolveAdvantageOptions(exactOptions)).advantage);

// Similarity mode: ~similarity-rows rows of text observations in the same shape of batch.
const simRows = flag('similarity-rows', 10000);
const simTraj = Math.max(8, Math.round(simRows / ((flag('max-length', 250) + 1) / 2) / 8) * 8);
const similar = makeBatch(simTraj, flag('group-size', 8), flag('max-length', 250), seed + 1, true);
const simOptions: AdvantageOptions = { anchors: { similarity: flag('theta', 0.95) } };
const simNativeMs = time(repeat, () => computeAdvantages(similar, simOptions));
const simReferenceMs = time(1, () => referenceAdvantages(similar, resolveAdvantageOptions(simOptions)));
const simResult = computeAdvantages(similar, simOptions);
const simAgreement = maxDifference(simResult.advantage, referenceAdvantages(similar, resolveAdvantageOptions(simOptions)).advantage);

const rate = (rows: number, ms: number) => rows / (ms / 1000);
const rows = [
  ['exact anchors', exact.numRows, result.stats.meanStepGroupSize, nativeMs, referenceMs],
  ['exact, reused out', exact.numRows, result.stats.meanStepGroupSize, reusedMs, referenceMs],
  [`similarity ${flag('theta', 0.95)}`, similar.numRows, simResult.stats.meanStepGroupSize, simNativeMs, simReferenceMs],
] as const;
console.log('mode              rows      rows/step-group  native rows/s   reference rows/s  ratio');
for (const [mode, n, size, nms, rms] of rows)
  console.log(
    `${mode.padEnd(17)} ${String(n).padEnd(9)} ${size.toFixed(2).padEnd(16)} ${rate(n, nms).toExponential(3).padEnd(15)} ${rate(n, rms)
      .toExponential(3)
      .padEnd(17)} ${(rms / nms).toFixed(1)}x`,
  );
console.log(
  `max relative difference native vs reference: exact ${agreement.toExponential(2)}, similarity ${simAgreement.toExponential(2)}`,
);
console.log(
  JSON.stringify({
    bench: 'advantage',
    exact: {
      rows: exact.numRows,
      trajectories: result.stats.numTrajectories,
      stepGroups: result.stats.numStepGroups,
      nativeMs,
      reusedOutputsMs: reusedMs,
      referenceMs,
      nativeRowsPerSec: rate(exact.numRows, nativeMs),
      reusedOutputsRowsPerSec: rate(exact.numRows, reusedMs),
      referenceRowsPerSec: rate(exact.numRows, referenceMs),
      ratio: referenceMs / nativeMs,
      reusedOutputsRatio: referenceMs / reusedMs,
    },
    similarity: {
      rows: similar.numRows,
      theta: flag('theta', 0.95),
      stepGroups: simResult.stats.numStepGroups,
      nativeMs: simNativeMs,
      referenceMs: simReferenceMs,
      nativeRowsPerSec: rate(similar.numRows, simNativeMs),
      referenceRowsPerSec: rate(similar.numRows, simReferenceMs),
      ratio: simReferenceMs / simNativeMs,
    },
    agreement: { exact: agreement, similarity: simAgreement },
  }),
);
