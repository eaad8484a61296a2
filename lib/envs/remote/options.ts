// Options of remote envs (clients of OpenEnv / AgentGym env servers), with their defaults.
import { GigpoArgumentError } from '../../errors.js';
import { promptSpec, REMOTE_PROMPT } from '../prompts.js';

export type RemoteProtocol = 'openenv' | 'agentgym';
export const REMOTE_PROTOCOLS: readonly RemoteProtocol[] = ['openenv', 'agentgym'];

/** 'raw': the policy's whole answer is sent (our serve-env parses <action>...</action>); 'extract': only the text inside its last <action>...</action> (real AgentGym servers take bare commands). */
export type RemoteActionFormat = 'raw' | 'extract';

export interface RemoteEnvOptions {
  /** Server base URL, e.g. http://127.0.0.1:8000 (ws:// is derived for OpenEnv). */
  url: string;
  protocol: RemoteProtocol;
  /** Task of each group (AgentGym data_idx / OpenEnv seed): an array or a range list "0-63,100". Default: each group's global number. */
  tasks?: readonly number[] | string;
  /** Name of the prompt template (a native env name such as 'household'), default 'remote'. */
  envName?: string;
  actionFormat?: RemoteActionFormat;
  /** Step limit per trajectory (the server may end episodes earlier). Default 50. */
  maxSteps?: number;
  /** Env server calls in flight at most. Default 64. */
  concurrency?: number;
  /** Per-call timeout. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts for calls that are safe to repeat (connect, create, reset; a step only when it never reached the server). Default 3. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Wall-clock limit of one episode, from its reset. Default 10 min. */
  episodeTimeMs?: number;
}

export interface ResolvedRemoteOptions extends Required<Omit<RemoteEnvOptions, 'tasks'>> {
  tasks: number[];
}

/** "0-3,7" -> [0, 1, 2, 3, 7]. */
export function parseTaskList(text: string, path = 'tasks'): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m)
      throw new GigpoArgumentError(path, `expected a list of task indices and ranges such as "0-63,100", got ${JSON.stringify(text)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 1 << 24) throw new GigpoArgumentError(path, `bad range "${part.trim()}"`);
    for (let t = from; t <= to; t++) out.push(t);
  }
  return out;
}

function positiveInteger(o: RemoteEnvOptions, name: keyof RemoteEnvOptions, fallback: number, min = 1): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new GigpoArgumentError(`remote.${name}`, `expected an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** `firstGroup`: the global number of the first group (a shard); group g plays task firstGroup + g unless `tasks` says otherwise. */
export function resolveRemoteOptions(o: RemoteEnvOptions | undefined, groups: number, firstGroup = 0): ResolvedRemoteOptions {
  if (o === null || typeof o !== 'object') throw new GigpoArgumentError('remote', 'expected { url, protocol, tasks } for env "remote"');
  let url: URL;
  try {
    url = new URL(String(o.url));
  } catch {
    throw new GigpoArgumentError('remote.url', `expected an http:// or https:// URL, got ${JSON.stringify(o.url)}`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    throw new GigpoArgumentError('remote.url', `expected an http(s):// URL, got ${JSON.stringify(o.url)}`);
  if (!REMOTE_PROTOCOLS.includes(o.protocol))
    throw new GigpoArgumentError('remote.protocol', `expected 'openenv' or 'agentgym', got ${JSON.stringify(o.protocol)}`);
  const tasks =
    o.tasks === undefined
      ? Array.from({ length: groups }, (_, g) => firstGroup + g)
      : typeof o.tasks === 'string'
        ? parseTaskList(o.tasks, 'remote.tasks')
        : [...o.tasks];
  if (tasks.length !== groups) throw new GigpoArgumentError('remote.tasks', `expected one task per group (${groups}), got ${tasks.length}`);
  for (const [k, t] of tasks.entries())
    if (!Number.isInteger(t) || t < 0 || t > 0xffff_ffff)
      throw new GigpoArgumentError(`remote.tasks[${k}]`, `expected an integer in [0, 4294967295], got ${String(t)}`);
  const actionFormat = o.actionFormat ?? 'raw';
  if (actionFormat !== 'raw' && actionFormat !== 'extract')
    throw new GigpoArgumentError('remote.actionFormat', `expected 'raw' or 'extract', got ${JSON.stringify(actionFormat)}`);
  if (o.envName !== undefined) {
    if (typeof o.envName !== 'string') throw new GigpoArgumentError('remote.envName', 'expected a string');
    try {
      promptSpec(o.envName);
    } catch {
      throw new GigpoArgumentError(
        'remote.envName',
        `expected '${REMOTE_PROMPT}' or a native env's name (see gigpo envs), got ${JSON.stringify(o.envName)}`,
      );
    }
  }
  return {
    url: url.href.replace(/\/$/, ''),
    protocol: o.protocol,
    tasks,
    envName: o.envName ?? REMOTE_PROMPT,
    actionFormat,
    maxSteps: positiveInteger(o, 'maxSteps', 50),
    concurrency: positiveInteger(o, 'concurrency', 64),
    timeoutMs: positiveInteger(o, 'timeoutMs', 30_000),
    retries: positiveInteger(o, 'retries', 3, 0),
    backoffBaseMs: positiveInteger(o, 'backoffBaseMs', 100, 0),
    backoffMaxMs: positiveInteger(o, 'backoffMaxMs', 5_000, 0),
    episodeTimeMs: positiveInteger(o, 'episodeTimeMs', 600_000),
  };
}
