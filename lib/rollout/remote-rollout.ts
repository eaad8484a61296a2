// env 'remote' in RolloutEngine.collect: the envs are sessions on an OpenEnv or AgentGym server
// (lib/envs/remote/), driven by a text policy through collectText. Group g of one collect() call
// plays remote.tasks[g] (default: its global group number, firstGroup + g); every member of the
// group resets to that task. A session that fails ends its trajectory ('env-error') and drops
// its group; meta.remote tells the server, the calls repeated and the kinds of failure.
import type { RemoteEnvFailure } from '../envs/remote/errors.js';
import { resolveRemoteOptions, type RemoteEnvOptions, type RemoteProtocol, type ResolvedRemoteOptions } from '../envs/remote/options.js';
import { openRemoteEnvs, type RemoteTextEnvs } from '../envs/remote/remote-text-envs.js';
import { GigpoArgumentError } from '../errors.js';

export const REMOTE_ENV = 'remote';

/** What meta.remote says about a remote rollout. */
export interface RemoteRunInfo {
  url: string;
  protocol: RemoteProtocol;
  /** The task of each group, in group order. */
  tasks: number[];
  /** Env server calls repeated after a failure. */
  retries: number;
  /** Envs whose session failed, by the kind of their failure (RemoteEnvError.kind). */
  failures: Partial<Record<RemoteEnvFailure, number>>;
}

export interface RemoteLayoutOptions {
  remote?: RemoteEnvOptions;
  groups: number;
  groupSize: number;
  firstGroup?: number;
  maxSteps?: number;
  envOptions?: unknown;
  signal?: AbortSignal;
}

/** Checks the options of an env 'remote' rollout and resolves the remote ones (typed errors). */
export function remoteOptionsOf(o: RemoteLayoutOptions): ResolvedRemoteOptions {
  if (o.envOptions !== undefined && Object.keys(o.envOptions as object).length > 0)
    throw new GigpoArgumentError('envOptions', "do not apply to env 'remote' (the server chose its env's options)");
  const remote = o.remote;
  if (remote === null || typeof remote !== 'object')
    throw new GigpoArgumentError('remote', "expected { url, protocol, tasks } for env 'remote'");
  if (o.maxSteps !== undefined && remote.maxSteps !== undefined && remote.maxSteps !== o.maxSteps)
    throw new GigpoArgumentError('maxSteps', `${o.maxSteps} disagrees with remote.maxSteps ${remote.maxSteps}: give one`);
  return resolveRemoteOptions({ ...remote, maxSteps: remote.maxSteps ?? o.maxSteps }, o.groups, o.firstGroup ?? 0);
}

export function openRemoteRollout(resolved: ResolvedRemoteOptions, o: RemoteLayoutOptions): Promise<RemoteTextEnvs> {
  return openRemoteEnvs(resolved, { groups: o.groups, groupSize: o.groupSize, firstGroup: o.firstGroup ?? 0 }, o.signal);
}

export function remoteRunInfo(resolved: ResolvedRemoteOptions, envs: RemoteTextEnvs): RemoteRunInfo {
  const failures: Partial<Record<RemoteEnvFailure, number>> = {};
  for (const err of envs.failures.values()) failures[err.kind] = (failures[err.kind] ?? 0) + 1;
  return { url: resolved.url, protocol: resolved.protocol, tasks: resolved.tasks, retries: envs.retries, failures };
}
