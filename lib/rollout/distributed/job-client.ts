// The driver side of the Redis Streams protocol (protocol.ts) as a long-lived client: one
// run id and results stream, jobs submitted one at a time, each answered by its own
// promise as its result arrives. The rollout service submits group jobs through it as its
// rollouts and streams need them.
//
// Lifecycle, by the rules of distributedCollect (driver.ts):
// - The live key (10 s expiry) is refreshed every 2.5 s; workers drop the jobs of a client
//   that stopped refreshing it. Results expire `resultTtlMs` after their last write or
//   refresh, and each is deleted from Redis once taken, so a long-lived service does not
//   grow its results stream; close() deletes the run's keys and its queued jobs.
// - A cancelled job (its signal) has its queue entry deleted; a late result is ignored.
// - Redis outages: commands wait for Redis (ioredis reconnects) up to redisTimeoutMs; then
//   every pending job, and every job submitted while Redis stays away, fails with
//   RedisUnreachableError ("redis at URL is unreachable (for 30 s)"). The client then opens
//   new connections for the next job, so the service works again once Redis is back. If
//   Redis came back without the run's data (a restart), the pending jobs are submitted again.
import { randomUUID } from 'node:crypto';

import { decodeChunk } from '../../io/msgpack-chunk.js';
import type { StepBatch } from '../../io/step-batch.js';
import { abortError } from '../engine.js';
import { RedisConnection } from './connection.js';
import { DEFAULT_REDIS_TIMEOUT_MS } from './driver.js';
import { DEFAULT_RESULT_TTL_MS, entryFields, jobsKey, liveKey, resultsKey, type JobSpec } from './protocol.js';

export interface JobClientOptions {
  redis: string;
  prefix?: string;
  /** Fail the pending jobs when no result arrived for this long. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** How long results outlive their last refresh. Default 1 hour. */
  resultTtlMs?: number;
  /** Fail the pending jobs after Redis has been unreachable this long. Default 30 s. */
  redisTimeoutMs?: number;
  /** Redis outage and recovery messages, once each per outage. */
  onStatus?: (message: string) => void;
}

/** Expiry of the live key; refreshed every LIVE_MS / 4. */
const LIVE_MS = 10_000;

type BufferEntry = [Buffer, Buffer[]];

interface Pending {
  spec: JobSpec;
  /** Its entry in the jobs stream, once added. */
  entry?: string;
  resolve: (batch: StepBatch) => void;
  reject: (err: unknown) => void;
}

/** The two connections of one period without an outage that outlasted the bound. */
interface Session {
  commands: RedisConnection;
  /** Blocking reads hold their connection: a second one. */
  reader: RedisConnection;
  reading: Promise<void>;
  /** The live key is set: jobs may go. */
  started: Promise<unknown>;
  refresh: NodeJS.Timeout;
  /** Redis came back after an outage: check whether it kept the run. */
  reconnected: boolean;
  ended: boolean;
}

export class DistributedJobClient {
  readonly run = randomUUID();
  private readonly prefix: string;
  private readonly results: string;
  private readonly live: string;
  private readonly idleTimeoutMs: number;
  private readonly ttlMs: number;
  private readonly pending = new Map<number, Pending>();
  private nextJob = 0;
  private lastProgress = performance.now();
  private closed = false;
  private session: Session | undefined;

  private constructor(private readonly options: JobClientOptions) {
    this.prefix = options.prefix ?? 'gigpo';
    this.results = resultsKey(this.prefix, this.run);
    this.live = liveKey(this.prefix, this.run);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
    this.ttlMs = options.resultTtlMs ?? DEFAULT_RESULT_TTL_MS;
  }

  /** A client whose Redis answered (within redisTimeoutMs). */
  static async connect(options: JobClientOptions): Promise<DistributedJobClient> {
    const client = new DistributedJobClient(options);
    const s = client.open();
    try {
      await s.started;
    } catch (err) {
      client.end(s);
      throw err;
    }
    return client;
  }

  /** Jobs waiting for their result. */
  get pendingJobs(): number {
    return this.pending.size;
  }

  /** Runs one job (whole groups) on some worker; resolves with its batch. */
  submit(spec: JobSpec, signal?: AbortSignal): Promise<StepBatch> {
    if (this.closed) return Promise.reject(new Error('distributed job client is closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.session?.commands.gaveUp) this.end(this.session);
    const s = this.session ?? this.open();
    const job = this.nextJob++;
    return new Promise<StepBatch>((resolve, reject) => {
      const onAbort = () => {
        const p = this.pending.get(job);
        this.pending.delete(job); // a late result is ignored like a duplicate
        if (p?.entry) void s.commands.run((r) => r.xdel(jobsKey(this.prefix), p.entry!)).catch(() => undefined);
        reject(abortError(signal!.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      if (this.pending.size === 0) this.lastProgress = performance.now();
      this.pending.set(job, {
        spec,
        resolve: (b) => {
          done();
          resolve(b);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.add(s, job).catch((err) => this.failJob(job, err));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('distributed job client closed'));
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.ended = true;
    clearInterval(s.refresh);
    s.reader.close();
    await s.reading;
    if (!s.commands.gaveUp) {
      // Bounded: a Redis that went away leaves the rest to the expiries.
      let timer: NodeJS.Timeout | undefined;
      const cleanup = s.commands.run((r) => r.del(this.results, this.live));
      await Promise.race([cleanup, new Promise((r) => (timer = setTimeout(r, 5_000)))]).catch(() => undefined);
      clearTimeout(timer);
    }
    s.commands.close();
  }

  private open(): Session {
    const timeout = this.options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    const s = {} as Session;
    s.reconnected = false;
    s.ended = false;
    s.commands = new RedisConnection(this.options.redis, {
      unreachableTimeoutMs: timeout,
      onStatus: this.options.onStatus,
      onReconnect: () => (s.reconnected = true),
    });
    s.reader = new RedisConnection(this.options.redis, { unreachableTimeoutMs: timeout });
    s.started = s.commands.run((r) => r.set(this.live, '1', 'PX', LIVE_MS));
    s.started.catch(() => undefined);
    s.refresh = setInterval(() => {
      void s.commands.run((r) => r.multi().pexpire(this.live, LIVE_MS).pexpire(this.results, this.ttlMs).exec()).catch(() => undefined);
    }, LIVE_MS / 4);
    s.refresh.unref();
    this.session = s;
    s.reading = this.readLoop(s);
    return s;
  }

  /** This session gave up on Redis: fail what waits; the next job opens a new session. */
  private end(s: Session, err?: unknown): void {
    if (s.ended) return;
    s.ended = true;
    clearInterval(s.refresh);
    if (this.session === s) this.session = undefined;
    s.commands.close();
    s.reader.close();
    if (err !== undefined) this.failAll(err);
  }

  private async add(s: Session, job: number): Promise<void> {
    await s.started;
    const p = this.pending.get(job);
    if (!p) return;
    const entry = await s.commands.run((r) =>
      r.xadd(jobsKey(this.prefix), '*', 'run', this.run, 'job', String(job), 'ttl', String(this.ttlMs), 'spec', JSON.stringify(p.spec)),
    );
    if (this.pending.get(job) === p) p.entry = entry ?? undefined;
    else if (entry) await s.commands.run((r) => r.xdel(jobsKey(this.prefix), entry)); // cancelled meanwhile
  }

  private async readLoop(s: Session): Promise<void> {
    let lastId = '0-0';
    while (!s.ended) {
      if (s.reconnected) {
        s.reconnected = false;
        try {
          await this.resumeAfterRestart(s);
        } catch (err) {
          if (s.commands.gaveUp) return this.end(s, err);
        }
        lastId = '0-0';
      }
      let read: [Buffer, BufferEntry[]][] | null;
      try {
        read = (await s.reader.run((r) => r.xreadBuffer('COUNT', 256, 'BLOCK', 500, 'STREAMS', this.results, lastId))) as typeof read;
      } catch (err) {
        if (s.ended) return;
        if (s.reader.gaveUp) return this.end(s, err);
        continue; // the connection dropped under the blocking read: it is sent again once Redis is back
      }
      const entries = read?.[0]?.[1] ?? [];
      const taken: string[] = [];
      for (const [id, flat] of entries) {
        lastId = id.toString();
        taken.push(lastId);
        this.take(entryFields(flat));
      }
      if (taken.length > 0) void s.commands.run((r) => r.xdel(this.results, ...taken)).catch(() => undefined);
      if (entries.length === 0 && this.pending.size > 0 && performance.now() - this.lastProgress > this.idleTimeoutMs)
        this.failAll(
          new Error(
            `distributed rollout ${this.run}: no result for ${this.idleTimeoutMs} ms (${this.pending.size} jobs pending); are workers running?`,
          ),
        );
    }
  }

  private take(fields: Map<string, Buffer>): void {
    const job = Number(fields.get('job')?.toString());
    const p = this.pending.get(job);
    if (!p) return; // duplicate delivery, or a job given up on
    this.pending.delete(job);
    this.lastProgress = performance.now();
    const error = fields.get('error');
    const chunk = fields.get('chunk');
    if (error || !chunk) {
      p.reject(new Error(`distributed rollout ${this.run}: group ${p.spec.group} failed on a worker: ${error?.toString() ?? 'no chunk'}`));
      return;
    }
    try {
      p.resolve(decodeChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), `result of group ${p.spec.group}`));
    } catch (err) {
      p.reject(err);
    }
  }

  /** Redis is back; if it lost the run (a restart without persistence), the pending jobs go again. */
  private async resumeAfterRestart(s: Session): Promise<void> {
    if (await s.commands.run((r) => r.exists(this.live))) return;
    await s.commands.run((r) => r.set(this.live, '1', 'PX', LIVE_MS));
    this.lastProgress = performance.now();
    await Promise.all([...this.pending.keys()].map((job) => this.add(s, job).catch((err) => this.failJob(job, err))));
  }

  private failJob(job: number, err: unknown): void {
    const p = this.pending.get(job);
    this.pending.delete(job);
    p?.reject(err);
  }

  private failAll(err: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
