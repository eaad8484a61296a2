// Invariants of the estimators (docs/ADVANTAGES.md), checked on random batches and small
// hand-built ones, plus the estimators' golden values on tiny cases.
import { describe, expect, it } from 'vitest';
import { computeAdvantages, trajectoriesToBatch, type StepBatch, type Trajectory, ESTIMATORS } from '../lib/index.js';
import { selectRows } from '../lib/io/select-rows.js';
import { prng, randomBatch } from './helpers/random-batch.js';

function sumsBy(keys: ArrayLike<number>, values: Float32Array): Map<number, { sum: number; scale: number; count: number }> {
  const out = new Map<number, { sum: number; scale: number; count: number }>();
  for (let r = 0; r < values.length; r++) {
    const e = out.get(keys[r]) ?? { sum: 0, scale: 0, count: 0 };
    e.sum += values[r];
    e.scale += Math.abs(values[r]);
    e.count++;
    out.set(keys[r], e);
  }
  return out;
}

/** The batch with its trajectories in the order `order` (a permutation of trajectory indices). */
function permuteTrajectories(batch: StepBatch, order: number[]): { permuted: StepBatch; rows: Uint32Array } {
  const starts: number[] = [];
  for (let r = 0; r < batch.numRows; r++) if (r === 0 || batch.traj[r] !== batch.traj[r - 1]) starts.push(r);
  starts.push(batch.numRows);
  const rows: number[] = [];
  for (const t of order) for (let r = starts[t]; r < starts[t + 1]; r++) rows.push(r);
  const map = Uint32Array.from(rows);
  return { permuted: selectRows(batch, map), rows: map };
}

describe('mean_norm sums', () => {
  it('step advantages sum to 0 in every step group, episode advantages in every task group (rows)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const batch = randomBatch(seed, { interleave: seed % 2 === 0 });
      const anchors = seed % 4 === 0 ? { similarity: 0.6 } : ('exact' as const);
      const result = computeAdvantages(batch, { gamma: 0.9, anchors });
      for (const [id, { sum, scale }] of sumsBy(result.stepGroup, result.stepAdvantage))
        if (Math.abs(sum) > 1e-6 * scale + 1e-6) expect.fail(`seed ${seed}: step group ${id} sums to ${sum}`);
      for (const [g, { sum, scale, count }] of sumsBy(batch.group, result.episodeAdvantage)) {
        // A one-row group has mean 0 (docs/ADVANTAGES.md): its score passes through (tested below).
        if (count === 1) continue;
        checked++;
        if (Math.abs(sum) > 1e-6 * scale + 1e-6) expect.fail(`seed ${seed}: task group ${g} sums to ${sum}`);
      }
    }
    expect(checked).toBeGreaterThan(800);
  });
});

describe('permutation', () => {
  it('permuting trajectories (even across groups) permutes every output', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const batch = randomBatch(seed);
      const numTraj = new Set(batch.traj).size;
      const rand = prng(seed);
      const order = Array.from({ length: numTraj }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const { permuted, rows } = permuteTrajectories(batch, order);
      const estimator = ESTIMATORS[seed % ESTIMATORS.length];
      if (estimator === 'grpo_passk') continue; // random groups may have one trajectory
      const options = { estimator, mode: seed % 2 ? ('mean_std_norm' as const) : ('mean_norm' as const) };
      const a = computeAdvantages(batch, options);
      const b = computeAdvantages(permuted, options);
      const idMap = new Map<number, number>();
      let lastId = -1;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        for (const col of ['returns', 'episodeAdvantage', 'stepAdvantage', 'advantage'] as const)
          if (Math.abs(a[col][r] - b[col][k]) > 1e-5 * Math.max(1, Math.abs(a[col][r])))
            expect.fail(`seed ${seed}: ${col} of row ${r} moved to ${k}: ${a[col][r]} vs ${b[col][k]}`);
        // Same partition into step groups, renumbered by first appearance.
        const mapped = idMap.get(a.stepGroup[r]);
        if (mapped === undefined) {
          expect(b.stepGroup[k]).toBe(lastId + 1);
          lastId = b.stepGroup[k];
          idMap.set(a.stepGroup[r], b.stepGroup[k]);
        } else {
          expect(b.stepGroup[k]).toBe(mapped);
        }
      }
      expect(b.stats).toEqual(a.stats);
    }
  });
});

describe('degenerate groups', () => {
  it('a singleton step group gets exactly 0', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const batch = randomBatch(seed);
      for (const mode of ['mean_norm', 'mean_std_norm'] as const) {
        const result = computeAdvantages(batch, { mode });
        const count = new Map<number, number>();
        for (const g of result.stepGroup) count.set(g, (count.get(g) ?? 0) + 1);
        let singletons = 0;
        for (let r = 0; r < batch.numRows; r++) {
          if (count.get(result.stepGroup[r]) !== 1) continue;
          singletons++;
          expect(result.stepAdvantage[r]).toBe(0);
          expect(result.advantage[r]).toBe(result.episodeAdvantage[r]);
        }
        expect(result.stats.singletonStepGroups).toBe(singletons);
      }
    }
  });

  it('a task group of one trajectory', () => {
    const batch = trajectoriesToBatch([
      {
        group: 'solo',
        steps: [
          { obs: 'A', reward: 1 },
          { obs: 'B', reward: 2 },
          { obs: 'A', reward: 3, valid: false },
        ],
      },
    ]);
    // rows: the three rows are the statistics' elements; s = 6, 6, 5.9.
    const rows = computeAdvantages(batch, { gamma: 1 });
    expect(Array.from(rows.returns)).toEqual([6, 5, 2.9].map(Math.fround));
    const mean = (6 + 6 + 5.9) / 3;
    expect(rows.episodeAdvantage[0]).toBeCloseTo(6 - mean, 6);
    expect(rows.episodeAdvantage[2]).toBeCloseTo(5.9 - mean, 6);
    // Step group {row 0, row 2} (state A revisited): returns 6 and 2.9.
    expect(rows.stepAdvantage[0]).toBeCloseTo(1.55, 6);
    expect(rows.stepAdvantage[1]).toBe(0);
    expect(rows.stepAdvantage[2]).toBeCloseTo(-1.55, 6);
    // trajectories: one element, so mean 0 and std 1: each row's own score passes through.
    const trajs = computeAdvantages(batch, { gamma: 1, episodeStats: 'trajectories' });
    expect(Array.from(trajs.episodeAdvantage)).toEqual([6, 6, 5.9].map(Math.fround));
    const std = computeAdvantages(batch, { gamma: 1, episodeStats: 'trajectories', mode: 'mean_std_norm' });
    expect(std.episodeAdvantage[0]).toBe(Math.fround(6 / (1 + 1e-6)));
    // GRPO on a one-row group: (s - 0) / (1 + eps).
    const oneRow = trajectoriesToBatch([{ group: 0, steps: [{ obs: 'A', reward: 3 }] }]);
    expect(computeAdvantages(oneRow, { estimator: 'grpo' }).advantage[0]).toBe(Math.fround(3 / (1 + 1e-6)));
    expect(computeAdvantages(oneRow, { estimator: 'rloo' }).advantage[0]).toBe(3);
    expect(computeAdvantages(oneRow).stats.zeroVarianceGroups).toBe(1);
  });

  it('all-equal returns and scores give exactly 0, in both modes, for values like 0.1', () => {
    const member = (k: number): Trajectory => ({
      group: 'g',
      traj: k,
      steps: [
        { obs: 'A', reward: 0.1 },
        { obs: 'B', reward: 0.1 },
        { obs: 'C', reward: 0.7 },
      ],
    });
    const batch = trajectoriesToBatch([member(0), member(1), member(2), member(3), member(4), member(5), member(6)]);
    for (const mode of ['mean_norm', 'mean_std_norm'] as const) {
      for (const episodeStats of ['rows', 'trajectories'] as const) {
        const result = computeAdvantages(batch, { mode, episodeStats, gamma: 0.9 });
        expect(Array.from(result.stepAdvantage).every((x) => x === 0)).toBe(true);
        if (episodeStats === 'trajectories' || mode === 'mean_std_norm')
          expect(Array.from(result.episodeAdvantage).every((x) => x === 0)).toBe(true);
        expect(result.stats.numStepGroups).toBe(3);
      }
    }
    for (const estimator of ['grpo', 'drgrpo', 'rloo'] as const) {
      const result = computeAdvantages(batch, { estimator, episodeStats: 'trajectories' });
      expect(Array.from(result.advantage).every((x) => x === 0)).toBe(true);
      expect(result.stats.zeroVarianceGroups).toBe(1);
    }
  });
});

describe('estimator values on small cases', () => {
  const single = (rewards: number[]): StepBatch =>
    trajectoriesToBatch(rewards.map((reward, k) => ({ group: 'g', traj: k, steps: [{ obs: `o${k}`, reward }] })));

  it('grpo_passk: only the best row gets r_max - r_second', () => {
    expect(Array.from(computeAdvantages(single([1, 3, 2]), { estimator: 'grpo_passk', mode: 'mean_norm' }).advantage)).toEqual([0, 1, 0]);
    const std = computeAdvantages(single([1, 3, 2]), { estimator: 'grpo_passk', mode: 'mean_std_norm' });
    expect(Array.from(std.advantage)).toEqual([0, Math.fround(1 / (1 + 1e-6)), 0]);
    // A tie at the top leaves no gap.
    expect(Array.from(computeAdvantages(single([3, 1, 3]), { estimator: 'grpo_passk', mode: 'mean_norm' }).advantage)).toEqual([0, 0, 0]);
  });

  it('reinforce_pp_baseline: group baseline, then whitening over the batch (token-weighted)', () => {
    const batch = single([1, 0]);
    const plain = computeAdvantages(batch, { estimator: 'reinforce_pp_baseline' });
    // x = ±0.5; mean 0; var = 0.5 / (2 - 1).
    const z = 0.5 / Math.sqrt(0.5 + 1e-8);
    expect(plain.advantage[0]).toBeCloseTo(z, 6);
    expect(plain.advantage[1]).toBeCloseTo(-z, 6);
    // Weights 3 and 1 tokens: mean = (1.5 - 0.5)/4 = 0.25; var = (3·0.0625 + 0.5625)/3 = 0.25.
    const tokens = { ...batch, responseIds: { offsets: new Uint32Array([0, 3, 4]), data: new Int32Array(4) } };
    const weighted = computeAdvantages(tokens, { estimator: 'reinforce_pp_baseline' });
    expect(weighted.advantage[0]).toBeCloseTo(0.25 / Math.sqrt(0.25 + 1e-8), 6);
    expect(weighted.advantage[1]).toBeCloseTo(-0.75 / Math.sqrt(0.25 + 1e-8), 6);
  });

  it('normalizeByLength and episodeStats trajectories', () => {
    const batch = trajectoriesToBatch([
      {
        group: 'g',
        steps: [
          { obs: 'A', reward: 1 },
          { obs: 'B', reward: 1 },
        ],
      },
      { group: 'g', steps: [{ obs: 'A', reward: 0, valid: false }] },
    ]);
    // Scores per trajectory: 1 (2/2) and 0; mean 0.5; the invalid row also loses 0.1.
    const result = computeAdvantages(batch, { normalizeByLength: true, episodeStats: 'trajectories' });
    expect(Array.from(result.episodeAdvantage)).toEqual([0.5, 0.5, -0.6].map(Math.fround));
  });
});

describe('output reuse', () => {
  it('fills the arrays passed as `into`, with the same values as fresh ones', () => {
    const batch = randomBatch(8);
    const fresh = computeAdvantages(batch, { mode: 'mean_std_norm' });
    const previous = computeAdvantages(batch);
    const reused = computeAdvantages(batch, { mode: 'mean_std_norm' }, previous);
    expect(reused.advantage).toBe(previous.advantage);
    expect(reused.stepGroup).toBe(previous.stepGroup);
    for (const col of ['returns', 'episodeAdvantage', 'stepAdvantage', 'advantage', 'stepGroup'] as const)
      expect(reused[col]).toEqual(fresh[col]);
    const short = { ...previous, advantage: new Float32Array(3) };
    expect(() => computeAdvantages(batch, {}, short)).toThrow(`into.advantage: expected a Float32Array of ${batch.numRows} elements`);
  });
});

describe('empty batch', () => {
  it('scores to empty columns and zero statistics', () => {
    const empty = randomBatch(1);
    const none = {
      ...empty,
      numRows: 0,
      group: new Uint32Array(0),
      traj: new Uint32Array(0),
      step: new Uint32Array(0),
      action: new Int32Array(0),
      reward: new Float32Array(0),
      done: new Uint8Array(0),
      truncated: new Uint8Array(0),
      valid: new Uint8Array(0),
      anchor: new BigUint64Array(0),
      obs: new Uint32Array(0),
    };
    for (const anchors of ['exact', { similarity: 0.5 }] as const) {
      const result = computeAdvantages(none, { anchors, estimator: 'reinforce_pp_baseline' });
      expect(result.advantage.length).toBe(0);
      expect(result.stats).toEqual({
        numRows: 0,
        numGroups: 0,
        numTrajectories: 0,
        numStepGroups: 0,
        meanStepGroupSize: 0,
        singletonStepGroups: 0,
        singletonStepGroupShare: 0,
        zeroVarianceGroups: 0,
        zeroVarianceGroupShare: 0,
      });
    }
  });
});

describe('bad input', () => {
  const base = () => randomBatch(7, { maxGroups: 3, maxGroupSize: 4, maxLength: 12 });

  it('names the row of a non-finite reward', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const batch = base();
      expect(batch.numRows).toBeGreaterThan(17);
      batch.reward[17] = bad;
      const text = Number.isNaN(bad) ? 'NaN' : bad > 0 ? 'Infinity' : '-Infinity';
      expect(() => computeAdvantages(batch)).toThrow(new RangeError(`reward[17]: must be finite, got ${text}`));
    }
  });

  it('names broken structure', () => {
    const batch = base();
    const t = batch.traj[0];
    const r = batch.traj.findIndex((x) => x !== t);
    const valid = { ...batch, valid: batch.valid.slice() };
    valid.valid[3] = 2;
    expect(() => computeAdvantages(valid)).toThrow(/^valid\[3\]: must be 0 or 1, got 2$/);
    const steps = { ...batch, step: batch.step.slice() };
    steps.step[r] = 1;
    expect(() => computeAdvantages(steps)).toThrow(new RegExp(`^step\\[${r}\\]: trajectory \\d+ must start at step 0, got 1`));
    const split = { ...batch, traj: batch.traj.slice() };
    split.traj[batch.numRows - 1] = t;
    expect(() => computeAdvantages(split)).toThrow(/is not contiguous/);
    const short = { ...batch, reward: batch.reward.subarray(1) };
    expect(() => computeAdvantages(short)).toThrow(`batch.reward: expected ${batch.numRows} elements, got ${batch.numRows - 1}`);
    const wrongType = { ...batch, anchor: new Float64Array(batch.numRows) } as unknown as StepBatch;
    expect(() => computeAdvantages(wrongType)).toThrow('batch.anchor: expected a BigUint64Array');
    const obs = { ...batch, obs: batch.obs.slice() };
    obs.obs[2] = 9999;
    expect(() => computeAdvantages(obs, { anchors: { similarity: 0.5 } })).toThrow(/^obs\[2\]: index 9999 outside the observation table/);
  });

  it('grpo_passk needs two elements per group', () => {
    const batch = trajectoriesToBatch([
      {
        group: 5,
        steps: [
          { obs: 'A', reward: 1 },
          { obs: 'B', reward: 0 },
        ],
      },
      { group: 6, steps: [{ obs: 'A', reward: 1 }] },
    ]);
    expect(() => computeAdvantages(batch, { estimator: 'grpo_passk' })).toThrow(
      'grpo_passk: task group 1 has 1 row; pass@k needs at least 2 per group',
    );
    expect(() => computeAdvantages(batch, { estimator: 'grpo_passk', episodeStats: 'trajectories' })).toThrow(
      'grpo_passk: task group 0 has 1 trajectory',
    );
  });

  it('validates options by name', () => {
    const batch = base();
    const cases: [object, string][] = [
      [
        { estimator: 'ppo' },
        "options.estimator: must be one of 'gigpo', 'grpo', 'drgrpo', 'rloo', 'reinforce_pp_baseline', 'grpo_passk', got 'ppo'",
      ],
      [{ gamma: 1.5 }, 'options.gamma: must be a number in [0, 1], got 1.5'],
      [{ gamma: NaN }, 'options.gamma: must be a number in [0, 1], got NaN'],
      [{ epsilon: 0 }, 'options.epsilon: must be a number > 0, got 0'],
      [{ invalidPenalty: -1 }, 'options.invalidPenalty: must be a number >= 0, got -1'],
      [{ stepWeight: Infinity }, 'options.stepWeight: must be a finite number, got Infinity'],
      [{ mode: 'std' }, "options.mode: must be one of 'mean_norm', 'mean_std_norm', got 'std'"],
      [{ episodeStats: 'steps' }, "options.episodeStats: must be one of 'rows', 'trajectories', got 'steps'"],
      [{ anchors: { similarity: 1 } }, 'options.anchors.similarity: must be a number in (0, 1), got 1'],
      [{ anchors: 'fuzzy' }, "options.anchors: must be 'exact' or { similarity: θ } with 0 < θ < 1, got 'fuzzy'"],
      [{ normalizeByLength: 1 }, 'options.normalizeByLength: must be a boolean, got 1'],
      [{ gama: 0.9 }, 'options.gama: unknown option'],
    ];
    for (const [options, message] of cases) expect(() => computeAdvantages(batch, options as never)).toThrow(message);
  });
});
