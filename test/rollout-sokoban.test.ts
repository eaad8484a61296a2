// End to end on Sokoban through text: a policy that reads the board from its prompt and
// plans with the solver wins every episode (so prompts, parsing and stepping are wired
// right), and random play yields non-trivial step groups (so anchors are the bare board).
import { describe, expect, it } from 'vitest';

import { computeAdvantages, functionPolicy, randomPolicy, RolloutEngine, rowObservation, solveSokoban } from '../lib/index.js';

// ragen symbols (the default observation) -> Boxoban text, which the solver reads.
const TO_BOXOBAN: Record<string, string> = { '#': '#', _: ' ', O: '.', X: '$', '√': '*', P: '@', S: '+' };
const MOVES = ['up', 'down', 'left', 'right'];

/** Reads the board from the last user message and answers the first move of a shortest plan. */
const textSolver = functionPolicy((messages) => {
  const last = messages[messages.length - 1].content;
  const board = last.split('Current observation:\n')[1].split('\nAdmissible actions:')[0];
  const level = [...board].map((c) => (c === '\n' ? '\n' : TO_BOXOBAN[c])).join('');
  const solution = solveSokoban(level);
  if (!solution.solved || !solution.plan || solution.plan.length === 0) return '<action>up</action>';
  return `<think>${solution.moves} moves to go</think><action>${MOVES[solution.plan[0]]}</action>`;
});

describe('Sokoban rollouts through text', () => {
  it('a text-reading solver wins every episode in the fewest steps', async () => {
    const engine = new RolloutEngine();
    const batch = await engine.collect({ env: 'sokoban', groups: 12, groupSize: 2, seed: 17, policy: textSolver, historyLength: 1 });
    const metrics = (batch.meta as { metrics: { successRate: number; invalidActionRate: number } }).metrics;
    expect(metrics.successRate).toBe(1);
    expect(metrics.invalidActionRate).toBe(0);
    // Each trajectory is as long as the shortest plan from its first observation.
    for (let r = 0; r < batch.numRows; r++) {
      if (batch.step[r] !== 0) continue;
      const level = [...rowObservation(batch, r)].map((c) => (c === '\n' ? '\n' : TO_BOXOBAN[c])).join('');
      let length = 0;
      while (r + length < batch.numRows && batch.traj[r + length] === batch.traj[r]) length++;
      expect(length).toBe(solveSokoban(level).moves);
      expect(batch.done[r + length - 1]).toBe(1);
    }
  });

  it('random play revisits states, giving GiGPO step groups larger than one', async () => {
    const batch = await new RolloutEngine().collect({ env: 'sokoban', groups: 8, groupSize: 8, seed: 5, policy: randomPolicy() });
    const scored = computeAdvantages(batch);
    expect(scored.stats.meanStepGroupSize).toBeGreaterThan(2);
    expect(scored.stats.singletonStepGroupShare).toBeLessThan(0.5);
    // Rows in one step group share the observation text before their action.
    const text = new Map<number, string>();
    for (let r = 0; r < batch.numRows; r++) {
      const g = scored.stepGroup[r];
      const obs = rowObservation(batch, r);
      if (!text.has(g)) text.set(g, obs);
      expect(obs).toBe(text.get(g));
    }
  });
});
