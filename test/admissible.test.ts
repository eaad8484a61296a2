// Admissible actions as the env says them: the card games list only the tokens legal next (the
// points24 prompt no longer lists 1..10 whatever the cards), and the random policy on text envs
// draws uniformly over the admissible commands.
import { describe, expect, it } from 'vitest';
import { admissibleActions } from '../lib/envs/admissible.js';
import { createEnvBatch, randomPolicy, RolloutEngine } from '../lib/index.js';

describe('admissible actions', () => {
  it('points24: the listed tokens are exactly those the env accepts now (checked by stepping every action)', () => {
    for (const seed of [1, 2, 3]) {
      const probe = createEnvBatch({ env: 'points24', numEnvs: 1, seed });
      const n = probe.numActions;
      probe.close();
      // numActions members of one group: identical states, member k tries action k.
      const b = createEnvBatch({ env: 'points24', numEnvs: n, groupSize: n, seed });
      const cards = /Cards: (.*)/.exec(b.observation(0))![1].split(', ');
      const listed = admissibleActions(b, 0);
      expect(new Set(listed)).toEqual(new Set([...cards, '(']));
      expect(listed.length).toBeLessThan(n);
      const names = Array.from({ length: n }, (_, a) => b.actionName(0, a));
      b.step(new Int32Array(n).map((_, a) => a));
      for (let a = 0; a < n; a++) expect(b.valid[a] === 1, `seed ${seed} token ${names[a]}`).toBe(listed.includes(names[a]));
      b.close();
    }
  });

  it('points24: after a number the operators (and `)` / `=` where legal) are listed, not numbers', () => {
    const b = createEnvBatch({ env: 'points24', numEnvs: 1, seed: 1 });
    const card = /Cards: (\d+)/.exec(b.observation(0))![1];
    b.stepText([`<action>${card}</action>`]);
    expect(b.valid[0]).toBe(1);
    const listed = admissibleActions(b, 0);
    expect(listed).toEqual(expect.arrayContaining(['+', '-', '*', '/']));
    expect(listed.some((t) => /^\d+$/.test(t))).toBe(false);
    b.close();
  });

  it('sokoban lists its four moves whatever the state', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 1, seed: 1 });
    expect(admissibleActions(b, 0)).toHaveLength(b.numActions);
    b.close();
  });

  it('household: --policy random draws only admissible commands (every step valid)', async () => {
    const batch = await new RolloutEngine().collect({ env: 'household', groups: 8, groupSize: 4, seed: 2, policy: randomPolicy() });
    let valid = 0;
    for (let r = 0; r < batch.numRows; r++) valid += batch.valid[r];
    expect(batch.numRows).toBeGreaterThan(100);
    expect(valid).toBe(batch.numRows);
  });
});
