import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, INVALID_ACTION, type EnvBatch } from '../lib/index.js';
import { checkRandomPlay, playTokens } from './helpers/card-play.js';
import { xorshift } from './helpers/random.js';
import { evaluateTokens, frac, fracEquals, parseCardObservation, solvable, tokenize } from './reference/cards.js';

const ALPHABET = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '*', '='];
const OPS = ['+', '*'];

const play = (b: EnvBatch, i: number, tokens: string[]) => playTokens(b, i, tokens, ALPHABET);

describe('ezpoints', () => {
  it('deals two cards that can make 12 and renders cards, target and formula', () => {
    const b = createEnvBatch({ env: 'ezpoints', numEnvs: 5000, seed: 1 });
    expect(b.numActions).toBe(13);
    expect(b.maxSteps).toBe(10);
    expect(Array.from({ length: 13 }, (_, a) => b.actionName(0, a))).toEqual(ALPHABET);
    const pairs = new Map<string, number>();
    let smallFirst = 0;
    for (const o of b.observations()) {
      const { cards, target, formula } = parseCardObservation(o);
      expect(cards.length).toBe(2);
      expect(target).toBe(12);
      expect(formula).toBe('');
      expect(solvable(cards, 12, OPS)).toBe(true);
      const pair = [...cards].sort((x, y) => x - y).join(',');
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
      if (pair === '2,10' && cards[0] === 2) smallFirst++;
    }
    // The deal is a 52-card deal conditioned on being solvable: of the 300 ordered solvable
    // deals (see below), {2,10} has 2*4*16, {6,6} 4*3 and the other five 2*4*4 each.
    const expected: Record<string, number> = { '2,10': 128, '6,6': 12, '2,6': 32, '3,4': 32, '3,9': 32, '4,8': 32, '5,7': 32 };
    expect([...pairs.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [pair, count] of pairs) expect(Math.abs(count / 5000 - expected[pair] / 300)).toBeLessThan(0.025);
    // In a random order.
    expect(Math.abs(smallFirst / pairs.get('2,10')! - 0.5)).toBeLessThan(0.05);
    expect(b.observation(0)).toMatch(/^Cards: \d+, \d+\nTarget: 12\nFormula:$/);
  });

  it('deals any pair with solvableOnly: false, J, Q, K counting 10', () => {
    const b = createEnvBatch({ env: 'ezpoints', numEnvs: 20000, seed: 2, options: { solvableOnly: false } });
    const counts = new Array(11).fill(0);
    let solvableCount = 0;
    for (const o of b.observations()) {
      const { cards } = parseCardObservation(o);
      for (const c of cards) counts[c]++;
      if (solvable(cards, 12, OPS)) solvableCount++;
    }
    expect(counts[10] / 40000).toBeCloseTo(16 / 52, 1);
    for (let v = 1; v < 10; v++) expect(counts[v] / 40000).toBeCloseTo(4 / 52, 1);
    // Ordered deals of two cards from 52 making 12: {2,10} (4 twos x 16 tens, both orders), {3,9} {4,8}
    // {5,7} {2,6} {3,4} (4 x 4, both orders) and {6,6} (4 x 3): 300 of 52 * 51.
    const exact = (2 * 4 * 16 + 5 * (2 * 4 * 4) + 4 * 3) / (52 * 51);
    expect(solvableCount / 20000).toBeCloseTo(exact, 2);
  });

  it('applies every token by the documented rules (random play against the reference model)', () => {
    const counts = checkRandomPlay('ezpoints', {}, 256, 60, 0.7);
    for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
    const open = checkRandomPlay('ezpoints', { solvableOnly: false, maxSteps: 6 }, 128, 40, 0.6);
    for (const [kind, n] of Object.entries(open)) expect(n, kind).toBeGreaterThan(0);
  });

  it('rejects illegal tokens and scores right and wrong formulas', () => {
    const b = createEnvBatch({ env: 'ezpoints', numEnvs: 4000, seed: 3, options: { maxSteps: 50 } });
    const hands = b.observations().map((o) => parseCardObservation(o).cards);
    const i = hands.findIndex((h) => h.includes(3) && h.includes(4));
    const [illegal, legal] = [
      { reward: -1, done: 0, valid: 0 },
      { reward: 0, done: 0, valid: 1 },
    ];
    expect(play(b, i, ['+', '=', '5', '?', '3', '4', '=', '*', '3', '*', '='])).toEqual([
      illegal, // operator first
      illegal, // = on an empty formula
      illegal, // not a card
      illegal, // unparsed
      legal, // 3
      illegal, // a number after a number
      illegal, // = with a card unused
      legal, // *
      illegal, // 3 is used
      illegal, // operator after operator
      illegal, // = after an operator
    ]);
    expect(play(b, i, ['4', '+', '='])).toEqual([legal, illegal, { reward: 10, done: 1, valid: 1 }]);
    expect(parseCardObservation(b.observation(i)).formula).toBe('3*4=');
    // 3+4 = 7: wrong, ends with -1.
    const j = hands.findIndex((h, k) => k !== i && h.includes(3) && h.includes(4));
    expect(play(b, j, ['4', '+', '3', '=']).at(-1)).toEqual({ reward: -1, done: 1, valid: 1 });
  });

  it('oracle always wins on the default (solvable) deals, and plays the closest formula otherwise', () => {
    for (const solvableOnly of [true, false]) {
      const n = 4000;
      const b = createEnvBatch({ env: 'ezpoints', numEnvs: n, seed: 4, options: { solvableOnly } });
      const hands = b.observations().map((o) => parseCardObservation(o).cards);
      for (let t = 0; t < 4; t++) {
        b.step(b.oracleActions());
        expect(Array.from(b.valid).every((v) => v === 1)).toBe(true);
      }
      for (let i = 0; i < n; i++) {
        expect(b.done[i]).toBe(1);
        const win = solvable(hands[i], 12, OPS);
        expect(b.rewards[i]).toBe(win ? 10 : -1);
        const tokens = tokenize(parseCardObservation(b.observation(i)).formula).slice(0, -1);
        const v = evaluateTokens(tokens)!;
        // No formula of these two cards comes closer to 12.
        const [x, y] = hands[i];
        const best = Math.min(Math.abs(x + y - 12), Math.abs(x * y - 12));
        expect(Math.abs(v.n / v.d - 12)).toBe(best);
        expect(fracEquals(v, frac(12))).toBe(win);
      }
    }
  });

  it('is deterministic and seeds groups identically', () => {
    const run = (seed: number) => {
      const b = createEnvBatch({ env: 'ezpoints', numEnvs: 32, groupSize: 4, seed });
      const random = xorshift(5);
      const trace: string[] = [];
      for (let t = 0; t < 20; t++) {
        b.step(Int32Array.from({ length: 32 }, () => Math.floor(random() * 13)));
        trace.push(b.observations().join('|'), Array.from(b.rewards).join(','));
      }
      return trace;
    };
    expect(run(8)).toEqual(run(8));
    expect(run(9)).not.toEqual(run(8));
    const fresh = createEnvBatch({ env: 'ezpoints', numEnvs: 32, groupSize: 4, seed: 8 });
    for (let g = 0; g < 8; g++)
      for (let m = 1; m < 4; m++) {
        expect(fresh.observation(g * 4 + m)).toBe(fresh.observation(g * 4));
        expect(fresh.anchors[g * 4 + m]).toBe(fresh.anchors[g * 4]);
      }
  });

  it('parses one token and requires <think> when asked', () => {
    const cases: [string, number][] = [
      ['<action>10</action>', 9],
      ['<action>*</action>', 11],
      ['<action> = </action>', 12],
      ['<action>-</action>', INVALID_ACTION], // not an ezpoints token
      ['<action>(</action>', INVALID_ACTION],
      ['no tags', INVALID_ACTION],
    ];
    const b = createEnvBatch({ env: 'ezpoints', numEnvs: cases.length, seed: 1 });
    expect(Array.from(b.parse(cases.map((c) => c[0])))).toEqual(cases.map((c) => c[1]));
    const t = createEnvBatch({ env: 'ezpoints', numEnvs: 2, seed: 1, options: { requireThink: true } });
    expect(Array.from(t.parse(['<action>+</action>', '<think>sum</think><action>+</action>']))).toEqual([INVALID_ACTION, 10]);
  });

  it('validates its options by name', () => {
    expect(() => createEnvBatch({ env: 'ezpoints', numEnvs: 1, options: { target: 101 } })).toThrow(
      /options\.target: no hand of 2 cards can make 101/,
    );
    expect(() => createEnvBatch({ env: 'ezpoints', numEnvs: 1, options: { target: 10001 } })).toThrow(/options\.target: must be in/);
    expect(() => createEnvBatch({ env: 'ezpoints', numEnvs: 1, options: { target: '12' } })).toThrow(TypeError);
    const b = createEnvBatch({ env: 'ezpoints', numEnvs: 64, seed: 1, options: { target: 100 } });
    for (const o of b.observations()) expect(parseCardObservation(o).cards).toEqual([10, 10]);
    expect(envInfo('ezpoints')?.description).toMatch(/12/);
  });
});
