import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvBatch, HOLD_ACTION, readBoxobanLevels, solveSokoban } from '../lib/index.js';
import { replaySolves, shortestMoves } from './reference/sokoban-bfs.js';
import { actionStream, requireBoxoban, writeLevelFile } from './helpers/sokoban.js';

// Initial levels (Boxoban text) of a generated batch.
function generatedLevels(count: number, seed: number, options: Record<string, number>): string[] {
  const b = createEnvBatch({ env: 'sokoban', numEnvs: count, seed, options });
  return Array.from({ length: count }, (_, i) => b.key(i).toString('utf8'));
}

// Replays `plan` through an env playing `level` from a level file; returns the rewards.
function replayInEnv(level: string, plan: Int32Array): { rewards: number[]; done: number[] } {
  const path = writeLevelFile('replay.txt', [level]);
  const b = createEnvBatch({
    env: 'sokoban',
    numEnvs: 1,
    seed: 0,
    options: { levels: path, levelIndex: 0, maxSteps: 100_000, symbols: 'boxoban' },
  });
  expect(b.observation(0)).toBe(level);
  const rewards: number[] = [];
  const done: number[] = [];
  for (const a of plan) {
    b.step(new Int32Array([a]));
    rewards.push(b.rewards[0]);
    done.push(b.done[0]);
  }
  return { rewards, done };
}

describe('sokoban solver', () => {
  it('finds shortest plans: move counts match an exhaustive BFS on generated levels', () => {
    let compared = 0;
    for (const [dim, numBoxes, searchDepth, count] of [
      [6, 1, 15, 120],
      [5, 2, 15, 40],
      [7, 2, 25, 40],
      [7, 3, 20, 20],
      [9, 2, 60, 20],
    ]) {
      for (const level of generatedLevels(count, dim * 31 + numBoxes, { dim, numBoxes, searchDepth })) {
        const s = solveSokoban(level);
        const bfs = shortestMoves(level);
        expect(s.solved, level).toBe(true);
        expect(s.budgetExhausted).toBe(false);
        expect(s.moves, level).toBe(bfs);
        expect(s.plan!.length).toBe(s.moves);
        expect(s.moves).toBeLessThanOrEqual(searchDepth);
        expect(s.pushes).toBeGreaterThan(0);
        expect(s.pushes).toBeLessThanOrEqual(s.moves);
        expect(replaySolves(level, s.plan!)).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(240);
  });

  it('matches BFS on hand-made levels where walking order matters', () => {
    const levels: Array<[string, number]> = [
      ['#####\n#@$.#\n#####', 1],
      ['########\n#@ $ . #\n########', 3],
      // Push the box down then right: it must be approached from above, then from the left.
      ['######\n#@   #\n# $  #\n#  . #\n######', 5],
      ['#######\n#.    #\n#  $  #\n#  @  #\n#######', shortestMoves('#######\n#.    #\n#  $  #\n#  @  #\n#######')!],
    ];
    for (const [level, optimum] of levels) {
      const s = solveSokoban(level);
      expect(s.solved).toBe(true);
      expect(s.moves, level).toBe(optimum);
      expect(shortestMoves(level)).toBe(optimum);
    }
  });

  it('replays plans through the env: every generated level is solved, with +1/+10 on the last push', () => {
    for (const level of generatedLevels(60, 4242, { dim: 7, numBoxes: 2, searchDepth: 25 })) {
      const s = solveSokoban(level);
      expect(s.solved).toBe(true);
      const { rewards, done } = replayInEnv(level, s.plan!);
      expect(done.slice(0, -1).every((d) => d === 0)).toBe(true);
      expect(done[done.length - 1]).toBe(1);
      expect(rewards[rewards.length - 1]).toBeGreaterThan(10.8);
      // Rewards sum: -0.1 per move, +1 per box that ends on a target net of ons/offs, +10.
      const sum = rewards.reduce((a, b) => a + b, 0);
      const startOnTarget = [...level].filter((c) => c === '*').length;
      expect(sum).toBeCloseTo(-0.1 * s.moves + (2 - startOnTarget) + 10, 4);
    }
  });

  it('solves Boxoban levels, replayed through the env', (ctx) => {
    const dir = requireBoxoban(ctx);
    const levels = readBoxobanLevels(join(dir, 'medium', 'train', '000.txt'));
    for (let i = 0; i < 25; i++) {
      const s = solveSokoban(levels[i]);
      expect(s.solved, `medium level ${i}`).toBe(true);
      expect(s.pushes).toBeGreaterThanOrEqual(4);
      const { done } = replayInEnv(levels[i], s.plan!);
      expect(done.indexOf(1)).toBe(s.moves - 1);
    }
  });

  it('matches BFS on Boxoban levels small enough for an exhaustive search', (ctx) => {
    const dir = requireBoxoban(ctx);
    const levels = readBoxobanLevels(join(dir, 'unfiltered', 'test', '000.txt'));
    // Levels of this file whose whole state space BFS covers in under 60k states.
    for (const i of [6, 10, 12, 14, 16, 28, 31, 35, 36]) {
      const s = solveSokoban(levels[i]);
      expect(s.solved).toBe(true);
      expect(s.moves, `unfiltered/test level ${i}`).toBe(shortestMoves(levels[i], 60_000));
    }
  });

  it('reports budget exhaustion, proven unsolvable levels and already solved ones', () => {
    // Two pushes needed; a budget of two states stops after the start's one successor.
    const level = '########\n#@ $ . #\n########';
    expect(solveSokoban(level, { nodeBudget: 1 })).toEqual({
      solved: false,
      plan: null,
      moves: 0,
      pushes: 0,
      nodesExpanded: 0,
      nodesGenerated: 1,
      budgetExhausted: true,
    });
    expect(solveSokoban(level, { nodeBudget: 2 })).toMatchObject({
      solved: false,
      nodesExpanded: 1,
      nodesGenerated: 2,
      budgetExhausted: true,
    });
    expect(solveSokoban(level, { nodeBudget: 3 })).toMatchObject({
      solved: true,
      moves: 3,
      pushes: 2,
      nodesExpanded: 2,
      nodesGenerated: 3,
    });
    // Two boxes in a corridor: the only push brings them side by side along the wall (frozen).
    const stuck = solveSokoban('########\n#@$ $..#\n########');
    expect(stuck).toEqual({
      solved: false,
      plan: null,
      moves: 0,
      pushes: 0,
      nodesExpanded: 1,
      nodesGenerated: 1,
      budgetExhausted: false,
    });
    expect(shortestMoves('########\n#@$ $..#\n########')).toBeNull();
    // Already frozen at the start: no search at all.
    expect(solveSokoban('########\n#@$$..##\n########').nodesExpanded).toBe(0);
    // A box in a corner off target: dead before any search.
    expect(solveSokoban('#####\n#$ .#\n# @ #\n#####').nodesExpanded).toBe(0);
    expect(solveSokoban('#####\n#$ .#\n# @ #\n#####').solved).toBe(false);
    const done = solveSokoban('#####\n#@* #\n#   #\n#####');
    expect(done.solved).toBe(true);
    expect(Array.from(done.plan!)).toEqual([]);
  });

  it('falls back to the first direction that moves when the level has no solution', () => {
    // The box sits against the right and bottom walls below its target: it can never move up.
    const path = writeLevelFile('stuck.txt', ['######\n#  .##\n# @$##\n######']);
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 1, seed: 0, options: { levels: path, levelIndex: 0, symbols: 'boxoban' } });
    expect(solveSokoban(b.observation(0)).solved).toBe(false);
    expect(Array.from(b.oracleActions())).toEqual([0]); // up moves the player
    b.step(new Int32Array([0]));
    expect(Array.from(b.oracleActions())).toEqual([1]); // up is a wall now; down moves
  });

  it('drives the env as an oracle: shortest solutions, also after leaving the plan', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 48, groupSize: 1, seed: 555, options: { numBoxes: 2, dim: 7, maxSteps: 40 } });
    const levels = Array.from({ length: 48 }, (_, i) => b.key(i).toString('utf8'));
    const optimum = levels.map((l) => shortestMoves(l)!);
    const random = actionStream(3);
    const steps = new Array<number>(48).fill(0);
    const solvedAt = new Array<number>(48).fill(-1);
    for (let t = 0; t < 40; t++) {
      const actions = b.oracleActions();
      for (let i = 0; i < 48; i++) {
        if (solvedAt[i] >= 0) actions[i] = HOLD_ACTION;
        else if (i % 2 === 1 && t === 0) actions[i] = random(); // odd envs start off-plan
      }
      b.step(actions);
      for (let i = 0; i < 48; i++) {
        if (solvedAt[i] >= 0) continue;
        steps[i]++;
        if (b.done[i]) solvedAt[i] = steps[i];
      }
    }
    for (let i = 0; i < 48; i += 2) expect(solvedAt[i], levels[i]).toBe(optimum[i]);
    // Off-plan starts are re-solved; at most the one wasted move (or the move it undid) costs extra,
    // unless that move made the level unsolvable.
    let recovered = 0;
    for (let i = 1; i < 48; i += 2) {
      if (solvedAt[i] >= 0) {
        expect(solvedAt[i]).toBeGreaterThanOrEqual(optimum[i] - 1);
        expect(solvedAt[i]).toBeLessThanOrEqual(optimum[i] + 2);
        recovered++;
      }
    }
    expect(recovered).toBeGreaterThan(18);
  });
});
