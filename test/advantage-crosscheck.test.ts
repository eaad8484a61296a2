// The native kernels against the plain-TypeScript reference (test/reference/), on
// thousands of randomised batches and option sets: every column to 1e-5 (relative to
// the magnitude when above 1), step groups and batch statistics exactly.
import { describe, expect, it } from 'vitest';
import { computeAdvantages, resolveAdvantageOptions, type AdvantageOptions, ESTIMATORS } from '../lib/index.js';
import { referenceAdvantages } from './reference/advantage.js';
import { prng, randomBatch } from './helpers/random-batch.js';

function randomOptions(seed: number, similarity: boolean, groupSizesOk: boolean): AdvantageOptions {
  const rand = prng(seed ^ 0x5bd1e995);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const estimators = ESTIMATORS.filter((e) => groupSizesOk || e !== 'grpo_passk');
  return {
    estimator: pick(estimators),
    gamma: pick([0, 0.5, 0.95, 1, rand()]),
    stepWeight: pick([1, 0, 0.5, -2, rand() * 3]),
    mode: pick(['mean_norm', 'mean_std_norm'] as const),
    epsilon: pick([1e-6, 1e-3, 0.5]),
    invalidPenalty: pick([0.1, 0, 1, rand()]),
    episodeStats: pick(['rows', 'trajectories'] as const),
    normalizeByLength: rand() < 0.3,
    anchors: similarity ? { similarity: pick([0.3, 0.5, 0.7, 0.9, 0.95, rand() * 0.98 + 0.01]) } : 'exact',
  };
}

function expectColumn(name: string, actual: Float32Array, expected: Float64Array, context: string): void {
  for (let r = 0; r < expected.length; r++) {
    const tolerance = 1e-5 * Math.max(1, Math.abs(expected[r]));
    if (!(Math.abs(actual[r] - expected[r]) <= tolerance))
      expect.fail(`${context}: ${name}[${r}] native ${actual[r]} vs reference ${expected[r]}`);
  }
}

function crossCheck(seed: number, similarity: boolean): void {
  const batch = randomBatch(seed, { interleave: seed % 5 === 0, tokens: seed % 3 === 0 });
  // grpo_passk needs 2 elements per group; only draw it when every group has them.
  const sizes = new Map<number, number>();
  for (let r = 0; r < batch.numRows; r++) if (batch.step[r] === 0) sizes.set(batch.group[r], (sizes.get(batch.group[r]) ?? 0) + 1);
  const options = randomOptions(
    seed,
    similarity,
    [...sizes.values()].every((s) => s >= 2),
  );
  const context = `seed ${seed} ${JSON.stringify(options)}`;
  const native = computeAdvantages(batch, options);
  const ref = referenceAdvantages(batch, resolveAdvantageOptions(options));
  expectColumn('returns', native.returns, ref.returns, context);
  expectColumn('episodeAdvantage', native.episodeAdvantage, ref.episodeAdvantage, context);
  expectColumn('stepAdvantage', native.stepAdvantage, ref.stepAdvantage, context);
  expectColumn('advantage', native.advantage, ref.advantage, context);
  if (!Array.from(native.stepGroup).every((g, r) => g === ref.stepGroup[r])) expect.fail(`${context}: stepGroup differs`);
  const stats = native.stats;
  const expected = [ref.numGroups, ref.numStepGroups, ref.singletonStepGroups, ref.zeroVarianceGroups];
  const actual = [stats.numGroups, stats.numStepGroups, stats.singletonStepGroups, stats.zeroVarianceGroups];
  if (actual.join() !== expected.join()) expect.fail(`${context}: stats ${actual} vs ${expected}`);
}

describe('native kernels = TypeScript reference', () => {
  it('exact anchors: 3000 random batches and option sets', () => {
    for (let seed = 1; seed <= 3000; seed++) crossCheck(seed, false);
  });

  it('similarity anchors: 600 random batches and thresholds', () => {
    for (let seed = 100001; seed <= 100600; seed++) crossCheck(seed, true);
  });

  it('covers what it claims: interleaved groups, revisits, invalid rows, every estimator', () => {
    let revisits = 0;
    let invalid = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const batch = randomBatch(seed);
      const result = computeAdvantages(batch);
      revisits += result.stats.numRows - result.stats.numStepGroups;
      invalid += batch.valid.filter((v) => v === 0).length;
    }
    expect(revisits).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(200);
    const drawn = new Set<string>();
    for (let seed = 1; seed <= 3000; seed++) drawn.add(String(randomOptions(seed, false, true).estimator));
    expect([...drawn].sort()).toEqual([...ESTIMATORS].sort());
  });
});
