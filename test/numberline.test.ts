import { describe, expect, it } from 'vitest';
import { createEnvBatch, INVALID_ACTION, HOLD_ACTION } from '../lib/index.js';

const PLUS = 0;
const MINUS = 1;

function parseObs(text: string): { position: number; target: number } {
  const m = /Position: (\d+)\nTarget: (\d+)/.exec(text);
  if (!m) throw new Error('unexpected observation ' + text);
  return { position: Number(m[1]), target: Number(m[2]) };
}

describe('numberline', () => {
  it('moves, rewards and ends by its rules', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 64, groupSize: 1, seed: 3 });
    for (let i = 0; i < 64; i++) {
      const { position, target } = parseObs(b.observation(i));
      expect(position).not.toBe(target);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(target).toBeLessThanOrEqual(5);
    }
    // Step away from the target: -1 (or bump into the end: also -1).
    const start = b.observations().map(parseObs);
    const away = Int32Array.from(start, (s) => (s.position < s.target ? MINUS : PLUS));
    b.step(away);
    for (let i = 0; i < 64; i++) {
      expect(b.rewards[i]).toBe(-1);
      expect(b.valid[i]).toBe(1);
      expect(b.done[i]).toBe(0);
    }
    // Walk to the target with the oracle: reward 0 until the arrival step gives +1 and done.
    for (let t = 0; t < 12; t++) {
      const before = b.observations().map(parseObs);
      const ended = Uint8Array.from(b.done);
      const actions = b.oracleActions();
      for (let i = 0; i < 64; i++) if (ended[i]) actions[i] = HOLD_ACTION;
      b.step(actions);
      for (let i = 0; i < 64; i++) {
        if (ended[i]) continue;
        const after = parseObs(b.observation(i));
        if (after.position === after.target) {
          expect(b.rewards[i]).toBe(1);
          expect(b.done[i]).toBe(1);
        } else {
          expect(b.rewards[i]).toBe(0);
          expect(Math.abs(after.position - after.target)).toBe(Math.abs(before[i].position - before[i].target) - 1);
        }
      }
    }
    expect(Array.from(b.done).every((d) => d === 1)).toBe(true);
  });

  it('flags invalid actions and truncates at 2 * maxPosition steps', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 2, seed: 1, options: { maxPosition: 3 } });
    expect(b.maxSteps).toBe(6);
    const invalid = new Int32Array([INVALID_ACTION, INVALID_ACTION]);
    for (let t = 1; t <= 6; t++) {
      b.step(invalid);
      expect(Array.from(b.valid)).toEqual([0, 0]);
      expect(Array.from(b.rewards)).toEqual([-1, -1]);
      expect(Array.from(b.truncated)).toEqual(t === 6 ? [1, 1] : [0, 0]);
    }
    // Next-step auto-reset: reward 0, reset flag, step count 0.
    b.step(invalid);
    expect(Array.from(b.resets)).toEqual([1, 1]);
    expect(Array.from(b.episodeSteps)).toEqual([0, 0]);
    expect(Array.from(b.rewards)).toEqual([0, 0]);
  });

  it('parses + and - from <action> tags', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 5, seed: 1 });
    expect(Array.from(b.parse(['<action>+</action>', '<action> minus </action>', 'plus', '<action>*</action>', '<action>+</action><action>-</action>']))).toEqual([
      PLUS,
      MINUS,
      INVALID_ACTION,
      INVALID_ACTION,
      MINUS,
    ]);
  });
});
