// Profile 'verl-agent': one test per reference rule per env (parse strings as the reference's
// projections read them, rewards, validity, step limits, level generation, observation text),
// and profile 'native' unchanged (an explicit `profile: 'native'` is today's env, byte for byte).
import { describe, expect, it } from 'vitest';
import {
  ACTION_FLAG_INVALID,
  actionOf,
  createEnvBatch,
  envInfo,
  HOLD_ACTION,
  INVALID_ACTION,
  solveSokoban,
  successRewardOf,
  type EnvBatch,
  type EnvOptions,
} from '../lib/index.js';
import { playOracleEpisodes } from './helpers/oracle-episodes.js';

const REF: EnvOptions = { profile: 'verl-agent' };
const ENVS = ['sokoban', 'numberline', 'frozenlake', 'ezpoints', 'points24', 'household', 'shop'];

function one(env: string, options: EnvOptions = REF, seed = 1, numEnvs = 1, groupSize = 1): EnvBatch {
  return createEnvBatch({ env, numEnvs, groupSize, seed, options: env === 'shop' ? { catalogSize: 500, ...options } : options });
}

function parse1(b: EnvBatch, text: string): number {
  const texts = new Array<string>(b.numEnvs).fill('');
  texts[0] = text;
  return b.parse(texts)[0];
}

/** Steps env 0 with `text` (the others held). */
function stepText1(b: EnvBatch, text: string): void {
  const texts: (string | null)[] = new Array(b.numEnvs).fill(null);
  texts[0] = text;
  b.stepText(texts);
}

describe('profile native is unchanged', () => {
  it.each(ENVS)('%s: profile native gives the same observations, anchors and rewards as no profile', (env) => {
    const a = one(env, {}, 7, 8, 4);
    const b = one(env, { profile: 'native' }, 7, 8, 4);
    for (let t = 0; t < 12; t++) {
      expect(b.observations()).toEqual(a.observations());
      expect(Array.from(b.anchors)).toEqual(Array.from(a.anchors));
      const actions = a.hasOracle ? a.oracleActions() : Int32Array.from({ length: 8 }, (_, i) => (i + t) % a.numActions);
      if (b.hasOracle) expect(Array.from(b.oracleActions())).toEqual(Array.from(actions)); // also sets shop's pending query
      a.step(actions);
      b.step(actions);
      expect(Array.from(b.rewards)).toEqual(Array.from(a.rewards));
      expect(Array.from(b.valid)).toEqual(Array.from(a.valid));
    }
  });

  it('lists every option with a typed default, its range and the verl-agent default', () => {
    for (const env of ENVS) {
      const info = envInfo(env)!;
      expect(info.options[0].name).toBe('profile');
      expect(info.options[0].choices).toEqual(['native', 'verl-agent']);
      expect(info.profiles.map((p) => p.name)).toEqual(['native', 'verl-agent']);
      expect(info.task.length).toBeGreaterThan(20);
      const maxSteps = info.options.find((o) => o.name === 'maxSteps')!;
      expect(maxSteps.min).toBe(1);
      expect(maxSteps.default === null ? maxSteps.defaultNote : typeof maxSteps.default).toMatch(/number|maxPosition/);
    }
    const soko = envInfo('sokoban')!.options;
    expect(soko.find((o) => o.name === 'maxSteps')!.default).toBe(15);
    expect(soko.find((o) => o.name === 'searchDepth')).toMatchObject({ default: 15, verlAgentDefault: 30, min: 1, max: 300 });
    expect(soko.find((o) => o.name === 'levels')!.default).toBeNull();
    expect(one('sokoban', {}).maxSteps).toBe(15);
    expect(one('ezpoints', REF).maxSteps).toBe(8);
    expect(one('ezpoints', {}).maxSteps).toBe(10);
    expect(successRewardOf('shop')).toBe(1);
    expect(successRewardOf('shop', 'verl-agent')).toBe(10);
    expect(successRewardOf('nope')).toBeUndefined();
  });

  it('rejects an unknown profile, naming it', () => {
    expect(() => one('sokoban', { profile: 'ragen' })).toThrow(/options\.profile: must be one of 'native', 'verl-agent', got 'ragen'/);
  });
});

describe('sokoban, profile verl-agent', () => {
  const UP = 0,
    DOWN = 1,
    LEFT = 2,
    RIGHT = 3,
    STILL = 4;
  const T = '<think>plan</think>';

  it('parses the FIRST <action> pair, lower-cased, matching action words as substrings in the order up, down, left, right, still', () => {
    const b = one('sokoban');
    expect(parse1(b, `${T}<action>left</action> no, <action>right</action>`)).toBe(LEFT);
    expect(parse1(b, `${T}<ACTION>Move DOWN now</ACTION>`)).toBe(DOWN);
    expect(parse1(b, `${T}<action>upright</action>`)).toBe(UP);
    expect(parse1(b, `${T}<action>  Right.  </action>`)).toBe(RIGHT);
    expect(parse1(b, `${T}<action>still</action>`)).toBe(STILL);
    expect(parse1(b, `${T}<action>north</action>`)).toBe(INVALID_ACTION);
    expect(parse1(b, `${T}up`)).toBe(INVALID_ACTION);
    expect(parse1(b, `${T}</action>up<action>`)).toBe(INVALID_ACTION);
    // Native reads the last pair and exact words.
    const n = one('sokoban', {});
    expect(parse1(n, `<action>left</action> no, <action>right</action>`)).toBe(RIGHT);
    expect(parse1(n, `<action>Move DOWN now</action>`)).toBe(INVALID_ACTION);
    expect(parse1(n, `<action>still</action>`)).toBe(INVALID_ACTION);
  });

  it('a missing <think> (checked case-sensitively) flags the step invalid but the move still runs', () => {
    const b = one('sokoban', REF, 3, 2, 2);
    const dir = ['up', 'down', 'left', 'right'][b.oracleActions()[0]];
    expect(parse1(b, `<action>${dir}</action>`) & ACTION_FLAG_INVALID).toBe(ACTION_FLAG_INVALID);
    expect(actionOf(parse1(b, `<THINK>x</THINK><action>${dir}</action>`))).toBe(['up', 'down', 'left', 'right'].indexOf(dir));
    expect(parse1(b, `<THINK>x</THINK><action>${dir}</action>`)).not.toBe(actionOf(parse1(b, `<THINK>x</THINK><action>${dir}</action>`)));
    const before = b.observation(0);
    b.stepText([`<action>${dir}</action>`, `${T}<action>${dir}</action>`]);
    expect(b.observation(0)).not.toBe(before);
    expect(b.observation(0)).toBe(b.observation(1));
    expect(Array.from(b.valid)).toEqual([0, 1]);
    expect(b.rewards[0]).toBeCloseTo(b.rewards[1], 6);
    // requireThink: false turns the check off.
    const off = one('sokoban', { profile: 'verl-agent', requireThink: false });
    expect(parse1(off, `<action>${dir}</action>`)).toBe(['up', 'down', 'left', 'right'].indexOf(dir));
  });

  it('`still` is a valid no-op costing the step penalty; an unparsed response is an invalid no-op with the same cost', () => {
    const b = one('sokoban', REF, 5, 2, 2);
    const before = b.observations();
    b.stepText([`${T}<action>still</action>`, `${T}<action>jump</action>`]);
    expect(b.observations()).toEqual(before);
    expect(Array.from(b.valid)).toEqual([1, 0]);
    expect(Array.from(b.rewards).map((r) => Math.round(r * 10) / 10)).toEqual([-0.1, -0.1]);
    expect(b.numActions).toBe(5);
    expect(b.actionName(0, STILL)).toBe('still');
  });

  it('keeps the reference rewards and its 15-step limit', () => {
    const b = one('sokoban', REF, 11, 64, 1);
    expect(b.maxSteps).toBe(15);
    const ep = playOracleEpisodes(b, 40);
    for (let i = 0; i < 64; i++) {
      expect(ep.finished[i]).toBe(1);
      expect(ep.steps[i]).toBeLessThanOrEqual(15);
    }
    // One box: the solving push earns -0.1 + 1 + 10.
    expect(Array.from(ep.lastReward).filter((r) => Math.abs(r - 10.9) < 1e-5).length).toBeGreaterThan(55);
    const still = one('sokoban', REF, 11, 1, 1);
    for (let t = 0; t < 15; t++) stepText1(still, `${T}<action>still</action>`);
    expect(still.truncated[0]).toBe(1);
    expect(still.done[0]).toBe(0);
  });

  it('shows the grid in verl-agent text form: each cell " c \\t", rows joined by newlines', () => {
    const b = one('sokoban', REF, 2, 4, 1);
    for (const obs of b.observations()) {
      const rows = obs.split('\n');
      expect(rows).toHaveLength(6);
      for (const row of rows) expect(row).toMatch(/^( [#_OX√PS] \t){6}$/u);
      expect(obs).toContain(' P \t');
    }
  });

  it('generates levels of the reference difficulty: mean solution length within 10% of 3.9 over 1000 levels (native: ~8)', () => {
    const stats = (options: EnvOptions) => {
      const b = createEnvBatch({ env: 'sokoban', numEnvs: 1000, groupSize: 1, seed: 1, options });
      let sum = 0,
        max = 0;
      for (let i = 0; i < 1000; i++) {
        const s = solveSokoban(b.key(i).toString());
        expect(s.solved).toBe(true);
        sum += s.plan!.length;
        max = Math.max(max, s.plan!.length);
      }
      return { mean: sum / 1000, max };
    };
    const ref = stats(REF);
    expect(ref.mean).toBeGreaterThan(3.9 * 0.9);
    expect(ref.mean).toBeLessThan(3.9 * 1.1);
    expect(ref.max).toBeLessThanOrEqual(28); // searchDepth 30 explores at most 28 pull moves
    const nat = stats({});
    expect(nat.mean).toBeGreaterThan(7);
    expect(nat.max).toBeLessThanOrEqual(15);
  });
});

describe('card games, profile verl-agent (gym_cards)', () => {
  /** A batch whose env 0 holds `values` (searched over seeds). */
  function dealt(env: string, match: (values: number[]) => boolean, options: EnvOptions = REF): EnvBatch {
    for (let seed = 0; seed < 20000; seed++) {
      const b = one(env, options, seed);
      const values = /Cards: ([\d, ]+)/.exec(b.observation(0))![1].split(', ').map(Number);
      if (match(values)) return b;
    }
    throw new Error('no such deal');
  }
  const act = (token: string) => `{"thoughts": "think about 1, 2 and +", "action": "${token}"}`;

  it('parses from the first "action": on, lower-cased; exactly one token must occur, "10" taken out first', () => {
    const b = one('points24');
    const name = (a: number) => (a === INVALID_ACTION ? 'invalid' : b.actionName(0, a));
    expect(name(parse1(b, act('7')))).toBe('7');
    expect(name(parse1(b, act('10')))).toBe('10');
    expect(name(parse1(b, act('(')))).toBe('(');
    expect(name(parse1(b, '{"ACTION": "/"}'))).toBe('/');
    expect(name(parse1(b, act('3+')))).toBe('invalid');
    expect(name(parse1(b, act('')))).toBe('invalid');
    // Without "action": only the last character counts.
    expect(name(parse1(b, 'I will play the 5'))).toBe('5');
    expect(name(parse1(b, 'I will play 5.'))).toBe('invalid');
  });

  it('ezpoints deals a pair that makes 12 by sum or product, and plays 8 steps', () => {
    for (let seed = 0; seed < 200; seed++) {
      const b = one('ezpoints', REF, seed);
      const [x, y] = /Cards: (\d+), (\d+)/.exec(b.observation(0))!.slice(1).map(Number);
      expect(x + y === 12 || x * y === 12).toBe(true);
    }
    expect(one('ezpoints').maxSteps).toBe(8);
    expect(() => one('ezpoints', { profile: 'verl-agent', solvableOnly: true })).toThrow(/options\.solvableOnly/);
  });

  it('a correct formula earns 10; a wrong one 0 and ends; no syntax check: operators are appended anywhere, scored as Python eval', () => {
    const b = dealt('ezpoints', ([x, y]) => x === 6 && y === 6);
    for (const t of ['+', '6', '+', '6']) {
      stepText1(b, act(t));
      expect(b.rewards[0]).toBe(0);
      expect(b.valid[0]).toBe(1);
    }
    expect(b.observation(0)).toContain('Formula: +6+6');
    stepText1(b, act('='));
    expect(b.done[0]).toBe(1);
    expect(b.rewards[0]).toBe(10); // eval("+6+6") == 12
    const wrong = dealt('ezpoints', ([x, y]) => x === 6 && y === 6);
    for (const t of ['6', '*', '6', '=']) stepText1(wrong, act(t));
    expect(wrong.done[0]).toBe(1);
    expect(wrong.rewards[0]).toBe(0);
    // Native: the leading '+' is illegal (-1).
    const nat = dealt('ezpoints', ([x, y]) => x === 6 && y === 6, {});
    stepText1(nat, '<action>+</action>');
    expect(nat.rewards[0]).toBe(-1);
    expect(nat.valid[0]).toBe(0);
  });

  it('a number no unused card has is a valid no-op earning 0; an unparsed response is an invalid no-op earning 0', () => {
    const b = dealt('points24', (v) => !v.includes(9));
    const before = b.observation(0);
    stepText1(b, act('9'));
    expect([b.rewards[0], b.valid[0], b.observation(0)]).toEqual([0, 1, before]);
    stepText1(b, act('9 or 8'));
    expect([b.rewards[0], b.valid[0], b.observation(0)]).toEqual([0, 0, before]);
  });

  it('juxtaposed groups are a Python error (0); all cards must be used; floats compare exactly', () => {
    const b = dealt(
      'points24',
      (v) =>
        v
          .slice()
          .sort((p, q) => p - q)
          .join() === '1,2,3,4',
    );
    const [a, c, d, e] = /Cards: ([\d, ]+)/.exec(b.observation(0))![1].split(', ');
    for (const t of ['(', a, '+', c, ')', '(', d, '+', e, ')', '=']) stepText1(b, act(t));
    expect(b.done[0]).toBe(1);
    expect(b.rewards[0]).toBe(0);
    const ok = dealt(
      'points24',
      (v) =>
        v
          .slice()
          .sort((p, q) => p - q)
          .join() === '1,2,3,4',
    );
    for (const t of ['1', '*', '2', '*', '3', '*', '4', '=']) stepText1(ok, act(t));
    expect(ok.rewards[0]).toBe(10);
    const unused = dealt(
      'points24',
      (v) =>
        v
          .slice()
          .sort((p, q) => p - q)
          .join() === '1,2,3,4',
    );
    for (const t of ['2', '*', '3', '*', '4', '=']) stepText1(unused, act(t));
    expect(unused.rewards[0]).toBe(0);
  });

  it('stops growing the formula past 5 tokens (ezpoints): later steps are no-ops, even "="', () => {
    const b = one('ezpoints', { profile: 'verl-agent', maxSteps: 20 });
    for (let k = 0; k < 6; k++) stepText1(b, act('+'));
    const full = b.observation(0);
    expect(full).toContain('Formula: ++++++');
    stepText1(b, act('='));
    expect([b.done[0], b.rewards[0], b.valid[0], b.observation(0)]).toEqual([0, 0, 1, full]);
  });
});

describe('numberline, profile verl-agent (gym_cards)', () => {
  it('parses "+" / "-" from "action": on (else the last character), exactly one of them', () => {
    const b = one('numberline');
    expect(parse1(b, '{"action": "+"}')).toBe(0);
    expect(parse1(b, '{"thoughts": "not +", "action": "-"}')).toBe(1);
    expect(parse1(b, 'so I add one: +')).toBe(0);
    expect(parse1(b, '{"action": "+ or -"}')).toBe(INVALID_ACTION);
    expect(parse1(b, 'plus')).toBe(INVALID_ACTION);
  });

  it('an invalid step earns 0 (native: -1); start and target differ', () => {
    const b = one('numberline', REF, 1, 32);
    b.stepText(new Array(32).fill('nothing'));
    for (let i = 0; i < 32; i++) expect([b.rewards[i], b.valid[i]]).toEqual([0, 0]);
    for (const obs of b.observations()) {
      const [p, t] = /Position: (\d+)\nTarget: (\d+)/.exec(obs)!.slice(1).map(Number);
      expect(p).not.toBe(t);
    }
    const n = one('numberline', {});
    stepText1(n, 'nothing');
    expect(n.rewards[0]).toBe(-1);
  });
});

describe('frozenlake, profile verl-agent (RAGEN)', () => {
  it('is slippery by default: one intended move lands in different cells across a group', () => {
    const b = one('frozenlake', REF, 4, 64, 64);
    b.step(new Int32Array(64).fill(2)); // right
    expect(new Set(b.observations()).size).toBeGreaterThan(1);
    const n = one('frozenlake', {}, 4, 64, 64);
    n.step(new Int32Array(64).fill(2));
    expect(new Set(n.observations()).size).toBe(1);
  });

  it('shows the player on the goal as √ and parses the first tag pair with words as substrings', () => {
    const b = one('frozenlake', { profile: 'verl-agent', slippery: false }, 9, 16, 1);
    const ep = playOracleEpisodes(b, 30);
    let onGoal = 0;
    for (let i = 0; i < 16; i++)
      if (ep.lastReward[i] === 1) onGoal += b.observation(i).includes('√') && !b.observation(i).includes('G') ? 1 : 0;
    expect(onGoal).toBeGreaterThan(8);
    expect(parse1(b, '<think>t</think><action>go Left</action><action>up</action>')).toBe(0);
  });
});

describe('frozenlake, profile verl-agent: RAGEN maps and verl-agent word order', () => {
  /** [row, col] of the first of `symbols` in a rendered grid (√ is one character). */
  const find = (obs: string, symbols: string): [number, number] => {
    const rows = obs.split('\n').map((r) => [...r]);
    for (let r = 0; r < rows.length; r++) for (let c = 0; c < rows[r].length; c++) if (symbols.includes(rows[r][c])) return [r, c];
    return [-1, -1];
  };

  it('draws start and goal tiles uniformly and independently (distinct, joined by a path), as generate_random_map does', () => {
    const n = 1600;
    const b = one('frozenlake', { profile: 'verl-agent', slippery: false }, 5, n, 1);
    const starts = new Map<string, number>();
    const goals = new Map<string, number>();
    let together = 0;
    for (let i = 0; i < n; i++) {
      const obs = b.observation(i);
      expect(obs.split('\n').map((r) => r.length)).toEqual([4, 4, 4, 4]);
      expect([...obs].filter((ch) => ch === 'G').length).toBe(1);
      expect([...obs].filter((ch) => ch === 'P').length).toBe(1);
      const s = find(obs, 'P');
      const g = find(obs, 'G');
      expect(s).not.toEqual(g);
      starts.set(String(s), (starts.get(String(s)) ?? 0) + 1);
      goals.set(String(g), (goals.get(String(g)) ?? 0) + 1);
      if (Math.abs(s[0] - g[0]) + Math.abs(s[1] - g[1]) === 1) together++;
    }
    // Every tile is a start and a goal about 1/16 of the time (100 of 1600).
    expect(starts.size).toBe(16);
    expect(goals.size).toBe(16);
    for (const count of [...starts.values(), ...goals.values()]) {
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThan(160);
    }
    // Adjacent start and goal: 48 of the 240 ordered pairs of distinct tiles (before the path filter) = 20%.
    expect(together / n).toBeGreaterThan(0.15);
    // A path always exists: the (non-slippery) oracle reaches every goal, shown as √.
    const ep = playOracleEpisodes(b, 40);
    expect(Array.from(ep.lastReward).every((r) => r === 1)).toBe(true);
    for (let i = 0; i < n; i++) expect(find(b.observation(i), '√')).not.toEqual([-1, -1]);
    // native keeps the corners.
    const nat = one('frozenlake', {}, 5, 64, 1);
    for (const obs of nat.observations())
      expect([find(obs, 'P'), find(obs, 'G')]).toEqual([
        [0, 0],
        [3, 3],
      ]);
  });

  it("stops after RAGEN's 10 actions per trajectory (native: 100)", () => {
    expect(envInfo('frozenlake')!.options.find((o) => o.name === 'maxSteps')!.verlAgentDefault).toBe(10);
    const b = one('frozenlake', { profile: 'verl-agent', frozenProbability: 1 }, 2, 1, 1);
    let steps = 0;
    while (!b.truncated[0] && !b.done[0] && steps < 20) {
      b.step(Int32Array.of(INVALID_ACTION));
      steps++;
    }
    expect([steps, b.truncated[0]]).toEqual([10, 1]);
  });

  it("tries the words in the projection's action-pool order (up, down, left, right), lower-cased, inside the first pair", () => {
    const b = one('frozenlake');
    const T = '<think>t</think>';
    expect(parse1(b, `${T}<action>left then up</action>`)).toBe(3);
    expect(parse1(b, `${T}<action>RIGHT, or DOWN</action>`)).toBe(1);
    expect(parse1(b, `${T}<action>right or left</action>`)).toBe(0);
    expect(parse1(b, `${T}<ACTION> Right </ACTION><action>up</action>`)).toBe(2);
    expect(parse1(b, `${T}<action>stay</action>`)).toBe(INVALID_ACTION);
    expect(parse1(b, '<action>down</action>')).toBe(1 | ACTION_FLAG_INVALID);
    // native: the last pair, the exact word.
    const n = one('frozenlake', {});
    expect(parse1(n, '<action>left then up</action>')).toBe(INVALID_ACTION);
    expect(parse1(n, '<action>up</action><action>left</action>')).toBe(0);
  });
});

describe('household, profile verl-agent (ALFWorld)', () => {
  const T = '<think>t</think>';
  const commands = (b: EnvBatch, i = 0) => {
    const out: string[] = [];
    for (let a = 0; a < b.numActions; a++) {
      const n = b.actionName(i, a);
      if (n) out.push(n);
    }
    return out;
  };

  it('observes the raw game text: the task after reset, then only the feedback; no admissible list', () => {
    const b = one('household', REF, 3);
    expect(b.observation(0)).toMatch(/\n\nYour task is to: /);
    expect(b.observation(0)).not.toContain('Admissible commands');
    stepText1(b, `${T}<action>look</action>`);
    expect(b.observation(0)).not.toContain('Your task is to');
    expect(envInfo('household')!.profiles[1].observationListsActions).toBe(false);
  });

  it('writes a put as "move O to R"', () => {
    const b = one('household', REF, 5, 32);
    const seen = new Set<string>();
    for (let t = 0; t < 30; t++) {
      for (let i = 0; i < 32; i++) for (const c of commands(b, i)) seen.add(c.split(' ')[0] + (c.includes(' to ') ? ' to' : ''));
      const a = b.oracleActions();
      for (let i = 0; i < 32; i++) if (b.done[i]) a[i] = HOLD_ACTION;
      b.step(a);
    }
    expect(seen.has('move to')).toBe(true);
    expect(seen.has('put')).toBe(false);
  });

  it('a command that is not admissible is a VALID step answered "Nothing happens."; no tag pair is invalid', () => {
    const b = one('household', REF, 3);
    stepText1(b, `${T}<action>fly to the moon</action>`);
    expect([b.valid[0], b.rewards[0], b.observation(0)]).toEqual([1, 0, 'Nothing happens.']);
    stepText1(b, `${T} look`);
    expect([b.valid[0], b.observation(0)]).toEqual([0, 'Nothing happens.']);
    const n = one('household', {}, 3);
    stepText1(n, '<action>fly to the moon</action>');
    expect(n.valid[0]).toBe(0);
  });

  it('a missing <think> or a CJK ideograph flags the step invalid, but the command runs', () => {
    const b = one('household', REF, 3, 3, 3);
    const cmd = commands(b)[0];
    b.stepText([`<action>${cmd.toUpperCase()}</action>`, `${T}<action>${cmd}</action> 好`, `${T}<action>${cmd}</action>`]);
    expect(Array.from(b.valid)).toEqual([0, 0, 1]);
    expect(b.observation(0)).toBe(b.observation(2));
    expect(b.observation(1)).toBe(b.observation(2));
    expect(b.observation(2)).not.toBe('Nothing happens.');
  });
});

describe('household, profile verl-agent: ALFWorld slice and help', () => {
  const T = '<think>t</think>';
  const listed = (b: EnvBatch, i: number) => Array.from(b.admissibleActionIds(i), (a) => b.actionName(i, a));
  /** Takes the knife wherever an env sees one and wanders otherwise, until env `i` can slice. */
  function untilSlice(b: EnvBatch): number {
    for (let t = 0; t < 60; t++) {
      for (let i = 0; i < b.numEnvs; i++) if (listed(b, i).some((c) => c.startsWith('slice '))) return i;
      const actions = new Int32Array(b.numEnvs);
      for (let i = 0; i < b.numEnvs; i++) {
        const ids = b.admissibleActionIds(i);
        const take = ids.find((a) => b.actionName(i, a).startsWith('take knife'));
        actions[i] = take ?? ids[(t * 7 + i) % ids.length];
      }
      b.step(actions);
    }
    throw new Error('no env could slice');
  }

  it('lists "slice O with knife N" for each sliceable object at the receptacle while the knife is held; it slices', () => {
    const b = one('household', REF, 11, 64);
    const i = untilSlice(b);
    const cmd = listed(b, i).find((c) => c.startsWith('slice '))!;
    const [, object, knife] = /^slice (.+) with (knife \d+)$/.exec(cmd)!;
    expect(['apple', 'tomato', 'potato', 'egg', 'bread', 'lettuce']).toContain(object.split(' ')[0]);
    const texts: (string | null)[] = new Array(b.numEnvs).fill(null);
    texts[i] = `${T}<action>${cmd}</action>`;
    b.stepText(texts);
    expect([b.valid[i], b.rewards[i], b.observation(i)]).toEqual([1, 0, `You sliced the ${object} with the ${knife}.`]);
    // Slicing needs the knife in hand: after putting it down no slice is listed.
    const put = b.admissibleActionIds(i).find((a) => b.actionName(i, a).startsWith('move knife'))!;
    const actions = new Int32Array(b.numEnvs).fill(HOLD_ACTION);
    actions[i] = put;
    b.step(actions);
    expect(b.observation(i)).toMatch(/^You move the knife \d+ to the [a-z]+ \d+\.$/);
    expect(listed(b, i).some((c) => c.startsWith('slice '))).toBe(false);
    // native never slices: the same walk lists no slice command.
    const n = one('household', {}, 11, 64);
    for (let t = 0; t < 30; t++) {
      for (let k = 0; k < 64; k++) expect(listed(n, k).some((c) => c.startsWith('slice'))).toBe(false);
      n.step(Int32Array.from({ length: 64 }, (_, k) => n.admissibleActionIds(k)[(t * 7 + k) % n.admissibleActionIds(k).length]));
    }
  });

  it('`help` is a valid step answering the command forms in ALFWorld order, changing nothing; it is not listed', () => {
    const b = one('household', REF, 3);
    const before = listed(b, 0);
    expect(before).not.toContain('help');
    stepText1(b, `${T}<action>Help.</action>`);
    expect([b.valid[0], b.rewards[0], b.done[0]]).toEqual([1, 0, 0]);
    const forms = [...b.observation(0).matchAll(/^ {2}(.+?): /gm)].map((m) => m[1]);
    expect(forms).toEqual([
      'look',
      'inventory',
      'go to (receptacle)',
      'open (receptacle)',
      'close (receptacle)',
      'take (object) from (receptacle)',
      'move (object) to (receptacle)',
      'examine (something)',
      'use (object)',
      'heat (object) with (receptacle)',
      'clean (object) with (receptacle)',
      'cool (object) with (receptacle)',
      'slice (object) with (object)',
    ]);
    expect(b.observation(0).startsWith('\n')).toBe(true);
    expect(listed(b, 0)).toEqual(before);
    // native: "help" is not a command.
    const n = one('household', {}, 3);
    stepText1(n, '<action>help</action>');
    expect([n.valid[0], n.observation(0).split('\n')[0]]).toEqual([0, 'Nothing happens.']);
  });
});

describe('shop, profile verl-agent (WebShop)', () => {
  const T = '<think>t</think>';

  it("pays 10 for a purchase scoring 1 and 0 for any other; the oracle's purchases win", () => {
    const nat = one('shop', {}, 2, 48, 1);
    const ref = one('shop', REF, 2, 48, 1);
    const finished = new Uint8Array(48);
    for (let t = 0; t < 15; t++) {
      const a = nat.oracleActions();
      for (let i = 0; i < 48; i++) if (finished[i]) a[i] = HOLD_ACTION;
      // The oracle's search id needs the pending query: step both by text.
      const texts = Array.from(a, (x, i) => (x === HOLD_ACTION ? null : `${T}<action>${nat.actionName(i, x)}</action>`));
      nat.stepText(texts.map((s) => (s === null ? null : s.replace(T, ''))));
      ref.stepText(texts);
      for (let i = 0; i < 48; i++) {
        if (finished[i]) continue;
        expect(ref.valid[i]).toBe(1);
        if (nat.done[i]) {
          finished[i] = 1;
          expect(ref.done[i]).toBe(1);
          // Fuzzy matching only adds matches: a native score of 1 is a reference win.
          if (nat.rewards[i] === 1) expect(ref.rewards[i]).toBe(10);
          else expect([0, 10]).toContain(ref.rewards[i]);
        }
      }
    }
    expect(finished.reduce((s, x) => s + x, 0)).toBeGreaterThan(40);
  });

  it('any well-formed action is valid (an element not on the page is a no-op); no tag pair is invalid', () => {
    const b = one('shop', REF, 2);
    const before = b.observation(0);
    stepText1(b, `${T}<action>click[no such button]</action>`);
    expect([b.valid[0], b.rewards[0], b.observation(0)]).toEqual([1, 0, before]);
    stepText1(b, `${T}search[shoes]`);
    expect([b.valid[0], b.observation(0)]).toEqual([0, before]);
    stepText1(b, `<action>search[shoes]</action>`);
    expect(b.valid[0]).toBe(0);
    expect(b.observation(0)).not.toBe(before);
  });
});

describe('shop, profile verl-agent: WebShop page text and fuzzy matching', () => {
  const T = '<think>t</think>';
  const SEP = ' [SEP] ';
  const names = (b: EnvBatch, i = 0) => Array.from(b.admissibleActionIds(i), (a) => b.actionName(i, a));
  const click = (b: EnvBatch, what: string, i = 0) => {
    const texts: (string | null)[] = new Array(b.numEnvs).fill(null);
    texts[i] = `${T}<action>${what}</action>`;
    b.stepText(texts);
    expect(b.valid[i]).toBe(1);
  };
  const oracleText = (b: EnvBatch, i = 0) => b.actionName(i, b.oracleActions()[i]);

  it("renders WebShop's text pages: visible strings joined by [SEP], as its templates give them", () => {
    const b = one('shop', REF, 2);
    const first = b.observation(0).split(SEP);
    expect(first.slice(0, 2)).toEqual(['WebShop', 'Instruction:']);
    const ins = first[2];
    expect(b.observation(0)).toBe(['WebShop', 'Instruction:', ins, 'Search'].join(SEP));
    const head = ['Instruction:', ins, 'Back to Search'];
    click(b, oracleText(b)); // search
    const results = b.observation(0).split(SEP);
    const total = Number(/^Page 1 \(Total results: (\d+)\)$/.exec(results[3])![1]);
    expect(results.slice(0, 3)).toEqual(head);
    expect(results[4]).toBe('Next >');
    const shown = Math.min(10, total);
    expect(results.length).toBe(5 + 3 * shown);
    for (let k = 0; k < shown; k++) {
      expect(results[5 + 3 * k]).toMatch(/^B[0-9A-Z]{9}$/);
      expect(results[7 + 3 * k]).toMatch(/^\$\d+\.\d\d$/);
      expect(names(b)).toContain(`click[${results[5 + 3 * k]}]`);
    }
    // "Next >" is offered on every results page; past the results the page lists none.
    for (let page = 2; page <= Math.ceil(total / 10) + 1; page++) {
      click(b, 'click[next >]');
      expect(b.observation(0).split(SEP).slice(0, 6)).toEqual([...head, `Page ${page} (Total results: ${total})`, '< Prev', 'Next >']);
    }
    expect(b.observation(0).split(SEP).length).toBe(6);
    expect(names(b)).toEqual(['click[back to search]', 'click[< prev]', 'click[next >]']);
    // The item page: back, prev, each option label and its values, title, price, rating, buttons.
    click(b, 'click[back to search]');
    click(b, oracleText(b));
    const productClick = oracleText(b);
    const at = results.indexOf(productClick.slice(6, -1));
    expect(at).toBeGreaterThan(4);
    click(b, productClick);
    const item = b.observation(0).split(SEP);
    const values = names(b)
      .filter(
        (n) =>
          !['click[back to search]', 'click[< prev]', 'click[description]', 'click[features]', 'click[reviews]', 'click[buy now]'].includes(
            n,
          ),
      )
      .map((n) => n.slice(6, -1));
    expect(item.slice(0, 4)).toEqual([...head, '< Prev']);
    expect(item.slice(-7)).toEqual([
      results[at + 1],
      `Price: ${results[at + 2]}`,
      'Rating: N.A.',
      'Description',
      'Features',
      'Reviews',
      'Buy Now',
    ]);
    const optionParts = item.slice(4, -7);
    const labels = optionParts.filter((p) => !values.includes(p));
    expect(optionParts.filter((p) => values.includes(p))).toEqual(values);
    expect(labels.length).toBeGreaterThan(0);
    expect(optionParts[0]).toBe(labels[0]);
    for (const label of labels) expect(['size', 'color', 'scent', 'flavor', 'count', 'length', 'capacity']).toContain(label);
    // Selecting an option does not change the text (WebShop marks it in the HTML only).
    const before = b.observation(0);
    click(b, `click[${values[0]}]`);
    expect(b.observation(0)).toBe(before);
    click(b, 'click[reviews]');
    expect(b.observation(0)).toBe([...head, '< Prev'].join(SEP));
    click(b, 'click[< prev]');
    expect(b.observation(0)).toBe(before);
    click(b, 'click[description]');
    expect(b.observation(0)).toMatch(
      new RegExp(`^${[...head, '< Prev'].join(SEP).replace(/[[\]$()<>.*+?^{}|\\]/g, '\\$&')} \\[SEP\\] This `),
    );
    click(b, 'click[< prev]');
    click(b, 'click[buy now]');
    expect(b.done[0]).toBe(1);
    expect(b.observation(0)).toMatch(
      /^Thank you for shopping with us! \[SEP\] Your score \(min 0\.0, max 1\.0\) \[SEP\] (0\.0|1\.0|0\.\d+)$/,
    );
  });

  it('runs search[...] from any page (WebShop has no search-bar check); native: only from the search page', () => {
    const b = one('shop', REF, 2);
    stepText1(b, `${T}<action>search[shoes]</action>`);
    const first = b.observation(0);
    stepText1(b, `${T}<action>search[blue mug]</action>`);
    const fresh = one('shop', REF, 2);
    stepText1(fresh, `${T}<action>search[blue mug]</action>`);
    expect([b.valid[0], b.observation(0)]).toEqual([1, fresh.observation(0)]);
    expect(b.observation(0)).not.toBe(first);
    const n = one('shop', {}, 2);
    stepText1(n, '<action>search[shoes]</action>');
    const results = n.observation(0);
    stepText1(n, '<action>search[blue mug]</action>');
    expect([n.valid[0], n.observation(0)]).toEqual([0, results]);
    expect(results).toContain('Results for "shoes"');
  });

  it('matches options fuzzily (token_set_ratio > 85 after colour normalisation): x-large buys as large', () => {
    // Goal value -> another offered value, with thefuzz 0.19's token_set_ratio of the pair.
    const swaps: Record<string, [string, number]> = {
      small: ['x-small', 100],
      large: ['x-large', 100],
      '6': ['6.5', 100],
      '7': ['7.5', 100],
      '8': ['8.5', 100],
      '9': ['9.5', 100],
      'pack of 1': ['pack of 12', 95],
      'pack of 2': ['pack of 1', 89],
      '2 fl oz': ['32 fl oz', 93],
      '13 inch': ['14 inch', 86],
      '8 fl oz': ['16 fl oz', 83],
      '6 ft': ['10 ft', 67],
    };
    const N = 160;
    const ref = one('shop', REF, 3, N);
    const nat = one('shop', {}, 3, N);
    const ctl = one('shop', {}, 3, N); // the oracle's own purchases, unswapped
    const final = { ref: new Float64Array(N), nat: new Float64Array(N), ctl: new Float64Array(N), refObs: new Array<string>(N) };
    const over = { ref: new Uint8Array(N), nat: new Uint8Array(N), ctl: new Uint8Array(N) };
    const record = () => {
      for (let i = 0; i < N; i++) {
        if (ref.done[i] && !over.ref[i]) [over.ref[i], final.ref[i], final.refObs[i]] = [1, ref.rewards[i], ref.observation(i)];
        if (nat.done[i] && !over.nat[i]) [over.nat[i], final.nat[i]] = [1, nat.rewards[i]];
        if (ctl.done[i] && !over.ctl[i]) [over.ctl[i], final.ctl[i]] = [1, ctl.rewards[i]];
      }
    };
    const stepBoth = (texts: (string | null)[]) => {
      ref.stepText(texts.map((s) => (s === null ? null : `${T}<action>${s}</action>`)));
      nat.stepText(texts.map((s) => (s === null ? null : `<action>${s}</action>`)));
      record();
    };
    const swapped = new Map<number, number>(); // env -> score of its swap
    const clicked: string[][] = Array.from({ length: N }, () => []); // option values the oracle selected
    for (let t = 0; t < 10; t++) {
      const texts: (string | null)[] = Array.from({ length: N }, (_, i) => (over.ref[i] ? null : oracleText(ref, i)));
      ctl.stepText(Array.from({ length: N }, (_, i) => (over.ctl[i] ? null : `<action>${oracleText(ctl, i)}</action>`)));
      record();
      for (let i = 0; i < N; i++) {
        const text = texts[i];
        if (text === null || !ref.observation(i).endsWith('Buy Now')) continue;
        if (swapped.has(i)) {
          if (text !== 'click[< prev]') texts[i] = 'click[buy now]'; // keep the swapped value
        } else if (text === 'click[buy now]') {
          // Once the oracle's selection is complete, swap one goal value for a near one.
          const value = clicked[i].find((v) => swaps[v] && names(ref, i).includes(`click[${swaps[v][0]}]`));
          if (value !== undefined) {
            texts[i] = `click[${swaps[value][0]}]`;
            swapped.set(i, swaps[value][1]);
          }
        } else if (names(ref, i).includes(text) && !text.startsWith('click[< prev')) {
          clicked[i].push(text.slice(6, -1));
        }
      }
      stepBoth(texts);
    }
    let wins = 0;
    let losses = 0;
    for (const [i, score] of swapped) {
      expect([over.ref[i], over.nat[i], over.ctl[i]]).toEqual([1, 1, 1]);
      if (final.ctl[i] !== 1) continue; // the best product found was not a full match anyway
      expect(final.nat[i]).toBeLessThan(1); // exact matching misses the swapped option
      expect(final.ref[i]).toBe(score > 85 ? 10 : 0);
      if (score > 85) expect(final.refObs[i].endsWith(`${SEP}1.0`)).toBe(true);
      if (score > 85) wins++;
      else losses++;
    }
    expect(losses).toBeGreaterThan(0);
    expect(wins).toBeGreaterThan(3);
  });
});
