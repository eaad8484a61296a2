import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, INVALID_ACTION, HOLD_ACTION } from '../lib/index.js';

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
    expect(
      Array.from(
        b.parse(['<action>+</action>', '<action> minus </action>', 'plus', '<action>*</action>', '<action>+</action><action>-</action>']),
      ),
    ).toEqual([PLUS, MINUS, INVALID_ACTION, INVALID_ACTION, MINUS]);
  });

  it('renders position, target and line, and deals every start/target pair with start != target', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 2000, seed: 5, options: { maxPosition: 3 } });
    expect(b.observation(0)).toMatch(/^Position: \d\nTarget: \d\nLine: 0\.\.3$/);
    const pairs = new Map<string, number>();
    for (const o of b.observations()) {
      const { position, target } = parseObs(o);
      const k = `${position},${target}`;
      pairs.set(k, (pairs.get(k) ?? 0) + 1);
    }
    // 4 positions x 3 other targets, each about 1/12 of the deals.
    expect(pairs.size).toBe(12);
    for (const [pair, count] of pairs) {
      const [p, t] = pair.split(',').map(Number);
      expect(p).not.toBe(t);
      expect(count / 2000).toBeCloseTo(1 / 12, 1);
    }
  });

  it('stays in place with -1 when bumping into either end', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 400, seed: 6 });
    const start = b.observations().map(parseObs);
    const atZero = start.findIndex((s) => s.position === 0);
    const atMax = start.findIndex((s) => s.position === 5);
    const actions = new Int32Array(400).fill(HOLD_ACTION);
    actions[atZero] = MINUS;
    actions[atMax] = PLUS;
    b.step(actions);
    expect(parseObs(b.observation(atZero))).toEqual(start[atZero]);
    expect(parseObs(b.observation(atMax))).toEqual(start[atMax]);
    for (const i of [atZero, atMax]) expect([b.rewards[i], b.valid[i], b.done[i]]).toEqual([-1, 1, 0]);
  });

  it('is deterministic and seeds groups identically', () => {
    const run = (seed: number) => {
      const b = createEnvBatch({ env: 'numberline', numEnvs: 32, groupSize: 4, seed });
      let x = 7;
      const trace: string[] = [];
      for (let t = 0; t < 30; t++) {
        b.step(
          Int32Array.from({ length: 32 }, () => {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            return x % 2;
          }),
        );
        trace.push(Array.from(b.anchors).join(','), Array.from(b.rewards).join(','), b.observations().join('|'));
      }
      return trace;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(4)).not.toEqual(run(3));
    const fresh = createEnvBatch({ env: 'numberline', numEnvs: 32, groupSize: 4, seed: 3 });
    for (let g = 0; g < 8; g++)
      for (let m = 1; m < 4; m++) {
        expect(fresh.observation(g * 4 + m)).toBe(fresh.observation(g * 4));
        expect(fresh.anchors[g * 4 + m]).toBe(fresh.anchors[g * 4]);
      }
    // Anchors hash the observation: equal observations, equal anchors, across groups too.
    const byObs = new Map<string, bigint>();
    for (let i = 0; i < 32; i++) {
      const known = byObs.get(fresh.observation(i));
      if (known !== undefined) expect(fresh.anchors[i]).toBe(known);
      byObs.set(fresh.observation(i), fresh.anchors[i]);
    }
  });

  it('names its actions, requires <think> when asked and validates options by name', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 2, seed: 1, options: { requireThink: true } });
    expect([b.actionName(0, PLUS), b.actionName(0, MINUS)]).toEqual(['+', '-']);
    expect(Array.from(b.parse(['<action>+</action>', '<think>closer</think><action>-</action>']))).toEqual([INVALID_ACTION, MINUS]);
    expect(() => createEnvBatch({ env: 'numberline', numEnvs: 1, options: { maxPosition: 1 } })).toThrow(
      /options\.maxPosition: must be in \[2, 1000000\]/,
    );
    expect(() => createEnvBatch({ env: 'numberline', numEnvs: 1, options: { maxPosition: 2.5 } })).toThrow(RangeError);
    expect(createEnvBatch({ env: 'numberline', numEnvs: 1, options: { maxPosition: 1000000 } }).maxSteps).toBe(2000000);
    expect(envInfo('numberline')?.options.map((o) => o.name)).toEqual(['profile', 'maxPosition', 'maxSteps', 'requireThink']);
  });
});
