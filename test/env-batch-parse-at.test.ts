// EnvBatch.parseAt: parse() of only the listed envs, with the index rules of stepAt.
import { describe, expect, it } from 'vitest';

import { createEnvBatch, INVALID_ACTION } from '../lib/index.js';

describe('EnvBatch.parseAt', () => {
  it('reads each listed env the way parse() reads it, state-dependent text envs included', () => {
    for (const env of ['sokoban', 'household']) {
      const batch = createEnvBatch({ env, numEnvs: 6, groupSize: 2, seed: 4 });
      const names = Array.from({ length: 6 }, (_, i) => (batch.numActions > 0 ? batch.actionName(i, i % batch.numActions) : 'look'));
      const texts = names.map((n, i) => (i === 4 ? 'gibberish' : `<action>${n}</action>`));
      const all = batch.parse(texts);
      const indices = new Uint32Array([5, 0, 4, 2]);
      const some = batch.parseAt(
        indices,
        Array.from(indices, (i) => texts[i]),
      );
      expect(Array.from(some)).toEqual(Array.from(indices, (i) => all[i]));
      expect(some[2]).toBe(INVALID_ACTION);
      expect(some[1]).toBe(0);
    }
  });

  it('rejects bad indices and mismatched lengths with the position named', () => {
    const batch = createEnvBatch({ env: 'sokoban', numEnvs: 3 });
    expect(() => batch.parseAt(new Uint32Array([0, 3]), ['up', 'up'])).toThrow(/indices\[1\]: must be in \[0, 3\), got 3/);
    expect(() => batch.parseAt(new Int32Array([1, 1]), ['up', 'up'])).toThrow(/indices\[1\]: env 1 already given at indices\[0\]/);
    expect(() => batch.parseAt(new Uint32Array([0]), ['up', 'down'])).toThrow(/responses: expected length 1, got 2/);
    expect(() => batch.parseAt([0] as never, ['up'])).toThrow(/indices: expected an Int32Array or a Uint32Array/);
  });
});

describe('EnvBatch.parseOne / stepOne / admissibleActionIdsInto', () => {
  it('are parseAt, stepAt and admissibleActionIds of one env, without the arrays', () => {
    for (const env of ['sokoban', 'household', 'points24']) {
      const a = createEnvBatch({ env, numEnvs: 4, groupSize: 2, seed: 9 });
      const b = createEnvBatch({ env, numEnvs: 4, groupSize: 2, seed: 9 });
      const out = new Int32Array(a.numActions);
      for (let t = 0; t < 12; t++)
        for (const i of [2, 0, 3]) {
          const count = a.admissibleActionIdsInto(i, out);
          expect(Array.from(out.subarray(0, count))).toEqual(Array.from(b.admissibleActionIds(i)));
          const text = t % 5 === 4 ? 'gibberish' : `<action>${a.actionName(i, out[(t + i) % count])}</action>`;
          const parsed = a.parseOne(i, text);
          expect(parsed).toBe(b.parseAt(Uint32Array.of(i), [text])[0]);
          a.stepOne(i, parsed);
          b.stepAt(Uint32Array.of(i), Int32Array.of(parsed));
          expect([a.rewards[i], a.done[i], a.truncated[i], a.valid[i], a.anchors[i]]).toEqual([
            b.rewards[i],
            b.done[i],
            b.truncated[i],
            b.valid[i],
            b.anchors[i],
          ]);
          expect(a.observation(i)).toBe(b.observation(i));
        }
      expect(() => a.parseOne(4, 'x')).toThrow(RangeError);
      expect(() => a.stepOne(1, 1.5)).toThrow(RangeError);
      expect(() => a.admissibleActionIdsInto(0, new Int32Array(a.numActions + 1))).toThrow(RangeError);
      a.close();
      b.close();
    }
  });
});
