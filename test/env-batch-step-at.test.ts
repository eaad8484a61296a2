// EnvBatch.stepAt / stepTextAt: stepping a subset of the envs. Each stepped env must end up
// exactly as a full step() with HOLD_ACTION for the others would leave it; every other env
// and its outputs must stay as they were, byte for byte.
import { describe, expect, it } from 'vitest';

import { createEnvBatch, HOLD_ACTION, listEnvs, type EnvBatch } from '../lib/index.js';

const ENVS = listEnvs().map((e) => e.name);

interface Snapshot {
  rewards: number[];
  done: number[];
  truncated: number[];
  valid: number[];
  resets: number[];
  episodeSteps: number[];
  anchors: bigint[];
  observations: string[];
}

const snapshot = (b: EnvBatch): Snapshot => ({
  rewards: Array.from(b.rewards),
  done: Array.from(b.done),
  truncated: Array.from(b.truncated),
  valid: Array.from(b.valid),
  resets: Array.from(b.resets),
  episodeSteps: Array.from(b.episodeSteps),
  anchors: Array.from(b.anchors),
  observations: b.observations(),
});

const pick = (s: Snapshot, i: number) => ({
  reward: s.rewards[i],
  done: s.done[i],
  truncated: s.truncated[i],
  valid: s.valid[i],
  reset: s.resets[i],
  episodeStep: s.episodeSteps[i],
  anchor: s.anchors[i],
  observation: s.observations[i],
});

// A deterministic subset of k distinct envs of n, in a shuffled order, for call t.
function subset(n: number, t: number): Uint32Array {
  const k = 1 + ((t * 5) % n);
  const order = Array.from({ length: n }, (_, i) => i);
  let x = t * 2654435761 + 1;
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Uint32Array.from(order.slice(0, k));
}

describe.each(ENVS)('stepAt on %s', (env) => {
  it('steps exactly the given envs, as step() with the others held would, and leaves the others untouched', () => {
    const n = 12;
    const sub = createEnvBatch({ env, numEnvs: n, groupSize: 3, seed: 21 });
    const full = createEnvBatch({ env, numEnvs: n, groupSize: 3, seed: 21 });
    for (let t = 0; t < 60; t++) {
      const indices = subset(n, t);
      const actions = new Int32Array(indices.length);
      const fullActions = new Int32Array(n).fill(HOLD_ACTION);
      for (let j = 0; j < indices.length; j++) {
        actions[j] = (t * 7 + indices[j] * 3) % sub.numActions;
        fullActions[indices[j]] = actions[j];
      }
      const before = snapshot(sub);
      sub.stepAt(t % 2 ? indices : Int32Array.from(indices), actions);
      full.step(fullActions);
      const after = snapshot(sub);
      const reference = snapshot(full);
      const stepped = new Set(indices);
      for (let i = 0; i < n; i++) {
        expect(pick(after, i)).toEqual(stepped.has(i) ? pick(reference, i) : pick(before, i));
        // The env's state itself matches the reference whether stepped or held.
        expect(after.anchors[i]).toBe(reference.anchors[i]);
      }
    }
  });

  it('stepTextAt parses and steps only the given envs, as stepText() with nulls would', () => {
    const n = 8;
    const sub = createEnvBatch({ env, numEnvs: n, groupSize: 2, seed: 4 });
    const full = createEnvBatch({ env, numEnvs: n, groupSize: 2, seed: 4 });
    for (let t = 0; t < 40; t++) {
      const indices = subset(n, t + 100);
      const texts: string[] = [];
      const fullTexts: Array<string | null> = new Array<string | null>(n).fill(null);
      for (let j = 0; j < indices.length; j++) {
        const i = indices[j];
        // Every fifth response is garbage: an invalid no-op in both batches.
        texts.push((t + j) % 5 === 0 ? 'no idea' : sub.actionName(i, (t + i) % sub.numActions));
        fullTexts[i] = texts[j];
      }
      const before = snapshot(sub);
      sub.stepTextAt(indices, texts);
      full.stepText(fullTexts);
      const after = snapshot(sub);
      const reference = snapshot(full);
      const stepped = new Set(indices);
      for (let i = 0; i < n; i++) expect(pick(after, i)).toEqual(stepped.has(i) ? pick(reference, i) : pick(before, i));
    }
  });
});

describe('stepAt argument checks', () => {
  const make = () => createEnvBatch({ env: 'sokoban', numEnvs: 4, seed: 1 });

  it('rejects bad and repeated indices by position, before stepping any env', () => {
    const b = make();
    const before = snapshot(b);
    const actions = new Int32Array([0, 1]);
    expect(() => b.stepAt(new Uint32Array([0, 4]), actions)).toThrow(new RangeError('indices[1]: must be in [0, 4), got 4'));
    expect(() => b.stepAt(new Int32Array([-1, 0]), actions)).toThrow(new RangeError('indices[0]: must be in [0, 4), got -1'));
    expect(() => b.stepAt(new Uint32Array([2, 2]), actions)).toThrow(new RangeError('indices[1]: env 2 already given at indices[0]'));
    expect(() => b.stepTextAt(new Uint32Array([3, 1, 3]), ['up', 'up', 'up'])).toThrow(
      new RangeError('indices[2]: env 3 already given at indices[0]'),
    );
    expect(() => b.stepAt(new Uint32Array([0, 1]), new Int32Array([0, 99]))).toThrow(
      new RangeError('actions[1]: must be in [-2, 4) (-1 invalid, -2 hold), got 99'),
    );
    expect(() => b.stepAt(new Uint32Array([0, 1]), new Int32Array([0]))).toThrow(new RangeError('actions: expected length 2, got 1'));
    expect(() => b.stepTextAt(new Uint32Array([0, 1]), ['up'])).toThrow(new RangeError('responses: expected length 2, got 1'));
    expect(() => b.stepAt([0, 1] as never, actions)).toThrow(new TypeError('indices: expected an Int32Array or a Uint32Array'));
    expect(() => b.stepAt(new Float64Array([0, 1]) as never, actions)).toThrow(TypeError);
    expect(() => b.stepAt(new Uint32Array([0, 1]), new Uint32Array([0, 1]) as never)).toThrow(
      new TypeError('actions: expected a Int32Array'),
    );
    expect(() => b.stepTextAt(new Uint32Array([0]), [null as never])).toThrow(new TypeError('responses[0]: expected a string'));
    expect(snapshot(b)).toEqual(before);
    // A failed call leaves no marks behind: the same indices are accepted afterwards.
    b.stepAt(new Uint32Array([2, 0]), new Int32Array([1, 1]));
    expect(b.episodeSteps[2]).toBe(1);
    expect(b.episodeSteps[1]).toBe(0);
  });

  it('accepts an empty subset as a no-op', () => {
    const b = make();
    const before = snapshot(b);
    b.stepAt(new Uint32Array(0), new Int32Array(0));
    b.stepTextAt(new Int32Array(0), []);
    expect(snapshot(b)).toEqual(before);
  });
});
