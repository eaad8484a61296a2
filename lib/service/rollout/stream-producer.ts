// A continuous producer behind /v1/streams/{id}: keeps up to `bufferGroups` scored groups
// ready (buffered or in flight), serves batches of whole groups, and bounds staleness.
//
// - A job is one or more whole groups started under the policy version current at its
//   start; every row it yields carries that `policyVersion`.
// - Dynamic sampling: groups with zero episode variance are never served (counted); a
//   batch takes groups until it has >= rows rows, waiting for more to be generated.
// - Groups are served in the order their jobs started, never overtaken by a younger job
//   that finished first: which groups a batch holds does not depend on how long their
//   episodes took. (Served in completion order, groups of long episodes would be the ones
//   left over when the trainer announces new weights, and dropped as stale: with
//   maxStaleness 0 every batch lacked its slowest groups, and a small policy trained on
//   NumberLine stayed at the random policy's success rate.)
// - Staleness: a group of version v is served only while current - v <= maxStaleness.
//   Buffered groups that fall out of the bound are dropped, and running jobs whose
//   version fell out are cancelled (both counted) when the trainer announces weights.
import { promptSpec } from '../../envs/prompts.js';
import { encodeChunk } from '../../io/msgpack-chunk.js';
import type { StepBatch } from '../../io/step-batch.js';
import type { Policy } from '../../policy/types.js';
import { jobShape, type GroupRunner } from './group-runner.js';
import { HttpError, badField } from './http-error.js';
import { buildPolicy } from './policy-spec.js';
import { joinGroups, scoreJob, type ScoredGroup } from './scored-groups.js';
import type { StreamSpec } from './stream-request.js';
import { TaskSampler, type TaskReport } from './task-sampler.js';

/** Group jobs failing in a row before the stream gives up (its batches then answer 502). */
export const MAX_CONSECUTIVE_FAILURES = 3;

export interface StreamCounters {
  /** Groups whose job finished (whatever became of them). */
  generatedGroups: number;
  servedGroups: number;
  servedRows: number;
  batches: number;
  /** Groups not served because they were older than maxStaleness (buffered, finished late, or cancelled). */
  droppedStaleGroups: number;
  /** Of those, groups whose job was cancelled while running. */
  cancelledStaleGroups: number;
  /** Groups not served because every trajectory scored the same (dynamic sampling). */
  droppedZeroVarianceGroups: number;
  failedJobs: number;
}

export interface StreamInfo {
  id: string;
  state: 'running' | 'failed' | 'stopped';
  policyVersion: number;
  bufferedGroups: number;
  bufferedRows: number;
  runningJobs: number;
  runningGroups: number;
  counters: StreamCounters;
  error?: string;
}

interface Job {
  /** Launch order of its first group. */
  serial: number;
  version: number;
  groups: number;
  controller: AbortController;
}

export class StreamProducer {
  private version = 0;
  private policy: Policy;
  private state: StreamInfo['state'] = 'running';
  private error: HttpError | undefined;
  /** Finished groups waiting to be served, in launch order. */
  private readonly buffer: Buffered[] = [];
  private readonly jobs = new Set<Job>();
  private readonly settling = new Set<Promise<void>>();
  private runningGroups = 0;
  private serial = 0;
  private consecutiveFailures = 0;
  private wakers: (() => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly sampler: TaskSampler;
  private readonly shape: { groupsPerJob: number; concurrentJobs: number };
  private readonly successReward: number;
  readonly counters: StreamCounters = {
    generatedGroups: 0,
    servedGroups: 0,
    servedRows: 0,
    batches: 0,
    droppedStaleGroups: 0,
    cancelledStaleGroups: 0,
    droppedZeroVarianceGroups: 0,
    failedJobs: 0,
  };

  constructor(
    readonly id: string,
    readonly spec: StreamSpec,
    private readonly runner: GroupRunner,
  ) {
    this.policy = buildPolicy(spec.policy);
    this.sampler = new TaskSampler(spec.tasks, spec.seed, spec.curation);
    // A task-set job replays one task, so it holds one group.
    const shape = jobShape(spec, runner);
    this.shape = spec.tasks === undefined ? shape : { ...shape, groupsPerJob: 1 };
    this.successReward = promptSpec(spec.env).successReward;
    this.fill();
  }

  info(): StreamInfo {
    const info: StreamInfo = {
      id: this.id,
      state: this.state,
      policyVersion: this.version,
      bufferedGroups: this.buffer.length,
      bufferedRows: this.buffer.reduce((s, g) => s + g.batch.numRows, 0),
      runningJobs: this.jobs.size,
      runningGroups: this.runningGroups,
      counters: { ...this.counters },
    };
    if (this.error) info.error = this.error.message;
    return info;
  }

  tasks(): TaskReport {
    return this.sampler.report();
  }

  /** The trainer has new weights: later jobs run `version` (at `baseURL` for openai policies). */
  setPolicy(version: number, baseURL?: string): StreamInfo {
    this.checkAlive();
    if (version <= this.version)
      throw new HttpError('conflict', `expected a version above the current ${this.version}, got ${version}`, 'version');
    if (baseURL !== undefined) {
      if (this.spec.policy.kind !== 'openai')
        throw badField('baseURL', `only openai policies have a server; this stream's policy is '${this.spec.policy.kind}'`);
      this.policy = buildPolicy(this.spec.policy, baseURL);
    }
    this.version = version;
    this.dropStale(this.buffer);
    for (const job of this.jobs) {
      if (this.stale(job.version) && !job.controller.signal.aborted) {
        job.controller.abort('stale');
        this.counters.droppedStaleGroups += job.groups;
        this.counters.cancelledStaleGroups += job.groups;
      }
    }
    this.wake();
    this.fill();
    return this.info();
  }

  /**
   * The next training batch: whole groups, oldest first, >= `rows` rows, as one chunk.
   * Batches are served one at a time; an aborted request puts its groups back.
   */
  batch(rows: number, signal: AbortSignal): Promise<Uint8Array> {
    const run = this.queue.then(() => this.collect(rows, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every job started so far has settled (after stop(): when the runner is idle for this stream). */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.settling]);
  }

  stop(reason = 'stream deleted'): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.error = new HttpError('gone', `stream ${this.id}: ${reason}`);
    for (const job of this.jobs) job.controller.abort('stopped');
    this.buffer.length = 0;
    this.wake();
  }

  private async collect(rows: number, signal: AbortSignal): Promise<Uint8Array> {
    const taken: Buffered[] = [];
    let count = 0;
    try {
      while (count < rows) {
        this.checkAlive();
        if (signal.aborted)
          throw signal.reason instanceof HttpError ? signal.reason : new HttpError('unavailable', 'batch request cancelled');
        count -= this.dropStale(taken);
        this.dropStale(this.buffer);
        const group = this.buffer.length > 0 && this.buffer[0].serial < this.oldestRunning() ? this.buffer.shift() : undefined;
        if (group) {
          taken.push(group);
          count += group.batch.numRows;
          this.fill();
          continue;
        }
        await this.changed(signal);
      }
    } catch (err) {
      if (this.state !== 'stopped') this.buffer.unshift(...taken);
      throw err;
    }
    this.counters.batches++;
    this.counters.servedGroups += taken.length;
    this.counters.servedRows += count;
    const meta = {
      stream: this.id,
      policyVersion: this.version,
      groups: taken.map((g) => ({ group: g.group, task: g.task, policyVersion: g.policyVersion })),
      counters: { ...this.counters },
    };
    return encodeChunk(joinGroups(taken, meta), meta, { validate: false });
  }

  /** Launch serial of the oldest job still running (and not cancelled); Infinity if none. */
  private oldestRunning(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const job of this.jobs) if (!job.controller.signal.aborted && job.serial < oldest) oldest = job.serial;
    return oldest;
  }

  private stale(version: number): boolean {
    return this.version - version > this.spec.maxStaleness;
  }

  /** Removes and counts the stale groups of `list`; returns the rows removed. */
  private dropStale(list: ScoredGroup[]): number {
    let rows = 0;
    let k = 0;
    for (const g of list) {
      if (this.stale(g.policyVersion)) {
        this.counters.droppedStaleGroups++;
        rows += g.batch.numRows;
      } else list[k++] = g;
    }
    list.length = k;
    return rows;
  }

  /** Into the buffer at its launch position (a job's groups share its serial and keep their order). */
  private enqueue(group: Buffered): void {
    let k = this.buffer.length;
    while (k > 0 && this.buffer[k - 1].serial > group.serial) k--;
    this.buffer.splice(k, 0, group);
  }

  private checkAlive(): void {
    if (this.state !== 'running') throw this.error!;
  }

  private changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.wakers.push(done);
    });
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }

  private fill(): void {
    while (this.state === 'running' && this.jobs.size < this.shape.concurrentJobs) {
      const room = this.spec.bufferGroups - this.buffer.length - this.runningGroups;
      if (room <= 0) return;
      this.launch(Math.min(this.shape.groupsPerJob, room));
    }
  }

  private launch(groups: number): void {
    const serial = this.serial;
    const job: Job = { serial, version: this.version, groups, controller: new AbortController() };
    this.serial += groups;
    const fresh = this.spec.tasks === undefined;
    const task = this.sampler.next(serial);
    this.jobs.add(job);
    this.runningGroups += groups;
    const run = this.runner.run(this.spec, {
      firstGroup: fresh ? serial : task,
      groups,
      // A replayed task draws fresh native-policy randomness on every attempt.
      actionSeed: fresh ? undefined : (this.spec.seed + 1 + serial) % 2 ** 53,
      policy: this.policy,
      signal: job.controller.signal,
    });
    const settled: Promise<void> = run
      .then((batch) => {
        if (job.controller.signal.aborted) return;
        if (!fresh) renumber(batch, task, serial, this.spec.groupSize);
        this.consecutiveFailures = 0;
        const scored = scoreJob(batch, this.spec.advantage, this.successReward, job.version, (g) => (fresh ? g : task));
        for (const g of scored) {
          this.counters.generatedGroups++;
          this.sampler.record(g.task, g.successes, g.trajectories);
          if (this.stale(g.policyVersion)) this.counters.droppedStaleGroups++;
          else if (g.zeroVariance) this.counters.droppedZeroVarianceGroups++;
          else this.enqueue({ ...g, serial });
        }
      })
      .catch((err: unknown) => {
        if (job.controller.signal.aborted) return; // cancelled: stale or stopped, counted there
        this.counters.failedJobs++;
        if (++this.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES && this.state === 'running') {
          this.state = 'failed';
          this.error = new HttpError(
            'upstream',
            `stream ${this.id}: ${this.consecutiveFailures} group jobs in a row failed; the last: ${(err as Error).message}`,
          );
        }
      })
      .finally(() => {
        this.jobs.delete(job);
        this.settling.delete(settled);
        this.runningGroups -= groups;
        this.wake();
        this.fill();
      });
    this.settling.add(settled);
  }
}

type Buffered = ScoredGroup & { serial: number };

/** A replayed task's rows get the stream's group id `serial` and trajectory ids of their own. */
function renumber(batch: StepBatch, task: number, serial: number, groupSize: number): void {
  const base = task * groupSize;
  for (let r = 0; r < batch.numRows; r++) {
    batch.group[r] = serial;
    batch.traj[r] = serial * groupSize + (batch.traj[r] - base);
  }
}
