// docs/ADVANTAGES.md's worked example as JSONL input, and its table (rows t0·0 .. t4·1) to compare with.
export const WORKED_EXAMPLE_JSONL = [
  {
    group: 'task0',
    traj: 't0',
    steps: [
      { obs: 'A', reward: 0 },
      { obs: 'B', reward: 0 },
      { obs: 'C', reward: 10 },
    ],
  },
  {
    group: 'task0',
    traj: 't1',
    steps: [
      { obs: 'A', reward: 0, valid: false },
      { obs: 'A', reward: 0 },
      { obs: 'B', reward: 0 },
    ],
  },
  {
    group: 'task0',
    traj: 't2',
    steps: [
      { obs: 'A', reward: 0 },
      { obs: 'D', reward: 0 },
    ],
  },
  { group: 'task1', traj: 't3', steps: [{ obs: 'X', reward: 10 }] },
  {
    group: 'task1',
    traj: 't4',
    steps: [
      { obs: 'X', reward: 0 },
      { obs: 'Y', reward: 0 },
    ],
  },
]
  .map((t) => JSON.stringify(t))
  .join('\n');

export const WORKED_TABLE = {
  R: [9.025, 9.5, 10, -0.1, 0, 0, 0, 0, 10, 0, 0],
  AE: [6.2625, 6.2625, 6.2625, -3.8375, -3.7375, -3.7375, -3.7375, -3.7375, 6.66667, -3.33333, -3.33333],
  AS: [6.79375, 4.75, 0, -2.33125, -2.23125, -4.75, -2.23125, 0, 5, -5, 0],
  A: [13.05625, 11.0125, 6.2625, -6.16875, -5.96875, -8.4875, -5.96875, -3.7375, 11.66667, -8.33333, -3.33333],
  GRPO: [1.20759, 1.20759, 1.20759, -0.73998, -0.7207, -0.7207, -0.7207, -0.7207, 1.1547, -0.57735, -0.57735],
  RLOO: [7.15714, 7.15714, 7.15714, -4.38571, -4.27143, -4.27143, -4.27143, -4.27143, 10, -5, -5],
  /** {t0·0, t1·0, t1·1, t2·0} (A), {t0·1, t1·2} (B), {t0·2}, {t2·1}, {t3·0, t4·0} (X), {t4·1} */
  stepGroup: [0, 1, 2, 0, 0, 1, 0, 3, 4, 4, 5],
};
