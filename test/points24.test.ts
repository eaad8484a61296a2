import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, HOLD_ACTION, INVALID_ACTION, type EnvBatch } from '../lib/index.js';
import { checkRandomPlay, playTokens } from './helpers/card-play.js';
import { xorshift } from './helpers/random.js';
import {
  completable,
  evaluateTokens,
  FormulaModel,
  frac,
  fracEquals,
  parseCardObservation,
  solvable,
  tokenize,
} from './reference/cards.js';

const ALPHABET = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '-', '*', '/', '(', ')', '='];
const OPS = ['+', '-', '*', '/'];

const play = (b: EnvBatch, i: number, tokens: string[]) => playTokens(b, i, tokens, ALPHABET);

/** The first env of a large batch whose hand is `hand` (as a multiset). */
function findHand(b: ReturnType<typeof createEnvBatch>, hand: number[]): number {
  const want = [...hand].sort((x, y) => x - y).join(',');
  for (let i = 0; i < b.numEnvs; i++) {
    const cards = parseCardObservation(b.observation(i)).cards;
    if ([...cards].sort((x, y) => x - y).join(',') === want) return i;
  }
  throw new Error('no env with hand ' + want);
}

describe('points24', () => {
  it('deals four cards from a 52-card deck with J, Q, K as 10, and renders cards, target and formula', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 10000, seed: 1 });
    expect(b.numActions).toBe(17);
    expect(b.maxSteps).toBe(20);
    expect(Array.from({ length: 17 }, (_, a) => b.actionName(0, a))).toEqual(ALPHABET);
    const counts = new Array(11).fill(0);
    for (let i = 0; i < b.numEnvs; i++) {
      const { cards, target, formula } = parseCardObservation(b.observation(i));
      expect(cards.length).toBe(4);
      expect(target).toBe(24);
      expect(formula).toBe('');
      for (const c of cards) counts[c]++;
      // At most four cards of one value below 10 (a deck has four of each rank).
      for (let v = 1; v < 10; v++) expect(cards.filter((c) => c === v).length).toBeLessThanOrEqual(4);
    }
    expect(counts[0]).toBe(0);
    expect(counts[10] / 40000).toBeCloseTo(16 / 52, 1);
    for (let v = 1; v < 10; v++) expect(counts[v] / 40000).toBeCloseTo(4 / 52, 1);
    expect(b.observation(0)).toMatch(/^Cards: \d+, \d+, \d+, \d+\nTarget: 24\nFormula:$/);
  });

  it('applies every token by the documented rules (random play against the reference model)', () => {
    const counts = checkRandomPlay('points24', {}, 256, 80, 0.75);
    // Every kind of step happened, so every branch of the rules was checked.
    for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
  });

  it('rejects illegal tokens one by one and scores right and wrong formulas exactly', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 65536, seed: 2, options: { maxSteps: 100 } });
    // 5 * (5 - 1 / 5) = 24 needs exact fractions.
    const i = findHand(b, [1, 5, 5, 5]);
    const illegal = (t: string) => expect(play(b, i, [t])).toEqual([{ reward: -1, done: 0, valid: 0 }]);
    const legal = (t: string) => expect(play(b, i, [t])).toEqual([{ reward: 0, done: 0, valid: 1 }]);
    for (const t of ['*', ')', '=', '2', '?']) illegal(t); // operator first, nothing open, too early, not a card, unparsed
    legal('5');
    for (const t of ['5', '(', '1']) illegal(t); // a number or ( after a number
    legal('*');
    legal('(');
    legal('5');
    legal('-');
    legal('1');
    legal('/');
    illegal('1'); // the only 1 is used
    illegal('='); // a ( is open and a card is unused
    legal('5');
    legal(')');
    illegal('*'); // every card used: nothing can follow an operator
    expect(parseCardObservation(b.observation(i)).formula).toBe('5*(5-1/5)');
    expect(play(b, i, ['='])).toEqual([{ reward: 10, done: 1, valid: 1 }]);
    expect(parseCardObservation(b.observation(i)).formula).toBe('5*(5-1/5)=');

    // A wrong formula, and one dividing by zero, end the episode with -1.
    const j = findHand(b, [2, 2, 3, 4]);
    expect(play(b, j, ['2', '+', '2', '+', '3', '+', '4', '=']).at(-1)).toEqual({ reward: -1, done: 1, valid: 1 });
    const k = findHand(b, [3, 3, 8, 10]);
    expect(play(b, k, ['8', '/', '(', '3', '-', '3', ')', '*', '10', '=']).at(-1)).toEqual({
      reward: -1,
      done: 1,
      valid: 1,
    });
  });

  it('allows at most three ( per formula', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 1, seed: 3 });
    const [c0, c1, c2, c3] = parseCardObservation(b.observation(0)).cards;
    const steps = play(b, 0, ['(', '(', '(', '(', String(c0), '+', String(c1), ')', '+', String(c2), ')', '+', String(c3), ')']);
    expect(steps.map((s) => s.valid)).toEqual([1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(parseCardObservation(b.observation(0)).formula).toBe(`(((${c0}+${c1})+${c2})+${c3})`);
  });

  it('truncates after maxSteps, then auto-resets to the next deal', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 2, seed: 4, options: { maxSteps: 3 } });
    const first = b.observations();
    const invalid = new Int32Array([INVALID_ACTION, INVALID_ACTION]);
    for (let t = 1; t <= 3; t++) {
      b.step(invalid);
      expect(Array.from(b.truncated)).toEqual(t === 3 ? [1, 1] : [0, 0]);
      expect(Array.from(b.done)).toEqual([0, 0]);
    }
    b.step(invalid);
    expect(Array.from(b.resets)).toEqual([1, 1]);
    expect(b.observations()).not.toEqual(first);
  });

  it('oracle wins exactly on the solvable deals (10k seeds)', () => {
    const n = 10000;
    const b = createEnvBatch({ env: 'points24', numEnvs: n, seed: 1 });
    const hands = b.observations().map((o) => parseCardObservation(o).cards);
    const won = new Uint8Array(n);
    const finished = new Uint8Array(n);
    for (let t = 0; t < 14 && finished.some((f) => !f); t++) {
      const actions = b.oracleActions();
      for (let i = 0; i < n; i++) if (finished[i]) actions[i] = HOLD_ACTION;
      b.step(actions);
      for (let i = 0; i < n; i++) {
        if (finished[i]) continue;
        expect(b.valid[i]).toBe(1); // the oracle only plays legal tokens
        if (b.done[i]) {
          finished[i] = 1;
          won[i] = b.rewards[i] === 10 ? 1 : 0;
          // Its formula uses each card once and has the value it was scored for.
          const tokens = tokenize(parseCardObservation(b.observation(i)).formula).slice(0, -1);
          const numbers = tokens
            .filter((t) => /\d/.test(t))
            .map(Number)
            .sort((x, y) => x - y);
          expect(numbers).toEqual([...hands[i]].sort((x, y) => x - y));
          const v = evaluateTokens(tokens);
          expect(v !== null && fracEquals(v, frac(24))).toBe(won[i] === 1);
        }
      }
    }
    expect(finished.every((f) => f === 1)).toBe(true);
    let solvableCount = 0;
    for (let i = 0; i < n; i++) {
      const s = solvable(hands[i], 24, OPS);
      solvableCount += s ? 1 : 0;
      expect(won[i], `hand ${hands[i].join(',')}`).toBe(s ? 1 : 0);
    }
    // Golden figure for this dealing (52-card deck, J/Q/K = 10), seed 1.
    expect(solvableCount).toBe(SOLVABLE_OF_10K);
  });

  it('oracle finishes well from a formula it did not start (after random legal tokens)', () => {
    const n = 300;
    const b = createEnvBatch({ env: 'points24', numEnvs: n, seed: 5 });
    const models = b.observations().map((o) => new FormulaModel(parseCardObservation(o).cards));
    const random = xorshift(7);
    // 2..5 random legal tokens (never `=`), then the oracle.
    const detour = Array.from({ length: n }, () => 2 + Math.floor(random() * 4));
    for (let t = 0; t < 5; t++) {
      const actions = new Int32Array(n).fill(HOLD_ACTION);
      for (let i = 0; i < n; i++) {
        if (t >= detour[i]) continue;
        const legal = ALPHABET.filter((x) => x !== '=' && models[i].legal(x));
        const token = legal[Math.floor(random() * legal.length)];
        models[i].push(token);
        actions[i] = ALPHABET.indexOf(token);
      }
      b.step(actions);
    }
    const expected = models.map((m) => completable(m, 24, ALPHABET));
    const won = new Array<boolean>(n).fill(false);
    const finished = new Uint8Array(n);
    for (let t = 0; t < 14; t++) {
      const actions = b.oracleActions();
      for (let i = 0; i < n; i++) if (finished[i]) actions[i] = HOLD_ACTION;
      b.step(actions);
      for (let i = 0; i < n; i++)
        if (!finished[i] && b.done[i]) {
          finished[i] = 1;
          won[i] = b.rewards[i] === 10;
        }
    }
    expect(finished.every((f) => f === 1)).toBe(true);
    expect(won).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(30); // both outcomes are exercised
    expect(expected.filter((e) => !e).length).toBeGreaterThan(100);
  });

  it('solvableOnly deals only solvable hands', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 2000, seed: 6, options: { solvableOnly: true } });
    for (const o of b.observations()) expect(solvable(parseCardObservation(o).cards, 24, OPS)).toBe(true);
  });

  it('is deterministic and seeds groups identically', () => {
    const run = (seed: number) => {
      const b = createEnvBatch({ env: 'points24', numEnvs: 64, groupSize: 8, seed });
      const random = xorshift(3);
      const trace: string[] = [];
      for (let t = 0; t < 30; t++) {
        b.step(Int32Array.from({ length: 64 }, () => Math.floor(random() * 17)));
        trace.push(Array.from(b.anchors).join(','), Array.from(b.rewards).join(','));
      }
      return { b, trace };
    };
    const a = run(11);
    expect(run(11).trace).toEqual(a.trace);
    expect(run(12).trace).not.toEqual(a.trace);
    const fresh = createEnvBatch({ env: 'points24', numEnvs: 64, groupSize: 8, seed: 11 });
    for (let g = 0; g < 8; g++) {
      for (let m = 1; m < 8; m++) expect(fresh.observation(g * 8 + m)).toBe(fresh.observation(g * 8));
      expect(fresh.anchors[g * 8 + 7]).toBe(fresh.anchors[g * 8]);
    }
    expect(new Set(fresh.observations()).size).toBeGreaterThan(4);
  });

  it('parses one token from the last <action> tag', () => {
    const cases: [string, number][] = [
      ['<action>10</action>', 9],
      ['<action> ( </action>', 14],
      ['<ACTION>/</ACTION>', 13],
      ['<action>=</action>', 16],
      ['<action>3</action> then <action>-</action>', 11],
      ['<action>3+4</action>', INVALID_ACTION],
      ['<action>11</action>', INVALID_ACTION],
      ['<action>x</action>', INVALID_ACTION],
      ['7', INVALID_ACTION],
    ];
    const b = createEnvBatch({ env: 'points24', numEnvs: cases.length, seed: 1 });
    expect(Array.from(b.parse(cases.map((c) => c[0])))).toEqual(cases.map((c) => c[1]));
  });

  it('validates its options by name', () => {
    expect(() => createEnvBatch({ env: 'points24', numEnvs: 1, options: { target: -1 } })).toThrow(/options\.target/);
    expect(() => createEnvBatch({ env: 'points24', numEnvs: 1, options: { maxSteps: 0 } })).toThrow(RangeError);
    expect(() => createEnvBatch({ env: 'points24', numEnvs: 1, options: { solvableOnly: 1 } })).toThrow(TypeError);
    expect(() => createEnvBatch({ env: 'points24', numEnvs: 1, options: { cards: 5 } })).toThrow(/options\.cards/);
    expect(() => createEnvBatch({ env: 'points24', numEnvs: 1, options: { target: 9999, solvableOnly: true } })).toThrow(
      /options\.target: no hand of 4 cards can make 9999/,
    );
    // Only four 9s make 6561: solvableOnly deals them at once, not after ~270k redraws.
    const nines = createEnvBatch({ env: 'points24', numEnvs: 100, seed: 1, options: { target: 6561, solvableOnly: true } });
    for (const o of nines.observations()) expect(parseCardObservation(o).cards).toEqual([9, 9, 9, 9]);
    expect(envInfo('points24')?.options.map((o) => o.name)).toEqual(['profile', 'target', 'solvableOnly', 'maxSteps', 'requireThink']);
  });
});

const SOLVABLE_OF_10K = 7427;
