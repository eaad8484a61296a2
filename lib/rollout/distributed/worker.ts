// A distributed rollout worker: pulls group jobs from Redis Streams, runs each with the
// RolloutEngine, pushes the columnar batch back and acknowledges the job.
//
// Reclaiming: a job pending with a consumer for claimIdleMs is taken over by the next
// worker that looks (XAUTOCLAIM before each blocking read of blockMs). While a job runs its
// worker re-claims it every heartbeatMs (XCLAIM by its owner resets the idle time), so only
// a worker that stopped answering loses its job. Defaults: 5 s idle, 1 s reads, so a killed
// worker's job runs elsewhere within about 6 s. The trade-off: a job whose rollout keeps the
// event loop busy (native policies run a group synchronously) for longer than claimIdleMs
// looks dead and is run twice (the driver keeps one result); raise claimIdleMs for groups
// that take seconds.
//
// Redis outages: the worker waits for Redis (reconnecting with backoff), says so once, and
// resumes; after a Redis restart that lost the stream it recreates the consumer group.
import { hostname } from 'node:os';

import { encodeChunk } from '../../io/msgpack-chunk.js';
import { RolloutEngine } from '../engine.js';
import { RedisConnection } from './connection.js';
import { DEFAULT_RESULT_TTL_MS, entryFields, jobsKey, liveKey, parseJobSpec, resultsKey, WORKER_GROUP } from './protocol.js';

export interface WorkerOptions {
  /** redis://host:port/db */
  redis: string;
  /** Key prefix shared with the driver. Default `gigpo`. */
  prefix?: string;
  /** Consumer name; default host:pid. */
  name?: string;
  /** Pending jobs idle this long are taken over from their (presumed dead) consumer. Default 5 s. */
  claimIdleMs?: number;
  /** How often a running job's claim is renewed. Default claimIdleMs / 5. */
  heartbeatMs?: number;
  /** How long one blocking read waits before checking for reclaimable jobs. Default 1 s. */
  blockMs?: number;
  /** Stop after this many jobs (tests, one-shot workers). Default: run until aborted. */
  maxJobs?: number;
  signal?: AbortSignal;
  onJob?: (info: { run: string; job: number; rows: number; ms: number; reclaimed: boolean }) => void;
  /** Redis outage and recovery messages. */
  onStatus?: (message: string) => void;
}

export const DEFAULT_CLAIM_IDLE_MS = 5_000;

type Entry = [id: string, fields: string[]];

export async function runWorker(options: WorkerOptions): Promise<{ jobs: number }> {
  const prefix = options.prefix ?? 'gigpo';
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const claimIdleMs = options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(claimIdleMs / 5));
  const blockMs = options.blockMs ?? 1_000;
  const jobs = jobsKey(prefix);
  const conn = new RedisConnection(options.redis, { onStatus: options.onStatus, name: name.replace(/[^\x21-\x7e]/g, '_') });
  const onAbort = () => conn.close(); // wakes a blocking read or a wait for Redis
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const engine = new RolloutEngine();
  let done = 0;
  const ensureGroup = async () => {
    try {
      await conn.run((r) => r.xgroup('CREATE', jobs, WORKER_GROUP, '0', 'MKSTREAM'));
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  };
  try {
    await ensureGroup();
    while (!options.signal?.aborted && (options.maxJobs === undefined || done < options.maxJobs)) {
      let entry: Entry | undefined;
      let reclaimed = false;
      try {
        const claimed = (await conn.run((r) => r.xautoclaim(jobs, WORKER_GROUP, name, claimIdleMs, '0-0', 'COUNT', 1))) as [
          string,
          Entry[],
        ];
        entry = claimed[1].find((e) => e?.[1]);
        reclaimed = entry !== undefined;
        if (!entry) {
          const read = (await conn.run((r) =>
            r.xreadgroup('GROUP', WORKER_GROUP, name, 'COUNT', 1, 'BLOCK', blockMs, 'STREAMS', jobs, '>'),
          )) as [string, Entry[]][] | null;
          entry = read?.[0]?.[1]?.[0];
        }
      } catch (err) {
        if (options.signal?.aborted) break;
        // A Redis restarted without its data has no stream or group: make them again.
        if (String((err as Error).message).includes('NOGROUP')) {
          await ensureGroup();
          continue;
        }
        throw err;
      }
      if (!entry) continue;
      const [id, flat] = entry;
      const fields = entryFields(flat);
      const run = fields.get('run') ?? '';
      const job = Number(fields.get('job'));
      const ttlMs = Number(fields.get('ttl')) || DEFAULT_RESULT_TTL_MS;
      const started = performance.now();
      let rows = 0;
      const finish = () => conn.run((r) => r.multi().xack(jobs, WORKER_GROUP, id).xdel(jobs, id).exec());
      if (!(await conn.run((r) => r.exists(liveKey(prefix, run))))) {
        await finish();
        continue; // its driver is gone, or cancelled the run
      }
      const heartbeat = setInterval(() => {
        conn.run((r) => r.xclaim(jobs, WORKER_GROUP, name, 0, id, 'JUSTID')).catch(() => undefined);
      }, heartbeatMs);
      let result: [string, Buffer | string];
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
        result = ['chunk', Buffer.from(encodeChunk(batch))];
      } catch (err) {
        // A job that cannot run (bad spec, unknown env) fails the same way everywhere: report it.
        result = ['error', (err as Error).message];
      }
      try {
        // The results stream expires unless its driver keeps it: an abandoned run leaves nothing for ever.
        const results = resultsKey(prefix, run);
        await conn.run((r) => r.multi().xadd(results, '*', 'job', String(job), result[0], result[1]).pexpire(results, ttlMs).exec());
        await finish();
      } finally {
        clearInterval(heartbeat);
      }
      done++;
      options.onJob?.({ run, job, rows, ms: performance.now() - started, reclaimed });
    }
  } catch (err) {
    if (!options.signal?.aborted) throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    conn.close();
  }
  return { jobs: done };
}
