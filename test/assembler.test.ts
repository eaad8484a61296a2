// BatchAssembler: dynamic sampling, advantage-weighted subsampling with importance
// weights, balancing to a multiple of k, token-level broadcast; groups stay contiguous.
import { describe, expect, it } from 'vitest';
import { BatchAssembler, computeAdvantages, trajectoriesToBatch, type StepBatch, type TrainingBatch } from '../lib/index.js';
import { randomBatch } from './helpers/random-batch.js';

function expectContiguous(out: TrainingBatch): void {
  const seenGroups = new Set<number>();
  const seenTraj = new Set<number>();
  for (let r = 0; r < out.numRows; r++) {
    if (r === 0 || out.group[r] !== out.group[r - 1]) {
      expect(seenGroups.has(out.group[r])).toBe(false);
      seenGroups.add(out.group[r]);
    }
    if (r === 0 || out.traj[r] !== out.traj[r - 1]) {
      expect(seenTraj.has(out.traj[r])).toBe(false);
      seenTraj.add(out.traj[r]);
    } else {
      expect(out.step[r]).toBeGreaterThanOrEqual(out.step[r - 1]); // trajectory-major, steps in order
    }
  }
}

function withTokens(batch: StepBatch): StepBatch {
  const offsets = new Uint32Array(batch.numRows + 1);
  for (let r = 0; r < batch.numRows; r++) offsets[r + 1] = offsets[r] + (r % 4);
  return { ...batch, responseIds: { offsets, data: Int32Array.from({ length: offsets[batch.numRows] }, (_, i) => 100 + i) } };
}

describe('BatchAssembler', () => {
  // Group a: equal scores (no signal); group b: varied.
  const batch = trajectoriesToBatch([
    { group: 'a', steps: [{ obs: 'A', reward: 1 }] },
    { group: 'a', steps: [{ obs: 'A', reward: 1 }] },
    {
      group: 'b',
      steps: [
        { obs: 'B', reward: 1 },
        { obs: 'C', reward: 0 },
      ],
    },
    { group: 'b', steps: [{ obs: 'B', reward: 0 }] },
    {
      group: 'b',
      steps: [
        { obs: 'B', reward: 0 },
        { obs: 'D', reward: 0 },
        { obs: 'E', reward: 0 },
      ],
    },
  ]);
  const scored = computeAdvantages(batch);

  it('passes everything through by default, copying the scored columns', () => {
    const { batch: out, report } = new BatchAssembler().assemble(batch, scored);
    expect(out.numRows).toBe(batch.numRows);
    expect(Array.from(out.sourceRow)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(out.scores.advantage).toEqual(scored.advantage);
    expect(out.importanceWeight).toEqual(new Float32Array(8).fill(1));
    expect(out.observations).toBe(batch.observations);
    expect(report).toEqual({
      inputRows: 8,
      droppedGroups: 0,
      droppedGroupRows: 0,
      subsampledOutRows: 0,
      duplicatedRows: 0,
      balanceDroppedRows: 0,
      outputRows: 8,
    });
  });

  it('drops task groups with zero episode variance', () => {
    expect(Array.from(scored.groupZeroVariance)).toEqual([1, 0]);
    const { batch: out, report } = new BatchAssembler({ dropZeroVarianceGroups: true }).assemble(batch, scored);
    expect(Array.from(out.sourceRow)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(Array.from(out.group)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(report.droppedGroups).toBe(1);
    expect(report.droppedGroupRows).toBe(2);
  });

  it('balances to a multiple of k by duplicating (next to the original) or dropping, per seed', () => {
    const big = randomBatch(3, { maxGroups: 5, maxGroupSize: 6, maxLength: 9 });
    const s = computeAdvantages(big);
    for (const k of [3, 7, 16]) {
      const dup = new BatchAssembler({ multipleOf: k, seed: 5 }).assemble(big, s);
      expect(dup.batch.numRows % k).toBe(0);
      expect(dup.report.duplicatedRows).toBe((k - (big.numRows % k)) % k);
      expectContiguous(dup.batch);
      // Every input row appears, in order; each copy follows its original.
      const src = Array.from(dup.batch.sourceRow);
      expect([...new Set(src)]).toEqual(Array.from({ length: big.numRows }, (_, i) => i));
      for (let i = 1; i < src.length; i++) expect(src[i]).toBeGreaterThanOrEqual(src[i - 1]);
      const again = new BatchAssembler({ multipleOf: k, seed: 5 }).assemble(big, s);
      expect(again.batch.sourceRow).toEqual(dup.batch.sourceRow);

      const drop = new BatchAssembler({ multipleOf: k, balance: 'drop', seed: 5 }).assemble(big, s);
      expect(drop.batch.numRows).toBe(big.numRows - (big.numRows % k));
      expect(drop.report.balanceDroppedRows).toBe(big.numRows % k);
      expectContiguous(drop.batch);
    }
    const a = new BatchAssembler({ multipleOf: 16, seed: 1 }).assemble(big, s).batch.sourceRow;
    const b = new BatchAssembler({ multipleOf: 16, seed: 2 }).assemble(big, s).batch.sourceRow;
    expect(a).not.toEqual(b);
  });

  it('subsamples to the target size with P ∝ |A| and weights 1/P that keep sums unbiased', () => {
    const big = randomBatch(11, { maxGroups: 4, maxGroupSize: 6, maxLength: 8 });
    const s = computeAdvantages(big);
    const nonzero = Array.from(s.advantage).filter((a) => a !== 0).length;
    const target = Math.floor(nonzero / 3);
    expect(target).toBeGreaterThan(5);
    const assembler = new BatchAssembler({ targetRows: target, seed: 99 });
    const trueSum = Array.from(s.advantage).reduce((x, a) => x + a * a, 0);
    const inclusion = new Float64Array(big.numRows);
    const trials = 4000;
    let estSum = 0;
    for (let t = 0; t < trials; t++) {
      const { batch: out } = assembler.assemble(big, s);
      if (out.numRows !== target) expect.fail(`trial ${t}: ${out.numRows} rows`);
      if (t < 50) expectContiguous(out);
      for (let k = 0; k < out.numRows; k++) {
        const r = out.sourceRow[k];
        if (k > 0 && r <= out.sourceRow[k - 1]) expect.fail(`trial ${t}: rows out of order`);
        if (out.scores.advantage[k] !== s.advantage[r] || s.advantage[r] === 0) expect.fail(`trial ${t}: row ${r}`);
        inclusion[r]++;
        estSum += out.importanceWeight[k] * out.scores.advantage[k] * out.scores.advantage[k];
      }
    }
    // Horvitz–Thompson: E[Σ w·f] = Σ f.
    expect(Math.abs(estSum / trials - trueSum) / trueSum).toBeLessThan(0.02);
    // Empirical inclusion frequency matches 1/weight.
    const { batch: one } = new BatchAssembler({ targetRows: target, seed: 1 }).assemble(big, s);
    for (let k = 0; k < one.numRows; k++) {
      const p = 1 / one.importanceWeight[k];
      expect(Math.abs(inclusion[one.sourceRow[k]] / trials - p)).toBeLessThan(0.04);
    }
  });

  it('keeps every nonzero row (weight 1) when fewer than the target remain', () => {
    const { batch: out, report } = new BatchAssembler({ targetRows: 7 }).assemble(batch, scored);
    const nonzero = Array.from(scored.advantage).filter((a) => a !== 0).length;
    expect(out.numRows).toBe(nonzero);
    expect(Array.from(out.importanceWeight).every((w) => w === 1)).toBe(true);
    expect(report.subsampledOutRows).toBe(batch.numRows - nonzero);
  });

  it('broadcasts the advantage to response tokens, times the response mask', () => {
    const tokens = withTokens(batch);
    const s = computeAdvantages(tokens);
    const mask = {
      offsets: tokens.responseIds!.offsets,
      data: Uint8Array.from({ length: tokens.responseIds!.data.length }, (_, i) => i % 2),
    };
    const { batch: out } = new BatchAssembler({ multipleOf: 3, seed: 4 }).assemble(tokens, s, { responseMask: mask });
    const ids = out.responseIds!;
    const adv = out.tokenAdvantage!;
    expect(adv.offsets).toBe(ids.offsets);
    for (let k = 0; k < out.numRows; k++) {
      const r = out.sourceRow[k];
      const src = tokens.responseIds!.offsets[r];
      expect(ids.offsets[k + 1] - ids.offsets[k]).toBe(tokens.responseIds!.offsets[r + 1] - src);
      for (let t = ids.offsets[k]; t < ids.offsets[k + 1]; t++) {
        expect(ids.data[t]).toBe(tokens.responseIds!.data[src + t - ids.offsets[k]]);
        expect(adv.data[t]).toBe(s.advantage[r] * mask.data[src + t - ids.offsets[k]]);
      }
    }
    const plain = new BatchAssembler().assemble(tokens, s).batch.tokenAdvantage!;
    expect(Array.from(plain.data)).toEqual(
      Array.from({ length: plain.data.length }, (_, t) => s.advantage[tokens.responseIds!.offsets.findLastIndex((o) => o <= t)]),
    );
  });

  it('brings interleaved task groups together, rows in input order within each', () => {
    const mixed = randomBatch(21, { interleave: true, maxGroups: 5, maxGroupSize: 5 });
    const s = computeAdvantages(mixed);
    const { batch: out } = new BatchAssembler({ multipleOf: 4, seed: 3 }).assemble(mixed, s);
    expectContiguous(out);
    const order = Array.from(s.groupIds);
    const firstOf = (g: number) => order.indexOf(g);
    for (let k = 1; k < out.numRows; k++) {
      const [a, b] = [firstOf(out.group[k - 1]), firstOf(out.group[k])];
      expect(b).toBeGreaterThanOrEqual(a);
      if (a === b) expect(out.sourceRow[k]).toBeGreaterThanOrEqual(out.sourceRow[k - 1]);
    }
    expect(new Set(out.sourceRow).size).toBe(mixed.numRows);
  });

  it('rejects bad options and mismatched inputs by name', () => {
    expect(() => new BatchAssembler({ multipleOf: 0 })).toThrow('options.multipleOf: expected a positive integer, got 0');
    expect(() => new BatchAssembler({ targetRows: 2.5 })).toThrow('options.targetRows: expected a positive integer, got 2.5');
    expect(() => new BatchAssembler({ balance: 'pad' as never })).toThrow("options.balance: must be 'duplicate' or 'drop', got pad");
    expect(() => new BatchAssembler({ seed: -1 })).toThrow('options.seed: expected a non-negative safe integer');
    expect(() => new BatchAssembler({ sed: 1 } as never)).toThrow('options.sed: unknown option');
    const other = computeAdvantages(randomBatch(2));
    expect(() => new BatchAssembler().assemble(batch, other)).toThrow("scored: expected computeAdvantages' result for this batch (8 rows)");
  });
});
