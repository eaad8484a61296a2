// docs/ADVANTAGES.md's worked example, reproduced column by column (the reference implementation's
// own outputs), through the trajectory API and the native kernels.
import { describe, expect, it } from 'vitest';
import { computeAdvantages, trajectoriesToBatch, type Trajectory } from '../lib/index.js';
import { referenceAdvantages } from './reference/advantage.js';
import { resolveAdvantageOptions } from '../lib/index.js';

const s = (obs: string, reward = 0, valid = true) => ({ obs, reward, valid });
const WORKED_EXAMPLE: Trajectory[] = [
  { group: 'task0', traj: 't0', steps: [s('A'), s('B'), s('C', 10)] },
  { group: 'task0', traj: 't1', steps: [s('A', 0, false), s('A'), s('B')] },
  { group: 'task0', traj: 't2', steps: [s('A'), s('D')] },
  { group: 'task1', traj: 't3', steps: [s('X', 10)] },
  { group: 'task1', traj: 't4', steps: [s('X'), s('Y')] },
];

// Rows t0·0 .. t4·1 of the table in docs/ADVANTAGES.md.
const R = [9.025, 9.5, 10, -0.1, 0, 0, 0, 0, 10, 0, 0];
const AE = [6.2625, 6.2625, 6.2625, -3.8375, -3.7375, -3.7375, -3.7375, -3.7375, 6.66667, -3.33333, -3.33333];
const AS = [6.79375, 4.75, 0, -2.33125, -2.23125, -4.75, -2.23125, 0, 5, -5, 0];
const A = [13.05625, 11.0125, 6.2625, -6.16875, -5.96875, -8.4875, -5.96875, -3.7375, 11.66667, -8.33333, -3.33333];
const GRPO = [1.20759, 1.20759, 1.20759, -0.73998, -0.7207, -0.7207, -0.7207, -0.7207, 1.1547, -0.57735, -0.57735];
const RLOO = [7.15714, 7.15714, 7.15714, -4.38571, -4.27143, -4.27143, -4.27143, -4.27143, 10, -5, -5];

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    // The table prints 5 decimals, so compare to the printed precision.
    if (Math.abs(actual[i] - expected[i]) > tolerance) expect.fail(`row ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('docs/ADVANTAGES.md worked example', () => {
  const batch = trajectoriesToBatch(WORKED_EXAMPLE);
  // Five printed decimals: rounding to them leaves at most 5e-6 (the 1e-5 tolerance).
  const gigpo = computeAdvantages(batch, { gamma: 0.95 });

  it('lays the trajectories out as the table rows', () => {
    expect(batch.numRows).toBe(11);
    expect(Array.from(batch.traj)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4]);
    expect(Array.from(batch.step)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 0, 0, 1]);
    expect(batch.groupLabels).toEqual(['task0', 'task1']);
  });

  it('reproduces R, A^E, A^S and the GiGPO advantage', () => {
    expectClose(gigpo.returns, R);
    expectClose(gigpo.episodeAdvantage, AE);
    expectClose(gigpo.stepAdvantage, AS);
    expectClose(gigpo.advantage, A);
  });

  it('finds the documented step groups', () => {
    // {t0·0, t1·0, t1·1, t2·0} (A), {t0·1, t1·2} (B), {t0·2}, {t2·1}, {t3·0, t4·0} (X), {t4·1}
    expect(Array.from(gigpo.stepGroup)).toEqual([0, 1, 2, 0, 0, 1, 0, 3, 4, 4, 5]);
    expect(gigpo.stats).toMatchObject({
      numRows: 11,
      numGroups: 2,
      numTrajectories: 5,
      numStepGroups: 6,
      singletonStepGroups: 3,
      zeroVarianceGroups: 0,
    });
    expect(gigpo.stats.meanStepGroupSize).toBeCloseTo(11 / 6, 12);
    expect(gigpo.stats.singletonStepGroupShare).toBe(0.5);
  });

  it('reproduces grpo, rloo and drgrpo', () => {
    expectClose(computeAdvantages(batch, { estimator: 'grpo' }).advantage, GRPO);
    expectClose(computeAdvantages(batch, { estimator: 'rloo' }).advantage, RLOO);
    const dr = computeAdvantages(batch, { estimator: 'drgrpo' });
    expectClose(dr.advantage, AE);
    expectClose(dr.stepAdvantage, new Array(11).fill(0));
  });

  it('is reproduced by the plain-TypeScript reference too', () => {
    const ref = referenceAdvantages(batch, resolveAdvantageOptions());
    expectClose(ref.returns, R);
    expectClose(ref.episodeAdvantage, AE);
    expectClose(ref.stepAdvantage, AS);
    expectClose(ref.advantage, A);
    expectClose(referenceAdvantages(batch, resolveAdvantageOptions({ estimator: 'grpo' })).advantage, GRPO);
    expectClose(referenceAdvantages(batch, resolveAdvantageOptions({ estimator: 'rloo' })).advantage, RLOO);
  });
});
