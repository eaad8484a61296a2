// The driver side of the Redis Streams protocol (protocol.ts) as a long-lived client: one
// run id and results stream, jobs submitted one at a time, each answered by its own
// promise as its result arrives. distributedCollect submits a whole rollout through it;
// the rollout service submits group jobs as its streams need them.
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

import { decodeChunk } from '../../io/msgpack-chunk.js';
import type { StepBatch } from '../../io/step-batch.js';
import { abortError } from '../engine.js';
import { entryFields, jobsKey, liveKey, resultsKey, type JobSpec } from './protocol.js';

export interface JobClientOptions {
  redis: string;
  prefix?: string;
  /** Fail the pending jobs when no result arrived for this long. Default 10 minutes. */
  idleTimeoutMs?: number;
}

const LIVE_MS = 30_000;

interface Pending {
  group: number;
  resolve: (batch: StepBatch) => void;
  reject: (err: unknown) => void;
}

export class DistributedJobClient {
  readonly run = randomUUID();
  private readonly prefix: string;
  private readonly results: string;
  private readonly live: string;
  private readonly idleTimeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private nextJob = 0;
  private lastProgress = performance.now();
  private closed = false;
  private readonly reading: Promise<void>;
  private readonly refresh: NodeJS.Timeout;

  private constructor(
    private readonly commands: Redis,
    private readonly reader: Redis,
    options: JobClientOptions,
  ) {
    this.prefix = options.prefix ?? 'gigpo';
    this.results = resultsKey(this.prefix, this.run);
    this.live = liveKey(this.prefix, this.run);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
    this.refresh = setInterval(() => void this.commands.pexpire(this.live, LIVE_MS).catch(() => undefined), LIVE_MS / 3);
    this.refresh.unref();
    this.reading = this.readLoop();
  }

  static async connect(options: JobClientOptions): Promise<DistributedJobClient> {
    const open = async () => {
      const r = new Redis(options.redis, { lazyConnect: true, maxRetriesPerRequest: 3 });
      await r.connect();
      return r;
    };
    const commands = await open();
    const reader = await open().catch((err) => {
      commands.disconnect();
      throw err;
    });
    const client = new DistributedJobClient(commands, reader, options);
    await commands.set(client.live, '1', 'PX', LIVE_MS);
    return client;
  }

  /** Runs one job (whole groups) on some worker; resolves with its batch. */
  submit(spec: JobSpec, signal?: AbortSignal): Promise<StepBatch> {
    if (this.closed) return Promise.reject(new Error('distributed job client is closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const job = this.nextJob++;
    return new Promise<StepBatch>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(job); // a late result is ignored like a duplicate
        reject(abortError(signal!.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      if (this.pending.size === 0) this.lastProgress = performance.now();
      this.pending.set(job, {
        group: spec.group,
        resolve: (b) => {
          done();
          resolve(b);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.commands.xadd(jobsKey(this.prefix), '*', 'run', this.run, 'job', String(job), 'spec', JSON.stringify(spec)).catch((err) => {
        this.pending.get(job)?.reject(err);
        this.pending.delete(job);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refresh);
    for (const p of this.pending.values()) p.reject(new Error('distributed job client closed'));
    this.pending.clear();
    this.reader.disconnect();
    await this.reading;
    await this.commands.del(this.results, this.live).catch(() => undefined);
    this.commands.disconnect();
  }

  private async readLoop(): Promise<void> {
    let lastId = '0-0';
    while (!this.closed) {
      let read: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        read = (await this.reader.xreadBuffer('COUNT', 256, 'BLOCK', 500, 'STREAMS', this.results, lastId)) as typeof read;
      } catch (err) {
        if (this.closed) return;
        this.failAll(new Error(`distributed rollout ${this.run}: reading results failed: ${(err as Error).message}`));
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const entries = read?.[0]?.[1] ?? [];
      for (const [id, flat] of entries) {
        lastId = id.toString();
        const fields = entryFields(flat);
        const job = Number(fields.get('job')?.toString());
        const p = this.pending.get(job);
        if (!p) continue; // duplicate delivery, or a job given up on
        this.pending.delete(job);
        this.lastProgress = performance.now();
        const error = fields.get('error');
        const chunk = fields.get('chunk');
        if (error || !chunk) {
          p.reject(new Error(`distributed rollout ${this.run}: group ${p.group} failed on a worker: ${error?.toString() ?? 'no chunk'}`));
          continue;
        }
        try {
          p.resolve(decodeChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), `result of group ${p.group}`));
        } catch (err) {
          p.reject(err);
        }
      }
      if (entries.length === 0 && this.pending.size > 0 && performance.now() - this.lastProgress > this.idleTimeoutMs)
        this.failAll(new Error(`distributed rollout ${this.run}: no result for ${this.idleTimeoutMs} ms (${this.pending.size} jobs pending); are workers running?`));
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
