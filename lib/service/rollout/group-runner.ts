// Runs group jobs (a run of whole task groups under one policy) on this machine: native
// policies on a RolloutPool's threads, text policies on this thread through the
// RolloutEngine (their work is waiting on a server). The distributed runner (--redis)
// has the same face.
import type { StepBatch } from '../../io/step-batch.js';
import type { Policy } from '../../policy/types.js';
import { RolloutEngine, type CollectOptions } from '../../rollout/engine.js';
import { RolloutPool } from '../../rollout/pool.js';
import type { GroupSetup } from './rollout-request.js';

export interface GroupJob {
  /** Global id of the first group: its start state is that group's under `setup.seed`. */
  firstGroup: number;
  groups: number;
  /** Native policies' random draws (default: the setup's seed). */
  actionSeed?: number;
  policy: Policy;
  signal: AbortSignal;
}

export interface GroupRunner {
  /** Threads (or workers) the runner spreads native jobs over; sizes the default concurrency. */
  readonly parallelism: number;
  run(setup: GroupSetup, job: GroupJob): Promise<StepBatch>;
  close(): Promise<void>;
}

export function collectOptions(setup: GroupSetup, job: GroupJob): CollectOptions {
  return {
    env: setup.env,
    envOptions: setup.envOptions,
    groups: job.groups,
    groupSize: setup.groupSize,
    seed: setup.seed,
    actionSeed: job.actionSeed,
    firstGroup: job.firstGroup,
    historyLength: setup.historyLength,
    policy: job.policy,
    signal: job.signal,
  };
}

export class LocalGroupRunner implements GroupRunner {
  readonly parallelism: number;
  // Started at once, so the first request does not wait for the threads to load the addon.
  private readonly pool: RolloutPool;
  private readonly engine = new RolloutEngine();

  constructor(options: { threads: number }) {
    this.parallelism = options.threads;
    this.pool = new RolloutPool({ maxThreads: options.threads });
  }

  run(setup: GroupSetup, job: GroupJob): Promise<StepBatch> {
    const options = collectOptions(setup, job);
    if (job.policy.kind === 'text') return this.engine.collect(options);
    return this.pool.collect({ ...options, groupsPerTask: job.groups });
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** Default job shape: native jobs of about 256 envs, 2 in flight per thread; text jobs of one group, 16 in flight. */
export function jobShape(setup: GroupSetup, runner: GroupRunner, groups = Infinity): { groupsPerJob: number; concurrentJobs: number } {
  if (setup.policy.kind !== 'oracle' && setup.policy.kind !== 'random')
    return { groupsPerJob: setup.groupsPerJob ?? 1, concurrentJobs: setup.concurrentJobs ?? 16 };
  const perThread = Math.ceil(groups / (runner.parallelism * 4));
  return {
    groupsPerJob: setup.groupsPerJob ?? Math.max(1, Math.min(Math.ceil(256 / setup.groupSize), perThread)),
    concurrentJobs: setup.concurrentJobs ?? runner.parallelism * 2,
  };
}
