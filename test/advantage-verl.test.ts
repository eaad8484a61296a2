// Where the estimators follow verl (issue 13.4): grpo_passk's default divides by std, and a
// zero-variance group keeps the invalid-action penalty.
import { describe, expect, it } from 'vitest';
import { computeAdvantages, trajectoriesToBatch, type StepBatch } from '../lib/index.js';

const member = (
  k: number,
  valid: boolean[],
): { group: string; traj: number; steps: { obs: string; reward: number; valid: boolean }[] } => ({
  group: 'g',
  traj: k,
  steps: valid.map((v, s) => ({ obs: `o${k}.${s}`, reward: s === valid.length - 1 ? 1 : 0, valid: v })),
});

describe('estimators as verl defines them', () => {
  it('grpo_passk divides the gap by std + epsilon unless mean_norm is asked for', () => {
    const batch: StepBatch = trajectoriesToBatch(
      [1, 3, 2].map((reward, k) => ({ group: 'g', traj: k, steps: [{ obs: `o${k}`, reward }] })),
    );
    const byDefault = Array.from(computeAdvantages(batch, { estimator: 'grpo_passk' }).advantage);
    // Rows 1, 3, 2: std 1, gap 1.
    expect(byDefault).toEqual([0, Math.fround(1 / (1 + 1e-6)), 0]);
    expect(Array.from(computeAdvantages(batch, { estimator: 'grpo_passk', mode: 'mean_std_norm' }).advantage)).toEqual(byDefault);
    expect(Array.from(computeAdvantages(batch, { estimator: 'grpo_passk', mode: 'mean_norm' }).advantage)).toEqual([0, 1, 0]);
  });

  it('mean_std_norm over trajectories: tied trajectory scores still carry the invalid-action penalty', () => {
    // Both trajectories score 1 (a tie: std 0); trajectory 1's first row was invalid.
    const batch = trajectoriesToBatch([member(0, [true, true]), member(1, [false, true])]);
    for (const estimator of ['gigpo', 'grpo'] as const) {
      const r = computeAdvantages(batch, { estimator, mode: 'mean_std_norm', episodeStats: 'trajectories', stepWeight: 0 });
      expect(Array.from(r.episodeAdvantage)).toEqual([0, 0, Math.fround(-0.1), 0]);
      expect(r.stats.zeroVarianceGroups).toBe(1);
    }
    // Over rows the penalty makes the group vary, and it is divided as usual.
    const rows = computeAdvantages(batch, { mode: 'mean_std_norm', episodeStats: 'rows', stepWeight: 0 });
    expect(rows.episodeAdvantage[2]).toBeLessThan(-1);
  });
});

describe('opaque anchor ids in JSONL', () => {
  it('a file whose steps carry "anchor": "state-3" scores exactly as the same file with "obs": "state-3"', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { scoreFile } = await import('../lib/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'gigpo-anchor-'));
    try {
      const trajectories = (key: 'obs' | 'anchor') =>
        [0, 1, 2, 3]
          .map((traj) =>
            JSON.stringify({
              group: 'g',
              traj,
              steps: [0, 1, 2].map((s) => ({
                [key]: `state-${(traj + s) % 4}`,
                reward: s === 2 ? traj % 2 : 0,
                valid: traj !== 3 || s !== 1,
              })),
            }),
          )
          .join('\n') + '\n';
      const scoreOf = async (key: 'obs' | 'anchor') => {
        writeFileSync(join(dir, `${key}.jsonl`), trajectories(key));
        await scoreFile({ input: join(dir, `${key}.jsonl`), output: join(dir, `${key}.out.jsonl`) });
        return readFileSync(join(dir, `${key}.out.jsonl`), 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { steps: Record<string, unknown>[] }).steps.map(({ obs: _o, ...rest }) => rest));
      };
      const byObs = await scoreOf('obs');
      const byAnchor = await scoreOf('anchor');
      expect(byAnchor).toEqual(byObs);
      // The written anchors are the 16-hex form, shared by equal names.
      expect(byAnchor[0][1].anchor).toMatch(/^[0-9a-f]{16}$/);
      expect(byAnchor[0][1].anchor).toBe(byAnchor[1][0].anchor);
      expect(new Set(byAnchor.flat().map((s) => s.step_group)).size).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
