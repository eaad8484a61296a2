import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, HOLD_ACTION, INVALID_ACTION } from '../lib/index.js';
import { xorshift } from './helpers/random.js';

const [LEFT, DOWN, RIGHT, UP] = [0, 1, 2, 3];
const MOVES: [number, number][] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];

interface Lake {
  size: number;
  holes: boolean[][];
  row: number;
  col: number;
}

/** Reads a rendered grid: P player, _ frozen, O hole, G goal, X player in a hole, * player on the goal. */
function parseLake(text: string): Lake {
  const rows = text.split('\n');
  const size = rows.length;
  let row = -1;
  let col = -1;
  const holes = rows.map((line, r) => {
    expect(line.length).toBe(size);
    return [...line].map((ch, c) => {
      expect('P_OGX*').toContain(ch);
      if ('PX*'.includes(ch)) [row, col] = [r, c];
      if (ch === 'G' || ch === '*') expect([r, c]).toEqual([size - 1, size - 1]);
      return ch === 'O' || ch === 'X';
    });
  });
  expect(row).toBeGreaterThanOrEqual(0);
  return { size, holes, row, col };
}

function render(lake: Lake): string {
  return lake.holes
    .map((line, r) =>
      line
        .map((hole, c) => {
          const goal = r === lake.size - 1 && c === lake.size - 1;
          const here = r === lake.row && c === lake.col;
          if (here) return hole ? 'X' : goal ? '*' : 'P';
          return hole ? 'O' : goal ? 'G' : '_';
        })
        .join(''),
    )
    .join('\n');
}

function move(lake: Lake, action: number): void {
  const [dr, dc] = MOVES[action];
  lake.row = Math.min(lake.size - 1, Math.max(0, lake.row + dr));
  lake.col = Math.min(lake.size - 1, Math.max(0, lake.col + dc));
}

/** Breadth-first distance from the player to the goal over frozen tiles (Infinity when cut off). */
function distanceToGoal(lake: Lake): number {
  const seen = new Set([`${lake.row},${lake.col}`]);
  let frontier: [number, number][] = [[lake.row, lake.col]];
  for (let d = 0; frontier.length; d++) {
    const next: [number, number][] = [];
    for (const [r, c] of frontier) {
      if (r === lake.size - 1 && c === lake.size - 1) return d;
      for (const [dr, dc] of MOVES) {
        const [nr, nc] = [r + dr, c + dc];
        if (nr < 0 || nc < 0 || nr >= lake.size || nc >= lake.size || lake.holes[nr][nc]) continue;
        if (!seen.has(`${nr},${nc}`)) {
          seen.add(`${nr},${nc}`);
          next.push([nr, nc]);
        }
      }
    }
    frontier = next;
  }
  return Infinity;
}

describe('frozenlake', () => {
  it('draws a random 4x4 map per seed, frozen 80% of the time, always with a path to the goal', () => {
    const b = createEnvBatch({ env: 'frozenlake', numEnvs: 4000, seed: 1 });
    expect([b.numActions, b.maxSteps]).toEqual([4, 100]);
    let holes = 0;
    const maps = new Set<string>();
    for (const o of b.observations()) {
      const lake = parseLake(o);
      expect([lake.size, lake.row, lake.col]).toEqual([4, 0, 0]);
      expect(lake.holes[0][0] || lake.holes[3][3]).toBe(false);
      expect(distanceToGoal(lake)).toBeLessThan(Infinity);
      holes += lake.holes.flat().filter(Boolean).length;
      maps.add(o);
    }
    // 14 random tiles per map; maps without a path are redrawn, which removes a few holes.
    const holeShare = holes / (4000 * 14);
    expect(holeShare).toBeGreaterThan(0.15);
    expect(holeShare).toBeLessThan(0.2);
    expect(maps.size).toBeGreaterThan(1000);
    const big = createEnvBatch({ env: 'frozenlake', numEnvs: 200, seed: 2, options: { size: 12, frozenProbability: 0.6 } });
    for (const o of big.observations()) expect(distanceToGoal(parseLake(o))).toBeLessThan(Infinity);
  });

  it('moves, bumps, falls, wins and truncates by its rules (random play against a model)', () => {
    const n = 256;
    const b = createEnvBatch({ env: 'frozenlake', numEnvs: n, seed: 3, options: { maxSteps: 12 } });
    const lakes = b.observations().map(parseLake);
    const random = xorshift(11);
    const seen = { wins: 0, holes: 0, bumps: 0, invalid: 0, truncated: 0, resets: 0 };
    const actions = new Int32Array(n);
    for (let t = 0; t < 150; t++) {
      const ended = Array.from(b.done, (d, i) => d === 1 || b.truncated[i] === 1);
      for (let i = 0; i < n; i++) actions[i] = Math.floor(random() * 5) - 1;
      b.step(actions);
      for (let i = 0; i < n; i++) {
        if (ended[i]) {
          expect([b.resets[i], b.rewards[i], b.episodeSteps[i]]).toEqual([1, 0, 0]);
          lakes[i] = parseLake(b.observation(i));
          expect([lakes[i].row, lakes[i].col]).toEqual([0, 0]);
          seen.resets++;
          continue;
        }
        const lake = lakes[i];
        const before = [lake.row, lake.col];
        if (actions[i] === INVALID_ACTION) {
          expect(b.valid[i]).toBe(0);
          seen.invalid++;
        } else {
          expect(b.valid[i]).toBe(1);
          move(lake, actions[i]);
          if (lake.row === before[0] && lake.col === before[1]) seen.bumps++;
        }
        const hole = lake.holes[lake.row][lake.col];
        const goal = lake.row === 3 && lake.col === 3;
        expect(b.observation(i)).toBe(render(lake));
        expect(b.rewards[i]).toBe(goal ? 1 : 0);
        expect(b.done[i]).toBe(hole || goal ? 1 : 0);
        expect(b.truncated[i]).toBe(!hole && !goal && b.episodeSteps[i] === 12 ? 1 : 0);
        seen.wins += goal ? 1 : 0;
        seen.holes += hole ? 1 : 0;
        seen.truncated += b.truncated[i];
      }
    }
    for (const [kind, count] of Object.entries(seen)) expect(count, kind).toBeGreaterThan(0);
  });

  it('slips to each perpendicular move 1/3 of the time, from the dynamics seed', () => {
    // One group of 3000: the same map, independent slips.
    const n = 3000;
    const b = createEnvBatch({ env: 'frozenlake', numEnvs: n, groupSize: n, seed: 4, options: { slippery: true } });
    expect(new Set(b.observations()).size).toBe(1);
    b.step(new Int32Array(n).fill(RIGHT)); // from (0, 0): right, else down, or up (stays)
    const outcome = { right: 0, down: 0, stay: 0 };
    for (let i = 0; i < n; i++) {
      const { row, col } = parseLake(b.observation(i));
      if (row === 0 && col === 1) outcome.right++;
      else if (row === 1 && col === 0) outcome.down++;
      else if (row === 0 && col === 0) outcome.stay++;
      else throw new Error(`moved to (${row}, ${col})`);
    }
    for (const count of Object.values(outcome)) expect(count / n).toBeCloseTo(1 / 3, 1);
    // The slips are reproducible.
    const again = createEnvBatch({ env: 'frozenlake', numEnvs: n, groupSize: n, seed: 4, options: { slippery: true } });
    again.step(new Int32Array(n).fill(RIGHT));
    expect(again.observations()).toEqual(b.observations());
  });

  it('oracle wins every map without slipping, along a shortest path', () => {
    const n = 5000;
    const b = createEnvBatch({ env: 'frozenlake', numEnvs: n, seed: 5 });
    const shortest = b.observations().map((o) => distanceToGoal(parseLake(o)));
    const steps = new Array<number>(n).fill(0);
    for (let t = 0; t < 30; t++) {
      const actions = b.oracleActions();
      for (let i = 0; i < n; i++) if (steps[i]) actions[i] = HOLD_ACTION;
      b.step(actions);
      for (let i = 0; i < n; i++)
        if (!steps[i] && b.done[i]) {
          expect(b.rewards[i]).toBe(1);
          steps[i] = b.episodeSteps[i];
        }
    }
    expect(steps).toEqual(shortest);
  });

  it('oracle with slipping wins far more often than random moves', () => {
    const winRate = (policy: 'oracle' | 'random'): number => {
      const n = 2000;
      const b = createEnvBatch({ env: 'frozenlake', numEnvs: n, seed: 6, options: { slippery: true } });
      const random = xorshift(13);
      const result = new Int8Array(n).fill(-1);
      for (let t = 0; t < 100; t++) {
        const actions = policy === 'oracle' ? b.oracleActions() : Int32Array.from({ length: n }, () => Math.floor(random() * 4));
        for (let i = 0; i < n; i++) if (result[i] >= 0) actions[i] = HOLD_ACTION;
        b.step(actions);
        for (let i = 0; i < n; i++) if (result[i] < 0 && (b.done[i] || b.truncated[i])) result[i] = b.rewards[i];
      }
      return result.filter((r) => r === 1).length / n;
    };
    const oracle = winRate('oracle');
    const random = winRate('random');
    expect(oracle).toBeGreaterThan(0.8);
    expect(random).toBeLessThan(0.25);
  });

  it('is deterministic, and group members share the map', () => {
    const run = (seed: number, slippery: boolean) => {
      const b = createEnvBatch({ env: 'frozenlake', numEnvs: 64, groupSize: 8, seed, options: { slippery } });
      const random = xorshift(17);
      const trace: string[] = [];
      for (let t = 0; t < 40; t++) {
        b.step(Int32Array.from({ length: 64 }, () => Math.floor(random() * 4)));
        trace.push(Array.from(b.anchors).join(','), Array.from(b.rewards).join(','));
      }
      return trace;
    };
    expect(run(1, true)).toEqual(run(1, true));
    expect(run(2, true)).not.toEqual(run(1, true));
    const fresh = createEnvBatch({ env: 'frozenlake', numEnvs: 64, groupSize: 8, seed: 1, options: { slippery: true } });
    for (let g = 0; g < 8; g++) for (let m = 1; m < 8; m++) expect(fresh.anchors[g * 8 + m]).toBe(fresh.anchors[g * 8]);
    // Same moves, different slips: members of a group part ways.
    fresh.step(new Int32Array(64).fill(DOWN));
    fresh.step(new Int32Array(64).fill(RIGHT));
    expect(new Set(fresh.observations().slice(0, 8)).size).toBeGreaterThan(1);
  });

  it('parses words in any case and 1-4, and names its actions', () => {
    const cases: [string, number][] = [
      ['<action>left</action>', LEFT],
      ['<action>Down</action>', DOWN],
      ['<action> RIGHT </action>', RIGHT],
      ['<action>up</action>', UP],
      ['<action>1</action>', LEFT],
      ['<action>4</action>', UP],
      ['<action>0</action>', INVALID_ACTION],
      ['<action>north</action>', INVALID_ACTION],
      ['left', INVALID_ACTION],
    ];
    const b = createEnvBatch({ env: 'frozenlake', numEnvs: cases.length, seed: 1 });
    expect(Array.from(b.parse(cases.map((c) => c[0])))).toEqual(cases.map((c) => c[1]));
    expect([0, 1, 2, 3].map((a) => b.actionName(0, a))).toEqual(['left', 'down', 'right', 'up']);
    b.stepText(cases.map((c) => c[0]));
    expect(Array.from(b.valid)).toEqual(cases.map((c) => (c[1] === INVALID_ACTION ? 0 : 1)));
    expect(Array.from(b.rewards).every((r) => r === 0)).toBe(true);
  });

  it('validates its options by name', () => {
    expect(() => createEnvBatch({ env: 'frozenlake', numEnvs: 1, options: { size: 17 } })).toThrow(/options\.size: must be in \[2, 16\]/);
    expect(() => createEnvBatch({ env: 'frozenlake', numEnvs: 1, options: { frozenProbability: 0.4 } })).toThrow(
      /options\.frozenProbability/,
    );
    expect(() => createEnvBatch({ env: 'frozenlake', numEnvs: 1, options: { slippery: 'yes' } })).toThrow(TypeError);
    const tiny = createEnvBatch({ env: 'frozenlake', numEnvs: 1, seed: 1, options: { size: 2, frozenProbability: 1 } });
    expect(tiny.observation(0)).toBe('P_\n_G');
    expect(envInfo('frozenlake')?.options.map((o) => o.name)).toEqual([
      'profile',
      'size',
      'frozenProbability',
      'slippery',
      'maxSteps',
      'requireThink',
    ]);
  });
});
