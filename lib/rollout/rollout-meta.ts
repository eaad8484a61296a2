// The meta of a finished rollout, written in one place for every way of running one (one
// thread, a pool of threads, workers on other machines): what ran, and the metrics of the
// finished batch.
import { promptSpec } from '../envs/prompts.js';
import type { StepBatch } from '../io/step-batch.js';
import type { Policy } from '../policy/types.js';
import { rolloutMetrics, type PolicyCounts, type RolloutMetrics } from './metrics.js';
import type { RemoteRunInfo } from './remote-rollout.js';
import type { StopReason } from './trajectory-loop.js';

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
  /** Text policies: trajectories (by traj id) that ended for another reason than done or max-steps. */
  stopReasons?: Record<string, StopReason>;
  /** env 'remote': the server, its tasks, the calls repeated and the sessions' failures by kind. */
  remote?: RemoteRunInfo;
}

/** `{ profile }` when env options name one (for RolloutRun), else `{}`. */
export function profileOf(options: Readonly<Record<string, unknown>> | undefined): { profile?: string } {
  return options?.profile !== undefined ? { profile: String(options.profile) } : {};
}

/** The label of a policy in meta: its name, with the oracle's epsilon. */
export function policyLabel(policy: Policy): string {
  return policy.kind === 'native' && policy.name === 'oracle' ? `oracle(epsilon=${policy.epsilon})` : policy.name;
}

/**
 * Sets the batch's meta from what ran, the wall time, the policy latencies and (text policies) the
 * policy's counts; returns it (a caller adding fields sets batch.meta again).
 */
export function finishRollout(
  batch: StepBatch,
  run: RolloutRun,
  seconds: number,
  latenciesMs: number[],
  counts?: PolicyCounts,
): RolloutMeta {
  const meta: RolloutMeta = {
    env: run.env,
    ...(run.profile !== undefined ? { profile: run.profile } : {}),
    seed: run.seed,
    groupSize: run.groupSize,
    policy: run.policy,
    metrics: rolloutMetrics(
      batch,
      promptSpec(run.env, run.profile !== undefined ? { profile: run.profile } : {}).successReward,
      seconds,
      latenciesMs,
      counts,
    ),
    policyLatenciesMs: latenciesMs,
  };
  batch.meta = { ...meta };
  return meta;
}
