// Drives a card-game batch with random actions and checks every step against the
// plain-TypeScript rules model (test/reference/cards.ts). Returns outcome counts so tests
// can assert that every kind of step actually happened. Also plays scripted token sequences.
import { expect } from 'vitest';
import { createEnvBatch, HOLD_ACTION, INVALID_ACTION, type EnvBatch, type EnvOptions } from '../../lib/index.js';
import { FormulaModel, fracEquals, frac, parseCardObservation } from '../reference/cards.js';
import { xorshift } from './random.js';

export interface PlayCounts {
  legal: number;
  illegal: number;
  unparsed: number;
  wins: number;
  wrong: number;
  truncated: number;
  resets: number;
}

/**
 * Random play: with probability `legalBias` a token the model calls legal, else any action
 * or INVALID_ACTION. Checks reward, valid, done, truncated, resets and the rendered formula.
 */
export function checkRandomPlay(env: string, options: EnvOptions, numEnvs: number, steps: number, legalBias: number): PlayCounts {
  const b = createEnvBatch({ env, numEnvs, seed: 17, options });
  const names = Array.from({ length: b.numActions }, (_, a) => b.actionName(0, a));
  const models = b.observations().map((o) => new FormulaModel(parseCardObservation(o).cards));
  const random = xorshift(99);
  const counts: PlayCounts = { legal: 0, illegal: 0, unparsed: 0, wins: 0, wrong: 0, truncated: 0, resets: 0 };
  const actions = new Int32Array(numEnvs);
  for (let t = 0; t < steps; t++) {
    const ended = Array.from(b.done, (d, i) => d === 1 || b.truncated[i] === 1);
    for (let i = 0; i < numEnvs; i++) {
      const legal = names.map((_, a) => a).filter((a) => models[i].legal(names[a]));
      if (random() < legalBias) actions[i] = legal[Math.floor(random() * legal.length)];
      else actions[i] = Math.floor(random() * (b.numActions + 1)) - 1;
    }
    b.step(actions);
    for (let i = 0; i < numEnvs; i++) {
      const obs = parseCardObservation(b.observation(i));
      if (ended[i]) {
        expect(b.resets[i]).toBe(1);
        expect(b.rewards[i]).toBe(0);
        expect(obs.formula).toBe('');
        models[i] = new FormulaModel(obs.cards);
        counts.resets++;
        continue;
      }
      const m = models[i];
      const a = actions[i];
      expect(b.resets[i]).toBe(0);
      if (a === INVALID_ACTION || !m.legal(names[a])) {
        expect([b.valid[i], b.rewards[i], b.done[i]]).toEqual([0, -1, 0]);
        if (a === INVALID_ACTION) counts.unparsed++;
        else counts.illegal++;
      } else {
        m.push(names[a]);
        counts.legal++;
        expect(b.valid[i]).toBe(1);
        if (names[a] === '=') {
          const v = m.value();
          const win = v !== null && fracEquals(v, frac(obs.target));
          expect([b.done[i], b.rewards[i]]).toEqual([1, win ? 10 : -1]);
          if (win) counts.wins++;
          else counts.wrong++;
        } else {
          expect([b.done[i], b.rewards[i]]).toEqual([0, 0]);
        }
      }
      expect(obs.formula).toBe(m.tokens.join(''));
      expect(b.truncated[i]).toBe(b.done[i] === 0 && b.episodeSteps[i] === b.maxSteps ? 1 : 0);
      counts.truncated += b.truncated[i];
    }
  }
  return counts;
}

/** Steps env i through `tokens` ('?' = an unparseable answer), holding every other env; one outcome per token. */
export function playTokens(
  b: EnvBatch,
  i: number,
  tokens: string[],
  alphabet: readonly string[],
): { reward: number; done: number; valid: number }[] {
  const out = [];
  for (const t of tokens) {
    const actions = new Int32Array(b.numEnvs).fill(HOLD_ACTION);
    actions[i] = t === '?' ? INVALID_ACTION : alphabet.indexOf(t);
    b.step(actions);
    out.push({ reward: b.rewards[i], done: b.done[i], valid: b.valid[i] });
  }
  return out;
}
