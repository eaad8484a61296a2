// A distributed rollout worker: pulls group jobs from Redis Streams, runs each with the
// RolloutEngine, pushes the columnar batch back and acknowledges the job. Jobs left
// pending by a crashed worker are reclaimed with XAUTOCLAIM once idle for claimIdleMs.
import { Redis } from 'ioredis';
import { hostname } from 'node:os';

import { encodeChunk } from '../../io/msgpack-chunk.js';
import { RolloutEngine } from '../engine.js';
import { entryFields, jobsKey, liveKey, parseJobSpec, resultsKey, WORKER_GROUP } from './protocol.js';

export interface WorkerOptions {
  /** redis://host:port/db */
  redis: string;
  /** Key prefix shared with the driver. Default `gigpo`. */
  prefix?: string;
  /** Consumer name; default host:pid. */
  name?: string;
  /** Pending jobs idle this long are taken over from their (presumed dead) consumer. Default 60 s. */
  claimIdleMs?: number;
  /** How long one blocking read waits before checking for reclaimable jobs. Default 2 s. */
  blockMs?: number;
  /** Stop after this many jobs (tests, one-shot workers). Default: run until aborted. */
  maxJobs?: number;
  signal?: AbortSignal;
  onJob?: (info: { run: string; job: number; rows: number; ms: number }) => void;
}

type Entry = [id: string, fields: string[]];

export async function runWorker(options: WorkerOptions): Promise<{ jobs: number }> {
  const prefix = options.prefix ?? 'gigpo';
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const claimIdleMs = options.claimIdleMs ?? 60_000;
  const blockMs = options.blockMs ?? 2_000;
  const jobs = jobsKey(prefix);
  const redis = new Redis(options.redis, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const engine = new RolloutEngine();
  let done = 0;
  try {
    try {
      await redis.xgroup('CREATE', jobs, WORKER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    while (!options.signal?.aborted && (options.maxJobs === undefined || done < options.maxJobs)) {
      const claimed = (await redis.xautoclaim(jobs, WORKER_GROUP, name, claimIdleMs, '0-0', 'COUNT', 1)) as [string, Entry[]];
      let entry: Entry | undefined = claimed[1].find((e) => e && e[1]);
      if (!entry) {
        const read = (await redis.xreadgroup('GROUP', WORKER_GROUP, name, 'COUNT', 1, 'BLOCK', blockMs, 'STREAMS', jobs, '>')) as
          | [string, Entry[]][]
          | null;
        entry = read?.[0]?.[1]?.[0];
      }
      if (!entry) continue;
      const [id, flat] = entry;
      const fields = entryFields(flat);
      const run = fields.get('run') ?? '';
      const job = Number(fields.get('job'));
      const started = performance.now();
      let rows = 0;
      if (!(await redis.exists(liveKey(prefix, run)))) {
        await redis.xack(jobs, WORKER_GROUP, id);
        await redis.xdel(jobs, id);
        continue; // its driver is gone
      }
      try {
        const spec = parseJobSpec(fields.get('spec') ?? '', `job ${id}`);
        const batch = await engine.collect({
          env: spec.env,
          envOptions: spec.envOptions,
          groups: spec.groups ?? 1,
          groupSize: spec.groupSize,
          firstGroup: spec.group,
          maxSteps: spec.maxSteps,
          seed: spec.seed,
          actionSeed: spec.actionSeed,
          anchor: spec.anchor,
          policy: spec.policy,
        });
        rows = batch.numRows;
        await redis.xadd(resultsKey(prefix, run), '*', 'job', String(job), 'chunk', Buffer.from(encodeChunk(batch)));
      } catch (err) {
        // A job that cannot run (bad spec, unknown env) fails the same way everywhere: report it.
        await redis.xadd(resultsKey(prefix, run), '*', 'job', String(job), 'error', (err as Error).message);
      }
      await redis.xack(jobs, WORKER_GROUP, id);
      await redis.xdel(jobs, id);
      done++;
      options.onJob?.({ run, job, rows, ms: performance.now() - started });
    }
  } finally {
    redis.disconnect();
  }
  return { jobs: done };
}
