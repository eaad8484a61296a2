// The meta of a finished rollout, written in one place for every way of running one (one
// thread, a pool of threads, workers on other machines): what ran, and the metrics of the
// finished batch.
import { promptSpec } from '../envs/prompts.js';
import type { StepBatch } from '../io/step-batch.js';
import type { Policy } from '../policy/types.js';
import { rolloutMetrics, type RolloutMetrics } from './metrics.js';

/** What ran: the env, the seeds, the group size and the policy's label. */
export interface RolloutRun {
  env: string;
  /** The env profile, when the options chose one ('native' | 'verl-agent'). */
  profile?: string;
  seed: number;
  groupSize: number;
  policy: string;
}

export interface RolloutMeta extends RolloutRun {
  metrics: RolloutMetrics;
  /** Every policy call's latency (ms), for merging shards' percentiles. */
  policyLatenciesMs: number[];
}

/** `{ profile }` when env options name one (for RolloutRun), else `{}`. */
export function profileOf(options: Readonly<Record<string, unknown>> | undefined): { profile?: string } {
  return options?.profile !== undefined ? { profile: String(options.profile) } : {};
}

/** The label of a policy in meta: its name, with the oracle's epsilon. */
export function policyLabel(policy: Policy): string {
  return policy.kind === 'native' && policy.name === 'oracle' ? `oracle(epsilon=${policy.epsilon})` : policy.name;
}

/** Sets the batch's meta from what ran, the wall time and the policy latencies; returns it. */
export function finishRollout(batch: StepBatch, run: RolloutRun, seconds: number, latenciesMs: number[]): RolloutMeta {
  const meta: RolloutMeta = {
    env: run.env,
    ...(run.profile !== undefined ? { profile: run.profile } : {}),
    seed: run.seed,
    groupSize: run.groupSize,
    policy: run.policy,
    metrics: rolloutMetrics(batch, promptSpec(run.env, run.profile !== undefined ? { profile: run.profile } : {}).successReward, seconds, latenciesMs),
    policyLatenciesMs: latenciesMs,
  };
  batch.meta = { ...meta };
  return meta;
}
