// Group jobs over Redis Streams to `gigpo worker` processes (--redis): the service is the
// driver. Native policies only travel (they are plain data); text policies keep running
// in the service, whose work for them is waiting on the inference server anyway.
import type { StepBatch } from '../../io/step-batch.js';
import { RedisUnreachableError } from '../../rollout/distributed/connection.js';
import { DistributedJobClient } from '../../rollout/distributed/job-client.js';
import type { GroupJob, GroupRunner } from './group-runner.js';
import { HttpError } from './http-error.js';
import type { GroupSetup } from './rollout-request.js';

export interface RedisRunnerOptions {
  redis: string;
  prefix?: string;
  /** Runs the text-policy jobs. */
  local: GroupRunner;
  /** Native jobs in flight per request are twice this. Default 8. */
  parallelism?: number;
  idleTimeoutMs?: number;
  /** A job fails (503, redis at URL is unreachable) after Redis has been unreachable this long. Default 30 s. */
  redisTimeoutMs?: number;
  /** How long results outlive their last refresh in Redis. Default 1 hour. */
  resultTtlMs?: number;
  /** Redis outage and recovery messages. */
  onStatus?: (message: string) => void;
}

export class RedisGroupRunner implements GroupRunner {
  readonly parallelism: number;

  private constructor(
    private readonly client: DistributedJobClient,
    private readonly local: GroupRunner,
    parallelism: number,
  ) {
    this.parallelism = parallelism;
  }

  static async connect(options: RedisRunnerOptions): Promise<RedisGroupRunner> {
    const { redis, prefix, idleTimeoutMs, redisTimeoutMs, resultTtlMs, onStatus } = options;
    const client = await DistributedJobClient.connect({ redis, prefix, idleTimeoutMs, redisTimeoutMs, resultTtlMs, onStatus });
    return new RedisGroupRunner(client, options.local, options.parallelism ?? 8);
  }

  run(setup: GroupSetup, job: GroupJob): Promise<StepBatch> {
    if (job.policy.kind !== 'native') return this.local.run(setup, job);
    return this.client
      .submit(
        {
          env: setup.env,
          envOptions: setup.envOptions,
          groupSize: setup.groupSize,
          group: job.firstGroup,
          groups: job.groups,
          seed: setup.seed,
          actionSeed: job.actionSeed,
          policy: job.policy,
        },
        job.signal,
      )
      .catch((err: unknown) => {
        throw err instanceof RedisUnreachableError ? new HttpError('unavailable', err.message) : err;
      });
  }

  /** Jobs sent to the workers and not answered yet. */
  get pendingJobs(): number {
    return this.client.pendingJobs;
  }

  /** The run id of the service's jobs in Redis (its results stream and live key). */
  get runId(): string {
    return this.client.run;
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.local.close();
  }
}
