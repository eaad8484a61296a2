// Environment stepping throughput: the JS API (EnvBatch.step with random actions drawn in
// JS, render and hash on) against the C++ tight loop over the same core code. Measured as
// a ratio within one run: rounds alternate between the two and the median of each is kept.
import { createEnvBatch, type EnvOptions } from '../../envs/env-batch.js';
import { formatTable } from '../format.js';
import { runTightLoop } from './tight-loop.js';

export interface EnvStepRow {
  env: string;
  envs: number;
  jsStepsPerSecond: number;
  tightStepsPerSecond: number;
  /** JS API steps/s divided by tight-loop steps/s. */
  efficiency: number;
}

export interface EnvStepBenchOptions {
  env: string;
  sizes: number[];
  /** Seconds per measurement (each of `rounds` rounds measures both sides). */
  seconds: number;
  rounds?: number;
  seed?: number;
  options?: EnvOptions;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Steps/s of the JS API with random actions for about `seconds`. */
export function measureJsStepping(env: string, numEnvs: number, seconds: number, seed: number, options: EnvOptions = {}): number {
  const batch = createEnvBatch({ env, numEnvs, seed, options });
  const actions = new Int32Array(numEnvs);
  const numActions = batch.numActions;
  if (numActions > 0x10000) throw new Error(`measureJsStepping: ${numActions} actions exceed the 16-bit range reduction`);
  let x = (seed ^ 0x1e3779b9) | 0 || 1;
  let steps = 0;
  let sink = 0n;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let calls = 0;
  for (;;) {
    for (let i = 0; i < numEnvs; i++) {
      // xorshift32 and a multiply-shift range reduction (as the C++ loop's Lemire method):
      // an integer modulo by a variable would cost more than a cheap env's whole step.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      actions[i] = ((x >>> 16) * numActions) >>> 16;
    }
    batch.step(actions);
    sink ^= batch.anchors[calls % numEnvs];
    steps += numEnvs;
    calls++;
    if ((numEnvs >= 256 || (calls & 7) === 0) && process.hrtime.bigint() - start >= limit) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === -1n) console.log(sink); // keeps the reads alive
  return steps / elapsed;
}

export function benchEnvStepping(opts: EnvStepBenchOptions): EnvStepRow[] {
  const rounds = opts.rounds ?? 3;
  const seed = opts.seed ?? 1;
  const rows: EnvStepRow[] = [];
  for (const n of opts.sizes) {
    const js: number[] = [];
    const tight: number[] = [];
    // Warm-up: first-touch page faults and JIT.
    measureJsStepping(opts.env, n, Math.min(0.2, opts.seconds), seed, opts.options);
    for (let r = 0; r < rounds; r++) {
      tight.push(runTightLoop(opts.env, n, opts.seconds, seed, opts.options).stepsPerSecond);
      js.push(measureJsStepping(opts.env, n, opts.seconds, seed, opts.options));
    }
    const jsMedian = median(js);
    const tightMedian = median(tight);
    rows.push({
      env: opts.env,
      envs: n,
      jsStepsPerSecond: jsMedian,
      tightStepsPerSecond: tightMedian,
      efficiency: jsMedian / tightMedian,
    });
  }
  return rows;
}

/** The rows as the text table `gigpo bench` and `npm run bench` print. */
export function envSteppingTable(rows: readonly EnvStepRow[]): string {
  return formatTable(
    ['env', 'N', 'JS API steps/s', 'tight loop steps/s', 'efficiency'],
    rows.map((r) => [
      r.env,
      String(r.envs),
      r.jsStepsPerSecond.toFixed(0),
      r.tightStepsPerSecond.toFixed(0),
      `${(r.efficiency * 100).toFixed(1)}%`,
    ]),
  );
}
