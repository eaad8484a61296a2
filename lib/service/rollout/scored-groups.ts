// Scoring a finished job: advantages over its groups (group-relative, so scoring a job
// alone gives each group exactly what scoring the whole rollout would), then one entry per
// task group with its rows as views, its variance flag and its success count.
import { computeAdvantages } from '../../advantage/compute.js';
import type { ResolvedAdvantageOptions } from '../../advantage/options.js';
import { concatStepBatches } from '../../io/concat.js';
import { sliceRows } from '../../io/select-rows.js';
import type { StepBatch } from '../../io/step-batch.js';
import { rolloutMetrics } from '../../rollout/metrics.js';

export interface ScoredGroup {
  /** Group id in the served rows. */
  group: number;
  /** The task the group played (its start state). */
  task: number;
  policyVersion: number;
  /** No episode-level signal: every trajectory scored the same. */
  zeroVariance: boolean;
  trajectories: number;
  successes: number;
  /** The group's rows, scored and tagged with policyVersion. */
  batch: StepBatch;
}

export function scoreJob(
  batch: StepBatch,
  advantage: ResolvedAdvantageOptions,
  successReward: number,
  policyVersion: number,
  taskOf: (group: number) => number,
): ScoredGroup[] {
  const scored = computeAdvantages(batch, advantage);
  const { returns, episodeAdvantage, stepAdvantage, stepGroup } = scored;
  batch.scores = { returns, episodeAdvantage, stepAdvantage, advantage: scored.advantage, stepGroup };
  batch.policyVersion = new Uint32Array(batch.numRows).fill(policyVersion);
  const out: ScoredGroup[] = [];
  for (let start = 0, g = 0; start < batch.numRows; g++) {
    let end = start + 1;
    while (end < batch.numRows && batch.group[end] === batch.group[start]) end++;
    const rows = sliceRows(batch, start, end);
    const m = rolloutMetrics(rows, successReward, 0, []);
    out.push({
      group: batch.group[start],
      task: taskOf(batch.group[start]),
      policyVersion,
      zeroVariance: scored.groupZeroVariance[g] === 1,
      trajectories: m.trajectories,
      successes: Math.round(m.successRate * m.trajectories),
      batch: rows,
    });
    start = end;
  }
  return out;
}

/**
 * One batch of the given groups. Step-group ids come from separate scoring runs, so they
 * are renumbered to be unique in the result (each group's ids form one contiguous range).
 */
export function joinGroups(groups: readonly ScoredGroup[], meta: Record<string, unknown>): StepBatch {
  const out = concatStepBatches(
    groups.map((g) => g.batch),
    meta,
  );
  const ids = out.scores!.stepGroup;
  let next = 0;
  for (let start = 0; start < out.numRows; ) {
    let end = start + 1;
    let min = ids[start];
    let max = ids[start];
    while (end < out.numRows && out.group[end] === out.group[start]) {
      if (ids[end] < min) min = ids[end];
      if (ids[end] > max) max = ids[end];
      end++;
    }
    for (let r = start; r < end; r++) ids[r] = ids[r] - min + next;
    next += max - min + 1;
    start = end;
  }
  return out;
}
