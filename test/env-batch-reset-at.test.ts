// EnvBatch.resetAt: a slot put on (group, member) behaves exactly like that member of that
// group in a batch of the same seed, through auto-resets too; other slots are untouched.
import { describe, expect, it } from 'vitest';

import { createEnvBatch } from '../lib/index.js';

const u32 = (...v: number[]) => new Uint32Array(v);

describe('EnvBatch.resetAt', () => {
  it('matches member m of group g of a whole batch, across episodes (slippery frozenlake)', () => {
    const options = { slippery: true, maxSteps: 6 };
    const whole = createEnvBatch({ env: 'frozenlake', numEnvs: 12, groupSize: 3, seed: 9, options });
    const slots = createEnvBatch({ env: 'frozenlake', numEnvs: 2, seed: 9, options });
    const untouched = slots.observation(0);
    const untouchedAnchor = slots.anchors[0];
    slots.resetAt(u32(1), u32(2), u32(1)); // group 2, member 1 = env 7 of `whole`
    expect(slots.observation(0)).toBe(untouched);
    expect(slots.anchors[0]).toBe(untouchedAnchor);
    expect(slots.observation(1)).toBe(whole.observation(7));
    expect(slots.resets[1]).toBe(1);
    let resets = 0;
    for (let t = 0; t < 40; t++) {
      const a = (t * 5) % 4;
      whole.step(new Int32Array(12).fill(a));
      slots.stepAt(u32(1), new Int32Array([a]));
      expect(slots.observation(1)).toBe(whole.observation(7));
      expect(slots.anchors[1]).toBe(whole.anchors[7]);
      expect(slots.rewards[1]).toBe(whole.rewards[7]);
      expect([slots.done[1], slots.truncated[1], slots.resets[1]]).toEqual([whole.done[7], whole.truncated[7], whole.resets[7]]);
      resets += whole.resets[7];
    }
    expect(resets).toBeGreaterThanOrEqual(3); // the comparison went through auto-resets
    // Members of one group start identical; the member index only changes in-episode randomness.
    slots.resetAt(u32(0, 1), u32(4, 4), u32(0, 2));
    expect(slots.observation(0)).toBe(slots.observation(1));
    const fresh = createEnvBatch({ env: 'frozenlake', numEnvs: 15, groupSize: 3, seed: 9, options });
    expect(slots.observation(0)).toBe(fresh.observation(12));
  });

  it('reset(seed) gives every slot its own group back', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 3, seed: 4 });
    const own = b.observations();
    b.resetAt(u32(0, 2), u32(1, 1), u32(0, 0));
    expect(b.observation(0)).toBe(own[1]);
    expect(b.observation(2)).toBe(own[1]);
    b.reset();
    expect(b.observations()).toEqual(own);
  });

  it('rejects bad indices and lengths before touching any env', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 3, seed: 4 });
    const before = b.observations();
    expect(() => b.resetAt(u32(0, 3), u32(1, 1), u32(0, 0))).toThrow(/indices\[1\]: must be in \[0, 3\), got 3/);
    expect(() => b.resetAt(u32(1, 1), u32(1, 2), u32(0, 0))).toThrow(/indices\[1\]: env 1 already given/);
    expect(() => b.resetAt(u32(0), u32(1, 2), u32(0))).toThrow(/groups: expected length 1, got 2/);
    expect(() => b.resetAt(u32(0), new Int32Array([1]) as unknown as Uint32Array, u32(0))).toThrow(/groups: expected a Uint32Array/);
    expect(b.observations()).toEqual(before);
  });
});
