// The flags of `gigpo rollout --env remote` (sessions on an OpenEnv or AgentGym server): their
// definitions, the rollout flags they rule out, and the RemoteEnvOptions they make. Every
// mismatch is a usage error (exit code 2), found before any output is opened.
import { Option, type Command } from 'commander';

import {
  parseTaskList,
  type RemoteActionFormat,
  type RemoteEnvOptions,
  type RemoteProtocol,
  resolveRemoteOptions,
} from '../envs/remote/options.js';
import { GigpoArgumentError } from '../errors.js';
import { parseInteger, UsageError } from './options.js';

export interface RemoteFlags {
  envUrl?: string;
  protocol?: RemoteProtocol;
  tasks?: string;
  remoteTimeoutMs?: number;
  remoteRetries?: number;
  remoteConcurrency?: number;
  episodeTimeMs?: number;
  actionFormat?: RemoteActionFormat;
  remoteEnvName?: string;
}

/** Option attribute -> flag, for the flags that apply to --env remote only. */
const REMOTE_FLAGS: Record<keyof RemoteFlags, string> = {
  envUrl: '--env-url',
  protocol: '--protocol',
  tasks: '--tasks',
  remoteTimeoutMs: '--remote-timeout-ms',
  remoteRetries: '--remote-retries',
  remoteConcurrency: '--remote-concurrency',
  episodeTimeMs: '--episode-time-ms',
  actionFormat: '--action-format',
  remoteEnvName: '--remote-env-name',
};

/** Rollout flags --env remote refuses, and why (the server decides what they would). */
const NOT_REMOTE: Record<string, [flag: string, why: string]> = {
  option: ['--option', 'the server chose its env options (gigpo serve-env --option)'],
  levels: ['--levels', 'the server chose its levels (gigpo serve-env --levels)'],
  seed: ['--seed', "the server's seed and --tasks choose the start states"],
  anchor: ['--anchor', "remote envs anchor on the server's state hash or the observation"],
};

/** Remote options' paths -> the flags that set them, for error messages. */
const FIELD_FLAGS: Record<string, string> = {
  'remote.url': '--env-url',
  'remote.protocol': '--protocol',
  'remote.tasks': '--tasks',
  'remote.envName': '--remote-env-name',
  'remote.maxSteps': '--max-steps',
};

export function addRemoteOptions(command: Command): Command {
  return command
    .option('--env-url <url>', 'remote: base URL of the OpenEnv or AgentGym env server, e.g. http://127.0.0.1:36001')
    .addOption(new Option('--protocol <p>', "remote: the server's protocol").choices(['openenv', 'agentgym']))
    .option('--tasks <list>', 'remote: the task of each group (AgentGym data_idx / OpenEnv seed), e.g. 0-63,100 (default 0..groups-1)')
    .option(
      '--remote-timeout-ms <ms>',
      'remote: timeout of one env server call (default 30000)',
      parseInteger('--remote-timeout-ms', 1, 2 ** 31 - 1),
    )
    .option(
      '--remote-retries <n>',
      'remote: extra attempts of calls that are safe to repeat (default 3)',
      parseInteger('--remote-retries', 0, 100),
    )
    .option('--remote-concurrency <n>', 'remote: env server calls in flight (default 64)', parseInteger('--remote-concurrency', 1, 65536))
    .option(
      '--episode-time-ms <ms>',
      'remote: wall-clock limit of one episode (default 600000)',
      parseInteger('--episode-time-ms', 1, 2 ** 31 - 1),
    )
    .addOption(
      new Option(
        '--action-format <f>',
        'remote: raw = send the whole answer; extract = only the text of its last <action>...</action>',
      ).choices(['raw', 'extract']),
    )
    .option('--remote-env-name <name>', "remote: the prompt template's env (a native env name such as household; default: a generic one)");
}

/**
 * For --env other than remote: refuses the remote-only flags. For --env remote: refuses the flags
 * that do not apply, and returns the remote options and the number of groups (--tasks' length
 * when --groups is not given).
 */
export function remoteFlagsOf(
  env: string,
  flags: RemoteFlags & { groups: number; maxSteps?: number; policy: string },
  given: (name: string) => boolean,
): { remote: RemoteEnvOptions; tasks: number[]; groups: number } | undefined {
  if (env !== 'remote') {
    for (const [name, flag] of Object.entries(REMOTE_FLAGS))
      if (given(name)) throw new UsageError(`${flag} applies to --env remote only, not --env ${env}`);
    return undefined;
  }
  if (flags.policy === 'random' || flags.policy === 'oracle')
    throw new UsageError(`--env remote needs a text policy (--policy openai or --policy llama), not --policy ${flags.policy}`);
  for (const [name, [flag, why]] of Object.entries(NOT_REMOTE))
    if (given(name)) throw new UsageError(`${flag} does not apply to --env remote: ${why}`);
  if (flags.envUrl === undefined)
    throw new UsageError('--env remote needs --env-url (the env server) and --protocol (openenv or agentgym)');
  if (flags.protocol === undefined) throw new UsageError('--env remote needs --protocol (openenv or agentgym)');
  let groups = flags.groups;
  let tasks: number[];
  try {
    tasks = flags.tasks === undefined ? Array.from({ length: groups }, (_, g) => g) : parseTaskList(flags.tasks, '--tasks');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (given('groups') && tasks.length !== groups)
    throw new UsageError(`--tasks lists ${tasks.length} tasks but --groups is ${groups}: give one task per group (or leave --groups out)`);
  groups = tasks.length;
  const remote: RemoteEnvOptions = {
    url: flags.envUrl,
    protocol: flags.protocol,
    tasks,
    ...(flags.remoteEnvName !== undefined ? { envName: flags.remoteEnvName } : {}),
    ...(flags.actionFormat !== undefined ? { actionFormat: flags.actionFormat } : {}),
    ...(flags.maxSteps !== undefined ? { maxSteps: flags.maxSteps } : {}),
    ...(flags.remoteConcurrency !== undefined ? { concurrency: flags.remoteConcurrency } : {}),
    ...(flags.remoteTimeoutMs !== undefined ? { timeoutMs: flags.remoteTimeoutMs } : {}),
    ...(flags.remoteRetries !== undefined ? { retries: flags.remoteRetries } : {}),
    ...(flags.episodeTimeMs !== undefined ? { episodeTimeMs: flags.episodeTimeMs } : {}),
  };
  try {
    resolveRemoteOptions(remote, groups);
  } catch (err) {
    if (!(err instanceof GigpoArgumentError)) throw err;
    const field = err.path.replace(/\[\d+\]$/, '');
    throw new UsageError(`${FIELD_FLAGS[field] ?? err.path}${err.message.slice(err.path.length)}`);
  }
  return { remote, tasks, groups };
}
