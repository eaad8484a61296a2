// POST /v1/rollouts: the request body, checked field by field before any work starts.
//   { env, envOptions, groups, groupSize, seed, maxSteps, historyLength, policy, advantage,
//     assembly: { dropZeroVarianceGroups }, groupsPerJob, concurrentJobs }
import { resolveAdvantageOptions, type ResolvedAdvantageOptions } from '../../advantage/options.js';
import { createEnvBatch, type EnvOptions } from '../../envs/env-batch.js';
import { listEnvs } from '../../envs/registry.js';
import { boolean, describe, integer, object, optionalInteger, type JsonObject } from './body-fields.js';
import { asHttpError, badField } from './http-error.js';
import type { ServiceLimits } from './limits.js';
import { parsePolicySpec, type PolicySpec } from './policy-spec.js';

/** What every group job of a request shares. */
export interface GroupSetup {
  env: string;
  envOptions: EnvOptions;
  groupSize: number;
  seed: number;
  historyLength?: number;
  policy: PolicySpec;
  advantage: ResolvedAdvantageOptions;
  /** Groups per job (whole groups; one job runs under one policy version). Default: by policy kind. */
  groupsPerJob?: number;
  /** Jobs in flight at once. Default: by policy kind and threads. */
  concurrentJobs?: number;
}

export interface RolloutSpec extends GroupSetup {
  groups: number;
  dropZeroVarianceGroups: boolean;
}

export const SETUP_FIELDS = [
  'env',
  'envOptions',
  'groupSize',
  'seed',
  'maxSteps',
  'historyLength',
  'policy',
  'advantage',
  'groupsPerJob',
  'concurrentJobs',
] as const;
const ROLLOUT_FIELDS = [...SETUP_FIELDS, 'groups', 'assembly'] as const;

export function parseRolloutRequest(body: unknown, limits: ServiceLimits): RolloutSpec {
  const b = object(body, '', ROLLOUT_FIELDS);
  const setup = parseSetup(b, limits);
  const groups = integer(b.groups, 'groups', 1, limits.maxGroups);
  const assembly = object(b.assembly ?? {}, 'assembly', ['dropZeroVarianceGroups', 'targetRows', 'multipleOf', 'balance', 'seed']);
  for (const key of ['targetRows', 'multipleOf', 'balance', 'seed'])
    if (assembly[key] !== undefined)
      throw badField(
        `assembly.${key}`,
        'applies to a whole batch and cannot be streamed group by group; subsample or balance in the trainer',
      );
  return { ...setup, groups, dropZeroVarianceGroups: boolean(assembly.dropZeroVarianceGroups, 'assembly.dropZeroVarianceGroups', false) };
}

/** The fields a rollout and a stream share. */
export function parseSetup(b: JsonObject, limits: ServiceLimits): GroupSetup {
  const names = listEnvs().map((e) => e.name);
  if (typeof b.env !== 'string' || !names.includes(b.env))
    throw badField('env', `expected one of ${names.join(', ')}, got ${describe(b.env)}`);
  const env = b.env;
  const groupSize = integer(b.groupSize, 'groupSize', 1, limits.maxGroupSize);
  const seed = integer(b.seed, 'seed', 0, Number.MAX_SAFE_INTEGER, 0);
  const envOptions = parseEnvOptions(b.envOptions, env, optionalInteger(b.maxSteps, 'maxSteps', 1, 1 << 20));
  const historyLength = optionalInteger(b.historyLength, 'historyLength', 0, 1000);
  const policy = parsePolicySpec(b.policy, env);
  let advantage: ResolvedAdvantageOptions;
  try {
    advantage = resolveAdvantageOptions((b.advantage ?? {}) as never, 'advantage');
  } catch (err) {
    throw asHttpError(err);
  }
  return {
    env,
    envOptions,
    groupSize,
    seed,
    historyLength,
    policy,
    advantage,
    groupsPerJob: optionalInteger(b.groupsPerJob, 'groupsPerJob', 1, 4096),
    concurrentJobs: optionalInteger(b.concurrentJobs, 'concurrentJobs', 1, limits.maxConcurrentJobs),
  };
}

function parseEnvOptions(value: unknown, env: string, maxSteps: number | undefined): EnvOptions {
  const raw = object(value ?? {}, 'envOptions', Object.keys(value ?? {}));
  // A path in a request would make the server read any file the client names.
  if (raw.levels !== undefined) throw badField('envOptions.levels', 'level files are not read over HTTP; use generated levels');
  const options = { ...raw } as EnvOptions;
  if (maxSteps !== undefined) options.maxSteps = maxSteps;
  try {
    createEnvBatch({ env, numEnvs: 1, options });
  } catch (err) {
    const message = (err as Error).message;
    const m = /^options\.([A-Za-z0-9_]+): (.*)$/s.exec(message);
    if (m) throw badField(m[1] === 'maxSteps' && maxSteps !== undefined ? 'maxSteps' : `envOptions.${m[1]}`, m[2]);
    throw badField('envOptions', message);
  }
  return options;
}
