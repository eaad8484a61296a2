// Per-batch rollout metrics, computed once from the finished columnar batch.
import type { StepBatch } from '../io/step-batch.js';

/** Counts of the policy's work, as PolicyStats gathers them. */
export interface PolicyCounts {
  requests: number;
  failedRequests: number;
  retries: number;
  tokensIn: number;
  tokensOut: number;
  serverBusyMs: number;
}

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
  /**
   * Latency of one policy call, in milliseconds: one request of a text policy; all active envs'
   * actions of one step of a native policy.
   */
  policyLatencyP50Ms: number;
  policyLatencyP99Ms: number;
  /** Text policies: requests sent (each counted once, however many attempts it took). */
  policyRequests: number;
  /** Requests that failed after their retries. */
  failedRequests: number;
  /** Attempts beyond the first, over all requests. */
  retries: number;
  /** Prompt and completion tokens (the server's usage counts, else the token ids' lengths). */
  tokensIn: number;
  tokensOut: number;
  /** Seconds with at least one request in flight: how long the rollout kept the server busy. */
  serverBusySeconds: number;
  /** Groups left out of the batch because one of their trajectories failed (onPolicyError 'drop-group', env errors). */
  droppedGroups: number;
  /** Trajectories ended by a failed request, by a prompt over the context length, by a failed env step. */
  policyErrors: number;
  contextLengthStops: number;
  envErrors: number;
  /** The message of the first failure that ended a trajectory. */
  firstError?: string;
}

export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[pos];
}

export function rolloutMetrics(
  batch: StepBatch,
  successReward: number,
  seconds: number,
  latenciesMs: number[],
  counts?: PolicyCounts,
): RolloutMetrics {
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
    policyRequests: counts?.requests ?? 0,
    failedRequests: counts?.failedRequests ?? 0,
    retries: counts?.retries ?? 0,
    tokensIn: counts?.tokensIn ?? 0,
    tokensOut: counts?.tokensOut ?? 0,
    serverBusySeconds: (counts?.serverBusyMs ?? 0) / 1000,
    droppedGroups: 0,
    policyErrors: 0,
    contextLengthStops: 0,
    envErrors: 0,
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
