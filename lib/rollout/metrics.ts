// Per-batch rollout metrics, computed once from the finished columnar batch.
import type { StepBatch } from '../io/step-batch.js';

export interface RolloutMetrics {
  trajectories: number;
  steps: number;
  /** Share of trajectories that ended by the env's rules with a last reward >= the env's success reward. */
  successRate: number;
  meanEpisodeReturn: number;
  meanLength: number;
  invalidActionRate: number;
  stepsPerSecond: number;
  seconds: number;
  /** Latency of one policy call for all active envs of a step, in milliseconds. */
  policyLatencyP50Ms: number;
  policyLatencyP99Ms: number;
}

export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[pos];
}

export function rolloutMetrics(batch: StepBatch, successReward: number, seconds: number, latenciesMs: number[]): RolloutMetrics {
  let trajectories = 0;
  let successes = 0;
  let returns = 0;
  let invalid = 0;
  let episodeReturn = 0;
  for (let r = 0; r < batch.numRows; r++) {
    episodeReturn += batch.reward[r];
    if (!batch.valid[r]) invalid++;
    const last = r + 1 === batch.numRows || batch.traj[r + 1] !== batch.traj[r];
    if (last) {
      trajectories++;
      returns += episodeReturn;
      if (batch.done[r] && batch.reward[r] >= successReward) successes++;
      episodeReturn = 0;
    }
  }
  const sorted = Float64Array.from(latenciesMs).sort();
  const steps = batch.numRows;
  return {
    trajectories,
    steps,
    successRate: trajectories ? successes / trajectories : 0,
    meanEpisodeReturn: trajectories ? returns / trajectories : 0,
    meanLength: trajectories ? steps / trajectories : 0,
    invalidActionRate: steps ? invalid / steps : 0,
    stepsPerSecond: seconds > 0 ? steps / seconds : 0,
    seconds,
    policyLatencyP50Ms: quantile(sorted, 0.5),
    policyLatencyP99Ms: quantile(sorted, 0.99),
  };
}

/** Metrics of a run made of parts (chunks, jobs), from each part's own metrics. */
export class MetricsTotals {
  trajectories = 0;
  steps = 0;
  successes = 0;
  returns = 0;
  invalid = 0;

  add(m: RolloutMetrics): void {
    this.trajectories += m.trajectories;
    this.steps += m.steps;
    this.successes += m.successRate * m.trajectories;
    this.returns += m.meanEpisodeReturn * m.trajectories;
    this.invalid += m.invalidActionRate * m.steps;
  }

  summary(): Pick<RolloutMetrics, 'trajectories' | 'steps' | 'successRate' | 'meanEpisodeReturn' | 'meanLength' | 'invalidActionRate'> {
    const t = this.trajectories;
    return {
      trajectories: t,
      steps: this.steps,
      successRate: t ? this.successes / t : 0,
      meanEpisodeReturn: t ? this.returns / t : 0,
      meanLength: t ? this.steps / t : 0,
      invalidActionRate: this.steps ? this.invalid / this.steps : 0,
    };
  }
}
