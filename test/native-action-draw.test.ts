// The native policies draw their actions in C++ (EnvBatch.drawActions) from the same seeded
// streams lib/seeded-random.ts defines: checked here against an independent TypeScript
// computation of the same draws (RandomStreams, the batch's oracle and admissible actions),
// step by step, for a grid env (random over all actions), the oracle with epsilon, and a text
// env (random over the admissible commands).
import { describe, expect, it } from 'vitest';

import { createEnvBatch, nativeActionStreams, type EnvBatch } from '../lib/envs/env-batch.js';
import { RandomStreams } from '../lib/seeded-random.js';

const HOLD = -2;

/** The draw of lib/rollout/engine.ts before it moved to C++, in TypeScript. */
function tsDraw(
  batch: EnvBatch,
  streams: RandomStreams,
  active: Uint8Array,
  oracle: boolean,
  epsilon: number,
  overAdmissible: boolean,
): Int32Array {
  const best = oracle ? batch.oracleActions() : undefined;
  const out = new Int32Array(batch.numEnvs);
  for (let i = 0; i < batch.numEnvs; i++) {
    if (!active[i]) {
      out[i] = HOLD;
      continue;
    }
    if (best && !(epsilon > 0 && streams.uniform(i) < epsilon)) {
      out[i] = best[i];
      continue;
    }
    const ids = overAdmissible ? batch.admissibleActionIds(i) : new Int32Array(0);
    out[i] = ids.length > 0 ? ids[streams.below(i, ids.length)] : streams.below(i, batch.numActions);
  }
  return out;
}

const CASES = [
  { env: 'sokoban', oracle: false, epsilon: 1, overAdmissible: false },
  { env: 'sokoban', oracle: true, epsilon: 0.3, overAdmissible: false },
  { env: 'frozenlake', oracle: true, epsilon: 0, overAdmissible: false },
  { env: 'household', oracle: false, epsilon: 1, overAdmissible: true },
  { env: 'shop', oracle: true, epsilon: 0.5, overAdmissible: true },
];

describe.each(CASES)(
  'drawActions on $env (oracle $oracle, epsilon $epsilon, over admissible $overAdmissible)',
  ({ env, oracle, epsilon, overAdmissible }) => {
    it('draws what the TypeScript streams draw, step after step, with held envs drawing nothing', () => {
      const numEnvs = 12;
      const seed = 77n;
      const first = 3 * numEnvs; // a shard: streams keyed by global env index
      const a = createEnvBatch({ env, numEnvs, groupSize: 4, seed: 5, firstGroup: 9 });
      const b = createEnvBatch({ env, numEnvs, groupSize: 4, seed: 5, firstGroup: 9 });
      const streams = nativeActionStreams(seed, first, numEnvs);
      const ts = new RandomStreams(seed, first, numEnvs);
      const active = new Uint8Array(numEnvs).fill(1);
      const actions = new Int32Array(numEnvs);
      const distinct = new Set<number>();
      for (let t = 0; t < 25; t++) {
        if (t === 5) active[3] = 0; // held from here on
        a.drawActions({ streams, active, actions, oracle, epsilon, overAdmissible });
        const expected = tsDraw(b, ts, active, oracle, epsilon, overAdmissible);
        expect(Array.from(actions)).toEqual(Array.from(expected));
        for (const x of actions) if (x >= 0) distinct.add(x);
        a.step(actions);
        b.step(expected);
      }
      expect(actions[3]).toBe(HOLD);
      expect(distinct.size).toBeGreaterThan(1);
    });
  },
);

describe('nativeActionStreams', () => {
  it('gives the TypeScript streams: the same draws from every stream, for number and BigInt seeds', () => {
    for (const seed of [0, 1, 2 ** 53 - 1, 2n ** 64n - 1n]) {
      const numEnvs = 5;
      const native = nativeActionStreams(seed, 1000, numEnvs);
      const ts = new RandomStreams(seed, 1000, numEnvs);
      const b = createEnvBatch({ env: 'numberline', numEnvs });
      const actions = new Int32Array(numEnvs);
      // Random over 2 actions draws floor(next / 2^32 * 2): the top bit of each next value.
      for (let k = 0; k < 40; k++) {
        b.drawActions({
          streams: native,
          active: new Uint8Array(numEnvs).fill(1),
          actions,
          oracle: false,
          epsilon: 1,
          overAdmissible: false,
        });
        expect(Array.from(actions)).toEqual(Array.from({ length: numEnvs }, (_, i) => ts.below(i, b.numActions)));
      }
    }
  });
});
