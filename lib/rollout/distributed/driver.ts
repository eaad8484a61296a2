// The driver side of a distributed rollout: one job per task group goes to Redis, workers
// anywhere run them, and the results are merged in group order. Delivery is at least once;
// the first result per job wins, so the batch equals a local RolloutEngine.collect.
//
// Run lifecycle: a run has an id (new, or `run` to continue one). Results already in its
// results stream count (a resumed run runs only the missing groups). When the call ends
// its queued jobs are deleted; on success the results are deleted too (unless
// keepResults), on a failure the whole run is, and on an abort (a signal) the results stay
// for resultTtlMs so the run can be continued. Workers drop jobs of runs whose live key
// has expired (10 s after the driver stopped refreshing it).
//
// Redis outages: the driver waits up to redisTimeoutMs for Redis (at the start and during
// the run), then fails with RedisUnreachableError ("redis at URL is unreachable"). If Redis
// came back without the run's data (a restart), the missing jobs are submitted again.
import { randomUUID } from 'node:crypto';

import { GigpoArgumentError } from '../../errors.js';
import { concatStepBatches } from '../../io/concat.js';
import { decodeChunk } from '../../io/msgpack-chunk.js';
import { REMOTE_ENV } from '../remote-rollout.js';
import type { StepBatch } from '../../io/step-batch.js';
import { abortError, type CollectOptions } from '../engine.js';
import { finishRollout, policyLabel, profileOf } from '../rollout-meta.js';
import { RedisConnection } from './connection.js';
import { DEFAULT_RESULT_TTL_MS, entryFields, jobsKey, liveKey, resultsKey, type JobSpec } from './protocol.js';

export interface DistributedCollectOptions extends Omit<CollectOptions, 'cancelFlag' | 'historyLength'> {
  redis: string;
  prefix?: string;
  /** Give up when no result arrived for this long. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Continue this run (its results in Redis are used; only missing groups run). Default: a new run. */
  run?: string;
  /** Keep the run's results in Redis after success (one run spread over several calls). Default false. */
  keepResults?: boolean;
  /** How long results outlive their last refresh, for continuing a stopped run. Default 1 hour. */
  resultTtlMs?: number;
  /** Fail after Redis has been unreachable this long. Default 30 s. */
  redisTimeoutMs?: number;
  /** The run id and how many of its groups were already done, before any job is submitted. */
  onRun?: (info: { run: string; resumed: number }) => void;
  /** Redis outage and recovery messages. */
  onStatus?: (message: string) => void;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 30_000;
/** Expiry of the live key; the driver refreshes it every LIVE_MS / 4. */
const LIVE_MS = 10_000;

type BufferEntry = [Buffer, Buffer[]];

export async function distributedCollect(options: DistributedCollectOptions): Promise<StepBatch> {
  const policy = options.policy;
  if (policy?.kind !== 'native')
    throw new GigpoArgumentError('policy', 'distributed rollouts take native policies (randomPolicy(), oraclePolicy())');
  if (options.env === REMOTE_ENV)
    throw new GigpoArgumentError(
      'env',
      "'remote': distributed rollouts step native envs; roll remote envs out with RolloutEngine.collect (a text policy)",
    );
  if (!Number.isInteger(options.groups) || options.groups < 1)
    throw new GigpoArgumentError('groups', `expected an integer >= 1, got ${String(options.groups)}`);
  if (options.run !== undefined && (typeof options.run !== 'string' || !/^[\w.:-]{1,128}$/.test(options.run)))
    throw new GigpoArgumentError('run', `expected a run id (letters, digits, _ . : -), got ${String(options.run)}`);
  if (options.signal?.aborted) throw abortError(options.signal.reason);
  const prefix = options.prefix ?? 'gigpo';
  const run = options.run ?? randomUUID();
  const results = resultsKey(prefix, run);
  const live = liveKey(prefix, run);
  const idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
  const ttlMs = options.resultTtlMs ?? DEFAULT_RESULT_TTL_MS;
  const firstGroup = options.firstGroup ?? 0;
  let reconnected = false;
  const conn = new RedisConnection(options.redis, {
    unreachableTimeoutMs: options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
    onStatus: options.onStatus,
    onReconnect: () => (reconnected = true),
  });
  const started = performance.now();
  const shards = new Array<StepBatch | undefined>(options.groups);
  let received = 0;
  const jobIds: string[] = [];
  let ok = false;
  const take = (entries: BufferEntry[]): string | undefined => {
    let last: string | undefined;
    for (const [id, flat] of entries) {
      last = id.toString();
      const fields = entryFields(flat);
      const g = Number(fields.get('job')?.toString()) - firstGroup; // job ids are absolute group numbers
      if (!(g >= 0 && g < options.groups) || shards[g]) continue; // another call's group, or a duplicate
      const error = fields.get('error');
      if (error) throw new Error(`distributed rollout ${run}: group ${firstGroup + g} failed on a worker: ${error.toString()}`);
      const chunk = fields.get('chunk');
      if (!chunk) continue;
      shards[g] = decodeChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), `result of group ${firstGroup + g}`);
      received++;
    }
    return last;
  };
  const submitMissing = async () => {
    const missing: number[] = [];
    for (let g = 0; g < options.groups; g++) if (!shards[g]) missing.push(firstGroup + g);
    const spec = (group: number): JobSpec => ({
      env: options.env,
      envOptions: options.envOptions,
      groupSize: options.groupSize,
      group,
      maxSteps: options.maxSteps,
      seed: options.seed ?? 0,
      actionSeed: options.actionSeed,
      policy,
      ...(options.anchor !== undefined ? { anchor: options.anchor } : {}),
    });
    const ids = await conn.pipeline(
      missing.map(
        (group) => (p) =>
          p.xadd(jobsKey(prefix), '*', 'run', run, 'job', String(group), 'ttl', String(ttlMs), 'spec', JSON.stringify(spec(group))),
      ),
    );
    for (const id of ids) jobIds.push(String(id));
  };
  try {
    await conn.ready();
    await conn.run((r) => r.set(live, '1', 'PX', LIVE_MS));
    // Results already there (a continued run, or an earlier call of the same run).
    let lastId = '0-0';
    for (let from = '-'; ; ) {
      const page = (await conn.run((r) => r.xrangeBuffer(results, from, '+', 'COUNT', 64))) as BufferEntry[];
      if (page.length === 0) break;
      lastId = take(page)!;
      from = `(${lastId}`;
    }
    options.onRun?.({ run, resumed: received });
    await submitMissing();
    let lastProgress = performance.now();
    let refreshed = performance.now();
    while (received < options.groups) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      if (reconnected) {
        reconnected = false;
        // Redis came back; if it lost the run (a restart without persistence), start the missing jobs again.
        if (!(await conn.run((r) => r.exists(live)))) {
          await conn.run((r) => r.set(live, '1', 'PX', LIVE_MS));
          lastId = '0-0';
          await submitMissing();
        }
      }
      if (performance.now() - refreshed > LIVE_MS / 4) {
        await conn.run((r) => r.multi().pexpire(live, LIVE_MS).pexpire(results, ttlMs).exec());
        refreshed = performance.now();
      }
      let read: [Buffer, BufferEntry[]][] | null;
      try {
        read = (await conn.run((r) => r.xreadBuffer('COUNT', 256, 'BLOCK', 500, 'STREAMS', results, lastId))) as typeof read;
      } catch (err) {
        if (options.signal?.aborted) throw abortError(options.signal.reason);
        if (conn.gaveUp) throw err;
        continue; // the connection dropped under the blocking read: it is sent again once Redis is back
      }
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0 && performance.now() - lastProgress > idleTimeoutMs)
        throw new Error(
          `distributed rollout ${run}: no result for ${idleTimeoutMs} ms (${received}/${options.groups} groups done); are workers running?`,
        );
      const before = received;
      lastId = take(entries) ?? lastId;
      if (received > before) {
        lastProgress = performance.now();
        options.onProgress?.({
          step: -1,
          activeEnvs: (options.groups - received) * options.groupSize,
          rows: 0,
          elapsedMs: lastProgress - started,
        });
      }
    }
    ok = true;
    const merged = concatStepBatches(shards as StepBatch[]);
    const seconds = (performance.now() - started) / 1000;
    finishRollout(
      merged,
      {
        env: options.env,
        ...profileOf(options.envOptions),
        seed: options.seed ?? 0,
        groupSize: options.groupSize,
        policy: policyLabel(policy),
      },
      seconds,
      [],
    );
    return merged;
  } finally {
    if (!conn.gaveUp)
      await endCall(conn, {
        prefix,
        run,
        jobIds,
        ok,
        aborted: options.signal?.aborted === true,
        keepResults: options.keepResults === true,
      });
    conn.close();
  }
}

/**
 * Clean-up when a call ends: its queued jobs go; the results stay (with their expiry) after
 * an abort or when kept, and go with the live key otherwise. Bounded: a Redis that went away
 * meanwhile leaves the rest to the expiries.
 */
async function endCall(
  conn: RedisConnection,
  c: { prefix: string; run: string; jobIds: string[]; ok: boolean; aborted: boolean; keepResults: boolean },
): Promise<void> {
  const cleanup = async () => {
    const m = conn.redis.multi();
    if (c.jobIds.length > 0) m.xdel(jobsKey(c.prefix), ...c.jobIds);
    if (c.aborted) m.del(liveKey(c.prefix, c.run));
    else if (!(c.ok && c.keepResults)) m.del(resultsKey(c.prefix, c.run), liveKey(c.prefix, c.run));
    await m.exec();
  };
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([cleanup(), new Promise((r) => (timer = setTimeout(r, 5_000)))]).catch(() => undefined);
  clearTimeout(timer);
}

/** Deletes what a run left in Redis (its results and live key), e.g. after the last of several keepResults calls. */
export async function endDistributedRun(options: { redis: string; prefix?: string; run: string }): Promise<void> {
  const prefix = options.prefix ?? 'gigpo';
  const conn = new RedisConnection(options.redis, { unreachableTimeoutMs: DEFAULT_REDIS_TIMEOUT_MS });
  try {
    await conn.run((r) => r.del(resultsKey(prefix, options.run), liveKey(prefix, options.run)));
  } finally {
    conn.close();
  }
}
