// The Redis Streams protocol between a rollout driver and its workers.
//
//   <prefix>:jobs            one entry per job: { run, job, spec, ttl }, read by the consumer
//                            group `workers` (at-least-once; a crashed worker's pending
//                            jobs are reclaimed with XAUTOCLAIM after `claimIdleMs`, and a
//                            running job's worker renews its claim); an entry is deleted
//                            when its job is done, dropped, or cancelled by its driver
//   <prefix>:results:<run>   one entry per finished job: { job, chunk } (a columnar msgpack
//                            chunk), or { job, error } when the job failed for good. It
//                            expires `ttl` ms after the last write or refresh (kept for
//                            --resume of a cancelled or dead run), and is deleted when the
//                            run ends
//   <prefix>:live:<run>      set (with a short expiry the driver keeps refreshing) while the
//                            driver waits; jobs of a run without it are dropped
//
// A job is whole task groups (one by default), so anchor grouping never crosses machines. The driver keeps
// the first result per job id and ignores duplicates from re-delivered jobs.
import { GigpoArgumentError } from '../../errors.js';
import type { EnvOptions } from '../../envs/env-batch.js';
import type { NativePolicy } from '../../policy/types.js';
import type { AnchorSource } from '../anchor-source.js';

export const WORKER_GROUP = 'workers';

/** How long the results of a run outlive their last write or refresh. Default 1 hour. */
export const DEFAULT_RESULT_TTL_MS = 3_600_000;

/** What a worker needs to run one job: plain JSON. */
export interface JobSpec {
  env: string;
  envOptions?: EnvOptions;
  groupSize: number;
  /** First task group of the job. */
  group: number;
  /** Groups in the job (default 1). */
  groups?: number;
  maxSteps?: number;
  seed: number;
  /** Seed of the native policy's draws (default: seed). */
  actionSeed?: number;
  policy: NativePolicy;
  /** Absent = 'observation'. */
  anchor?: AnchorSource;
}

export function jobsKey(prefix: string): string {
  return `${prefix}:jobs`;
}

export function resultsKey(prefix: string, run: string): string {
  return `${prefix}:results:${run}`;
}

/** Exists while the driver of `run` waits for results; workers skip jobs of dead runs. */
export function liveKey(prefix: string, run: string): string {
  return `${prefix}:live:${run}`;
}

export function parseJobSpec(text: string, where: string): JobSpec {
  let spec: JobSpec;
  try {
    spec = JSON.parse(text) as JobSpec;
  } catch {
    throw new GigpoArgumentError(where, 'job spec is not valid JSON');
  }
  if (!spec || typeof spec.env !== 'string' || !Number.isInteger(spec.group) || !Number.isInteger(spec.groupSize))
    throw new GigpoArgumentError(where, 'job spec lacks env, group or groupSize');
  if (spec.groups !== undefined && (!Number.isInteger(spec.groups) || spec.groups < 1 || spec.groups > 65536))
    throw new GigpoArgumentError(where, 'job spec groups must be an integer in [1, 65536]');
  if (spec.policy?.kind !== 'native') throw new GigpoArgumentError(where, 'distributed rollouts take native policies (random, oracle)');
  return spec;
}

/** Fields of a stream entry as a map (ioredis returns a flat [k, v, k, v] list). */
export function entryFields<T extends string | Buffer>(flat: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i].toString(), flat[i + 1]);
  return out;
}
