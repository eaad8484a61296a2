// The batch contract, independent of any one environment: seeding, groups, auto-reset,
// hashing, threads and argument checking.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import { createEnvBatch, hashStrings, HOLD_ACTION, listEnvs } from '../lib/index.js';
import { runScenario } from './fixtures/scenario.mjs';

const ENVS = listEnvs().map((e) => e.name);

describe.each(ENVS)('batch of %s', (env) => {
  it('gives group members identical start states and distinct groups different ones', () => {
    const b = createEnvBatch({ env, numEnvs: 64, groupSize: 8, seed: 11 });
    const obs = b.observations();
    const groupsSeen = new Set<string>();
    for (let g = 0; g < 8; g++) {
      for (let m = 1; m < 8; m++) {
        expect(obs[g * 8 + m]).toBe(obs[g * 8]);
        expect(b.anchors[g * 8 + m]).toBe(b.anchors[g * 8]);
      }
      groupsSeen.add(obs[g * 8]);
    }
    expect(groupsSeen.size).toBeGreaterThan(1);
  });

  it('is deterministic across runs and batch sizes', () => {
    const small = createEnvBatch({ env, numEnvs: 4, groupSize: 2, seed: 5 });
    const large = createEnvBatch({ env, numEnvs: 32, groupSize: 2, seed: 5 });
    const again = createEnvBatch({ env, numEnvs: 32, groupSize: 2, seed: 5 });
    expect(large.observations().slice(0, 4)).toEqual(small.observations());
    const aSmall = new Int32Array(4);
    const aLarge = new Int32Array(32);
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < 32; i++) aLarge[i] = (i * 7 + t * 3) % large.numActions;
      aSmall.set(aLarge.subarray(0, 4));
      large.step(aLarge);
      again.step(aLarge);
      small.step(aSmall);
      expect(Array.from(large.rewards.subarray(0, 4))).toEqual(Array.from(small.rewards));
      expect(Array.from(large.anchors.subarray(0, 4))).toEqual(Array.from(small.anchors));
      expect(large.observations()).toEqual(again.observations());
      expect(Array.from(large.resets)).toEqual(Array.from(again.resets));
    }
  });

  it('seeds a shard with firstGroup exactly as the whole batch', () => {
    const whole = createEnvBatch({ env, numEnvs: 24, groupSize: 4, seed: 8 });
    const shard = createEnvBatch({ env, numEnvs: 8, groupSize: 4, seed: 8, firstGroup: 3 });
    expect(shard.observations()).toEqual(whole.observations().slice(12, 20));
    expect(Array.from(shard.anchors)).toEqual(Array.from(whole.anchors.subarray(12, 20)));
  });

  it('hashes each state as hashStrings hashes its key', () => {
    const b = createEnvBatch({ env, numEnvs: 16, groupSize: 1, seed: 2 });
    const a = new Int32Array(16);
    for (let t = 0; t < 10; t++) {
      for (let i = 0; i < 16; i++) a[i] = (i + t) % b.numActions;
      b.step(a);
      const keys = Array.from({ length: 16 }, (_, i) => b.key(i).toString('utf8'));
      expect(Array.from(hashStrings(keys))).toEqual(Array.from(b.anchors));
    }
  });

  it('resets to the same states with reset()', () => {
    const b = createEnvBatch({ env, numEnvs: 8, groupSize: 4, seed: 9 });
    const start = b.observations();
    b.step(new Int32Array(8));
    b.reset();
    expect(b.observations()).toEqual(start);
    expect(Array.from(b.resets)).toEqual(new Array(8).fill(1));
    b.reset(10);
    expect(b.observations()).toEqual(createEnvBatch({ env, numEnvs: 8, groupSize: 4, seed: 10 }).observations());
  });

  it('leaves held envs untouched', () => {
    const b = createEnvBatch({ env, numEnvs: 4, seed: 3 });
    const before = b.observations();
    const steps = Array.from(b.episodeSteps);
    b.step(new Int32Array([HOLD_ACTION, HOLD_ACTION, HOLD_ACTION, HOLD_ACTION]));
    expect(b.observations()).toEqual(before);
    expect(Array.from(b.episodeSteps)).toEqual(steps);
    expect(Array.from(b.rewards)).toEqual([0, 0, 0, 0]);
  });
});

describe.each(ENVS)('worker threads with %s', (env) => {
  it('step the same way in two workers as on the main thread', async () => {
    const params = { env, numEnvs: 16, groupSize: 4, seed: 21, steps: 25, options: {} };
    const expected = await runScenario(params);
    const run = () =>
      new Promise<unknown>((resolve, reject) => {
        const w = new Worker(new URL('./fixtures/step-worker.mjs', import.meta.url), { workerData: params });
        w.once('message', (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', reject);
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
  });
});

describe('argument checking', () => {
  const env = ENVS[0];
  it('rejects bad configs with the argument named', () => {
    expect(() => createEnvBatch({ env: 'nope', numEnvs: 1 })).toThrow(/env: unknown environment 'nope'/);
    expect(() => createEnvBatch({ env, numEnvs: 0 })).toThrow(RangeError);
    expect(() => createEnvBatch({ env, numEnvs: 0 })).toThrow(/config.numEnvs/);
    expect(() => createEnvBatch({ env, numEnvs: 1.5 })).toThrow(/config.numEnvs: expected an integer/);
    expect(() => createEnvBatch({ env, numEnvs: 'x' as unknown as number })).toThrow(TypeError);
    expect(() => createEnvBatch({ env, numEnvs: 6, groupSize: 4 })).toThrow(/groupSize: must divide numEnvs/);
    expect(() => createEnvBatch({ env, numEnvs: 2, seed: -1 })).toThrow(/config.seed/);
    expect(() => createEnvBatch({ env, numEnvs: 2, seed: Number.NaN })).toThrow(/config.seed/);
    expect(() => createEnvBatch({ env, numEnvs: 2, options: { bogus: 1 } })).toThrow(/options.bogus: unknown option/);
    expect(() => createEnvBatch({ env, numEnvs: 2, options: { maxSteps: [1] as unknown as number } })).toThrow(
      /options.maxSteps: expected a number, boolean or string/,
    );
  });

  it('rejects bad actions before stepping any env', () => {
    const b = createEnvBatch({ env, numEnvs: 3, seed: 1 });
    const before = b.observations();
    expect(() => b.step(new Int32Array([0, 99, 0]))).toThrow(/actions\[1\]: must be in \[-2, /);
    expect(b.observations()).toEqual(before);
    expect(() => b.step(new Int32Array([0, 0]))).toThrow(/actions: expected length 3, got 2/);
    expect(() => b.step(new Float32Array(3) as unknown as Int32Array)).toThrow(/actions: expected a Int32Array/);
    expect(() => b.step(undefined as unknown as Int32Array)).toThrow(TypeError);
    expect(() => b.stepText(['a', 'b'])).toThrow(/responses: expected length 3/);
    expect(() => b.stepText(['a', 5 as unknown as string, 'c'])).toThrow(/responses\[1\]: expected a string/);
    expect(() => b.observation(3)).toThrow(/env: must be an integer in \[0, 3\)/);
    expect(() => b.key(-1)).toThrow(/env: must be an integer/);
    expect(() => hashStrings('x' as unknown as string[])).toThrow(/strings: expected an array/);
    expect(() => hashStrings(['a', 1 as unknown as string])).toThrow(/strings\[1\]: expected a string/);
  });

  it('refuses to step after its output arrays were transferred', () => {
    const b = createEnvBatch({ env, numEnvs: 2, seed: 1 });
    const buffer = b.rewards.buffer as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] });
    expect(() => b.step(new Int32Array(2))).toThrow(/transferred or detached/);
  });
});
