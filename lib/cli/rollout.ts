// gigpo rollout: run G task groups of n trajectories with a policy and write every step
// (msgpack chunks of complete groups, or JSONL). Native policies (random, oracle) shard
// over worker threads; the OpenAI-compatible policy runs on this thread (its work is I/O), and so
// do remote envs (--env remote: sessions on an OpenEnv or AgentGym server, remote-flags.ts).
// The API key comes from --api-key or the OPENAI_API_KEY environment variable; only the
// CLI reads that variable (the library never reads the environment).
import { Option, type Command } from 'commander';
import { randomUUID } from 'node:crypto';

import { createEnvBatch, type EnvOptions } from '../envs/env-batch.js';
import { listEnvs } from '../envs/registry.js';
import type { ByteSink } from '../io/byte-sink.js';
import { JsonlWriter } from '../io/jsonl-writer.js';
import { MsgpackWriter } from '../io/msgpack-writer.js';
import type { StepBatch } from '../io/step-batch.js';
import { oraclePolicy, randomPolicy } from '../policy/native.js';
import { openAIPolicy } from '../policy/openai.js';
import type { Policy } from '../policy/types.js';
import type { AnchorSource } from '../rollout/anchor-source.js';
import {
  RolloutEngine,
  type CollectOptions,
  type OnPolicyError,
  type PromptMode,
  type RolloutMeta,
  type Schedule,
} from '../rollout/engine.js';
import { quantile } from '../rollout/metrics.js';
import { ON_POLICY_ERROR, PROMPT_MODES, SCHEDULES } from '../rollout/trajectory-loop.js';
import { DEFAULT_REDIS_TIMEOUT_MS, distributedCollect } from '../rollout/distributed/driver.js';
import { DEFAULT_RESULT_TTL_MS } from '../rollout/distributed/protocol.js';
import { RolloutPool } from '../rollout/pool.js';
import type { DataFormat } from '../io/data-format.js';
import { checkEnvName, checkEnvOptions } from './env-flags.js';
import { openOutput, outputFormat, summaryStream } from './output.js';
import { stopGracefullyOnSignal } from './signals.js';
import { llamaPolicyOf } from './llama-policy-flags.js';
import { addRemoteOptions, remoteFlagsOf, type RemoteFlags } from './remote-flags.js';
import { collectOption, InterruptedError, parseInteger, parseNumber, UsageError } from './options.js';
import { compact, progressWanted, startProgress } from './progress.js';
import { compilePromptTemplate, type PromptTemplate } from '../envs/prompt-template.js';
import { readFileSync } from 'node:fs';

/** --prompt-template FILE: a .json file is a PromptTemplateSpec, any other file the user message's text. */
function readPromptTemplate(path: string): PromptTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--prompt-template: cannot read ${path}: ${(err as Error).message}`);
  }
  let template: PromptTemplate = text;
  if (path.endsWith('.json')) {
    try {
      template = JSON.parse(text) as PromptTemplate;
    } catch (err) {
      throw new UsageError(`--prompt-template: ${path} is not JSON: ${(err as Error).message}`);
    }
  }
  try {
    compilePromptTemplate(template);
  } catch (err) {
    throw new UsageError(`--prompt-template: ${path}: ${(err as Error).message}`);
  }
  return template;
}

interface RolloutFlags extends RemoteFlags {
  env: string;
  groups: number;
  groupSize: number;
  maxSteps?: number;
  policy: 'random' | 'oracle' | 'openai' | 'llama';
  parallel?: number;
  grammar?: string;
  epsilon: number;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  timeoutMs?: number;
  retries?: number;
  extraBody?: Record<string, unknown>;
  returnTokenIds: boolean;
  concurrency?: number;
  maxResponseBytes?: number;
  followRedirects?: boolean;
  history: number;
  schedule: Schedule;
  promptMode: PromptMode;
  onPolicyError: OnPolicyError;
  promptTemplate?: string;
  anchor: AnchorSource;
  levels?: string;
  option: EnvOptions;
  seed: number;
  threads: number;
  redis?: string;
  prefix: string;
  resume?: string;
  redisTimeoutMs: number;
  chunkGroups: number;
  out: string;
  outFormat?: DataFormat;
  rows?: boolean;
  json?: boolean;
}

export function registerRollout(program: Command): void {
  const command = program
    .command('rollout')
    .option('--env <name>', 'environment (see gigpo envs), or remote (an env server: --env-url, --protocol, --tasks)', 'sokoban');
  addRemoteOptions(command)
    .option('--groups <n>', 'task groups', parseInteger('--groups', 1, 1 << 24), 64)
    .option('--group-size <n>', 'trajectories per group (all start from the group state)', parseInteger('--group-size', 1, 1 << 16), 8)
    .option('--max-steps <n>', 'step limit per trajectory (default: the env option maxSteps)', parseInteger('--max-steps', 1, 1 << 20))
    .addOption(new Option('--policy <name>', 'policy').choices(['random', 'oracle', 'openai', 'llama']).default('random'))
    .option('--epsilon <e>', 'oracle: probability of a random action instead', parseNumber('--epsilon', 0, 1), 0)
    .option('--base-url <url>', 'openai: server base URL, e.g. http://localhost:8000/v1')
    .option('--model <name>', 'openai: model name; llama: the GGUF model file')
    .option('--api-key <key>', 'openai: API key (default: the OPENAI_API_KEY environment variable)')
    .option('--temperature <t>', 'openai: sampling temperature', parseNumber('--temperature', 0, 100))
    .option(
      '--max-tokens <n>',
      "text policies: max tokens per answer (default: the env's, see gigpo envs)",
      parseInteger('--max-tokens', 1, 2 ** 31 - 1),
    )
    .option('--top-p <p>', 'openai: nucleus sampling top_p, in (0, 1]', parseNumber('--top-p', Number.MIN_VALUE, 1))
    .option(
      '--timeout-ms <ms>',
      'openai: timeout of one attempt, request to last body byte (default 120000)',
      parseInteger('--timeout-ms', 1, 2 ** 31 - 1),
    )
    .option(
      '--retries <n>',
      'openai: retries after the first attempt on 408/429/5xx, timeouts, network errors (default 4)',
      parseInteger('--retries', 0, 100),
    )
    .option('--extra-body <json>', 'openai: JSON object merged into every request body, e.g. \'{"top_k":20}\'', parseJsonObject)
    .option('--no-return-token-ids', 'openai: do not send return_token_ids (for servers that reject unknown fields)')
    .option('--concurrency <n>', 'openai: requests in flight (default 64)', parseInteger('--concurrency', 1, 65536))
    .option(
      '--max-response-bytes <n>',
      'openai: refuse larger response bodies, without retrying (default 16 MiB)',
      parseInteger('--max-response-bytes', 1, 2 ** 32),
    )
    .option('--follow-redirects', 'openai: follow HTTP redirects (default: a redirect fails the request)')
    .option('--parallel <n>', 'llama: sequences decoded together (default 4)', parseInteger('--parallel', 1, 256))
    .option('--grammar <file>', 'llama: a GBNF grammar file every response must follow')
    .option('--history <n>', 'text policies: past (observation, action) pairs in each prompt', parseInteger('--history', 0, 1000), 2)
    .addOption(
      new Option('--schedule <s>', 'text policies: trajectory = no step barrier; step = every env finishes step t first')
        .choices(SCHEDULES)
        .default('trajectory'),
    )
    .addOption(
      new Option('--prompt-mode <m>', 'text policies: history = rebuilt chat per step; conversation = one growing chat as token ids')
        .choices(PROMPT_MODES)
        .default('history'),
    )
    .addOption(
      new Option(
        '--on-policy-error <what>',
        'text policies: a request failed for good: drop its group, keep the rows (truncated), or abort',
      )
        .choices(ON_POLICY_ERROR)
        .default('drop-group'),
    )
    .option('--prompt-template <file>', 'text policies: the prompt template (text with {placeholders}, or a .json spec; see docs/ENVS.md)')
    .addOption(
      new Option('--anchor <source>', "step grouping: each row's anchor hashes the observation or the env's full state")
        .choices(['observation', 'state'])
        .default('observation'),
    )
    .option('--levels <file>', 'sokoban: a Boxoban level file to play (the levels option)')
    .option('--option <key=value>', 'environment option (repeatable; see gigpo envs)', collectOption, {})
    .option('--seed <n>', 'base seed', parseInteger('--seed', 0), 1)
    .option('--threads <n>', 'worker threads for native policies; llama: llama.cpp CPU threads', parseInteger('--threads', 1, 256), 1)
    .option('--redis <url>', 'native policies: hand one job per group to `gigpo worker` processes through this Redis')
    .option('--prefix <prefix>', 'with --redis: key prefix shared with the workers', 'gigpo')
    .option('--resume <run>', 'with --redis: continue this run (the id it printed) from the results already in Redis')
    .option(
      '--redis-timeout-ms <ms>',
      'with --redis: fail when Redis stays unreachable this long',
      parseInteger('--redis-timeout-ms', 100, 2 ** 31 - 1),
      DEFAULT_REDIS_TIMEOUT_MS,
    )
    .option(
      '--chunk-groups <n>',
      'groups collected and written together (one msgpack chunk)',
      parseInteger('--chunk-groups', 1, 1 << 24),
      1024,
    )
    .requiredOption('--out <file>', 'output file (.msgpack or .jsonl), or - for stdout')
    .addOption(
      new Option('--out-format <format>', 'output format (default: from the extension; JSONL for -)').choices(['jsonl', 'msgpack']),
    )
    .option('--rows', 'JSONL output in row form (one step per line) instead of one trajectory per line')
    .option('--json', 'print the summary as one JSON line')
    .action(async (flags: RolloutFlags, command: Command) => {
      const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
      checkFlagsApply(flags.policy, given);
      const remote = remoteFlagsOf(flags.env, flags, given);
      if (remote) flags.groups = remote.groups;
      const format = outputFormat(flags.out, flags.outFormat);
      const envOptions = remote ? undefined : envOptionsOf(flags);
      const llama = flags.policy === 'llama' ? await llamaPolicyOf(flags) : undefined;
      const policy = llama ?? policyOf(flags);
      const promptTemplate = flags.promptTemplate !== undefined ? readPromptTemplate(flags.promptTemplate) : undefined;
      if (flags.resume !== undefined && !flags.redis) throw new UsageError('--resume: needs --redis');
      if (flags.resume !== undefined && !/^[\w.:-]{1,128}$/.test(flags.resume))
        throw new UsageError(`--resume: expected a run id, got '${flags.resume}'`);
      const distributed = flags.redis ? startDistributedRun(flags) : undefined;
      const pool = policy.kind === 'native' && flags.threads > 1 ? new RolloutPool({ maxThreads: flags.threads }) : undefined;
      const engine = new RolloutEngine();
      const progress = startProgress(progressWanted(flags.json), 'rollout', flags.groups);
      const totals = new Totals();
      let sink: ByteSink | undefined;
      try {
        sink = await openOutput(flags.out);
        const write = writerOf(sink, format, flags.rows ? 'row' : 'trajectory');
        for (let first = 0; first < flags.groups; first += flags.chunkGroups) {
          const groups = Math.min(flags.chunkGroups, flags.groups - first);
          const options: CollectOptions = {
            env: flags.env,
            envOptions,
            ...(remote ? { remote: { ...remote.remote, tasks: remote.tasks.slice(first, first + groups) } } : {}),
            groups,
            groupSize: flags.groupSize,
            maxSteps: flags.maxSteps,
            seed: flags.seed,
            firstGroup: first,
            policy,
            historyLength: flags.history,
            anchor: flags.anchor,
            schedule: flags.schedule,
            promptMode: flags.promptMode,
            onPolicyError: flags.onPolicyError,
            ...(promptTemplate !== undefined ? { promptTemplate } : {}),
            onProgress: (p) => {
              const done = first + groups - p.activeEnvs / flags.groupSize;
              progress.update(done, `${compact(done)}/${compact(flags.groups)} groups, ${compact(totals.rows + p.rows)} rows`);
            },
          };
          const batch = distributed
            ? await distributedCollect({
                ...options,
                redis: flags.redis!,
                prefix: flags.prefix,
                run: distributed.run,
                keepResults: first + groups < flags.groups, // the last call ends the run
                redisTimeoutMs: flags.redisTimeoutMs,
                signal: distributed.signal,
                onRun: ({ resumed }) =>
                  resumed > 0 && process.stderr.write(`gigpo: run ${distributed.run}: ${resumed} of ${groups} groups already done\n`),
              })
            : pool
              ? await pool.collect(options)
              : await engine.collect(options);
          totals.add(batch);
          await write.batch(batch);
        }
        // A remote rollout whose every group failed wrote nothing worth a file: fail, leave none.
        if (remote && totals.trajectories === 0)
          throw new Error(
            `every group was dropped: the env server failed ${totals.envErrors} sessions; first failure: ${totals.firstError ?? 'unknown'}`,
          );
        await write.close();
      } catch (err) {
        await sink?.abort();
        if (distributed?.signal.aborted)
          throw new InterruptedError(
            distributed.signal.reason as NodeJS.Signals,
            `interrupted: distributed run ${distributed.run} cancelled; its results stay in Redis for ${DEFAULT_RESULT_TTL_MS / 60_000} minutes: continue with --resume ${distributed.run}`,
          );
        throw err;
      } finally {
        progress.stop();
        distributed?.stop();
        await pool?.destroy();
        await llama?.close();
      }
      report(totals, flags, format, envOptions ?? {});
    });
}

/**
 * The run id of a distributed rollout (printed, so that a stopped driver can be continued)
 * and a signal that SIGINT / SIGTERM fire: the driver then cancels its queued jobs.
 */
function startDistributedRun(flags: RolloutFlags): { run: string; signal: AbortSignal; stop(): void } {
  const run = flags.resume ?? randomUUID();
  if (flags.resume === undefined)
    process.stderr.write(`gigpo: distributed run ${run} (continue it with --resume ${run} if this driver stops)\n`);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  const release = stopGracefullyOnSignal();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    run,
    signal: controller.signal,
    stop() {
      release();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

type PolicyName = RolloutFlags['policy'];
const TEXT_POLICIES: readonly PolicyName[] = ['openai', 'llama'];
const NATIVE_POLICIES: readonly PolicyName[] = ['random', 'oracle'];

/** The policies each policy-specific flag applies to (option attribute name -> flag, policies). */
const FLAG_POLICIES: Record<string, [flag: string, policies: readonly PolicyName[]]> = {
  epsilon: ['--epsilon', ['oracle']],
  baseUrl: ['--base-url', ['openai']],
  model: ['--model', TEXT_POLICIES],
  apiKey: ['--api-key', ['openai']],
  temperature: ['--temperature', TEXT_POLICIES],
  maxTokens: ['--max-tokens', TEXT_POLICIES],
  topP: ['--top-p', ['openai']],
  timeoutMs: ['--timeout-ms', ['openai']],
  retries: ['--retries', ['openai']],
  extraBody: ['--extra-body', ['openai']],
  returnTokenIds: ['--no-return-token-ids', ['openai']],
  concurrency: ['--concurrency', ['openai']],
  maxResponseBytes: ['--max-response-bytes', ['openai']],
  followRedirects: ['--follow-redirects', ['openai']],
  parallel: ['--parallel', ['llama']],
  grammar: ['--grammar', ['llama']],
  history: ['--history', TEXT_POLICIES],
  promptTemplate: ['--prompt-template', TEXT_POLICIES],
  schedule: ['--schedule', TEXT_POLICIES],
  promptMode: ['--prompt-mode', TEXT_POLICIES],
  onPolicyError: ['--on-policy-error', TEXT_POLICIES],
  threads: ['--threads', [...NATIVE_POLICIES, 'llama']], // llama: its CPU threads
  redis: ['--redis', NATIVE_POLICIES],
  prefix: ['--prefix', NATIVE_POLICIES],
  resume: ['--resume', NATIVE_POLICIES],
  redisTimeoutMs: ['--redis-timeout-ms', NATIVE_POLICIES],
};

/** A flag given for a policy it does not apply to is refused, not silently ignored. */
function checkFlagsApply(policy: PolicyName, given: (name: string) => boolean): void {
  for (const [name, [flag, policies]] of Object.entries(FLAG_POLICIES))
    if (given(name) && !policies.includes(policy))
      throw new UsageError(`${flag} does not apply to --policy ${policy} (only to ${policies.map((p) => `--policy ${p}`).join(', ')})`);
}

function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new UsageError(`--extra-body: not JSON (${(err as Error).message}): '${value}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`--extra-body: expected a JSON object, got '${value}'`);
  return parsed as Record<string, unknown>;
}

function envOptionsOf(flags: RolloutFlags): EnvOptions {
  checkEnvName(flags.env);
  const options: EnvOptions = { ...flags.option };
  if (flags.levels !== undefined) {
    if (
      !listEnvs()
        .find((e) => e.name === flags.env)!
        .options.some((o) => o.name === 'levels')
    )
      throw new UsageError(`--levels: environment '${flags.env}' has no levels option`);
    options.levels = flags.levels;
  }
  if (flags.maxSteps !== undefined) options.maxSteps = flags.maxSteps;
  checkEnvOptions(flags.env, options);
  return options;
}

function policyOf(flags: RolloutFlags): Policy {
  if (flags.policy === 'random') return randomPolicy();
  if (flags.policy === 'oracle') {
    if (!createEnvBatch({ env: flags.env, numEnvs: 1 }).hasOracle)
      throw new UsageError(`--policy oracle: environment '${flags.env}' has no oracle`);
    return oraclePolicy({ epsilon: flags.epsilon });
  }
  if (!flags.baseUrl || !flags.model) throw new UsageError('--policy openai needs --base-url and --model');
  const apiKey = flags.apiKey ?? process.env.OPENAI_API_KEY;
  try {
    return openAIPolicy({
      baseURL: flags.baseUrl,
      model: flags.model,
      apiKey: apiKey === '' ? undefined : apiKey,
      temperature: flags.temperature,
      maxTokens: flags.maxTokens,
      topP: flags.topP,
      timeoutMs: flags.timeoutMs,
      retries: flags.retries,
      extraBody: flags.extraBody,
      returnTokenIds: flags.returnTokenIds,
      concurrency: flags.concurrency,
      maxResponseBytes: flags.maxResponseBytes,
      followRedirects: flags.followRedirects,
    });
  } catch (err) {
    throw new UsageError(`--policy openai: ${(err as Error).message}`);
  }
}

function writerOf(
  sink: ByteSink,
  format: DataFormat,
  form: 'row' | 'trajectory',
): { batch(b: StepBatch): Promise<void>; close(): Promise<void> } {
  if (format === 'msgpack') {
    const w = MsgpackWriter.to(sink);
    return { batch: (b) => w.write(b, b.meta, { validate: false }), close: () => w.close() };
  }
  const w = JsonlWriter.to(sink, form);
  return { batch: (b) => w.write(b), close: () => w.close() };
}

/** Run-wide metrics, from each chunk's own. */
class Totals {
  rows = 0;
  groups = 0;
  trajectories = 0;
  successes = 0;
  /** Trajectories that stopped at the step limit. */
  truncated = 0;
  returns = 0;
  invalid = 0;
  seconds = 0;
  policy = '';
  latenciesMs: number[] = [];
  tokensIn = 0;
  tokensOut = 0;
  retries = 0;
  failedRequests = 0;
  droppedGroups = 0;
  envErrors = 0;
  stopReasons: Record<string, string> = {};
  firstError: string | undefined;

  add(batch: StepBatch): void {
    const meta = batch.meta as unknown as RolloutMeta;
    const m = meta.metrics;
    this.policy = meta.policy;
    for (const l of meta.policyLatenciesMs) this.latenciesMs.push(l);
    this.tokensIn += m.tokensIn;
    this.tokensOut += m.tokensOut;
    this.retries += m.retries;
    this.failedRequests += m.failedRequests;
    this.droppedGroups += m.droppedGroups;
    this.envErrors += m.envErrors;
    Object.assign(this.stopReasons, meta.stopReasons ?? {});
    this.firstError ??= m.firstError;
    this.rows += batch.numRows;
    for (let r = 0; r < batch.numRows; r++)
      if (batch.truncated[r] && (r + 1 === batch.numRows || batch.traj[r + 1] !== batch.traj[r])) this.truncated++;
    this.trajectories += m.trajectories;
    this.groups += m.trajectories / meta.groupSize;
    this.successes += m.successRate * m.trajectories;
    this.returns += m.meanEpisodeReturn * m.trajectories;
    this.invalid += m.invalidActionRate * m.steps;
    this.seconds += m.seconds;
  }
}

/**
 * The hint for a run where nothing succeeded because the step limit came first (most
 * trajectories truncated), with level files or the oracle (a random or LLM policy failing
 * is no news): Boxoban levels (--levels) need far more moves than the 15-step default made
 * for small generated rooms, and nothing else says so.
 */
export function stepLimitWarning(
  env: string,
  envOptions: EnvOptions,
  maxSteps: number | undefined,
  oracle: boolean,
  t: Pick<Totals, 'trajectories' | 'successes' | 'truncated'>,
): string | undefined {
  const levels = envOptions.levels !== undefined && envOptions.levels !== '';
  if (!(levels || oracle) || t.trajectories === 0 || t.successes > 0 || 2 * t.truncated < t.trajectories) return undefined;
  const option = listEnvs()
    .find((e) => e.name === env)
    ?.options.find((o) => o.name === 'maxSteps');
  const limit = maxSteps ?? envOptions.maxSteps ?? option?.default;
  return (
    `no trajectory succeeded and ${t.truncated} of ${t.trajectories} stopped at the step limit (${String(limit)} steps); ` +
    (levels
      ? 'Boxoban levels take far more moves than the default limit, which is made for small generated rooms: raise it, e.g. --max-steps 200'
      : 'raise it with --max-steps if the tasks need more steps')
  );
}

function report(t: Totals, flags: RolloutFlags, format: DataFormat, envOptions: EnvOptions): void {
  const warning = stepLimitWarning(flags.env, envOptions, flags.maxSteps, flags.policy === 'oracle', t);
  if (warning !== undefined) process.stderr.write(`gigpo: warning: ${warning}\n`);
  const latencies = Float64Array.from(t.latenciesMs).sort();
  const text = flags.policy !== 'random' && flags.policy !== 'oracle';
  const summary = {
    command: 'rollout',
    env: flags.env,
    policy: t.policy,
    output: flags.out,
    format,
    groups: t.groups,
    groupSize: flags.groupSize,
    trajectories: t.trajectories,
    rows: t.rows,
    successRate: t.trajectories ? t.successes / t.trajectories : 0,
    meanEpisodeReturn: t.trajectories ? t.returns / t.trajectories : 0,
    invalidActionRate: t.rows ? t.invalid / t.rows : 0,
    seconds: t.seconds,
    stepsPerSecond: t.seconds > 0 ? t.rows / t.seconds : 0,
    threads: flags.threads,
    seed: flags.seed,
    ...(text
      ? {
          schedule: flags.schedule,
          promptMode: flags.promptMode,
          policyLatencyP50Ms: quantile(latencies, 0.5),
          policyLatencyP99Ms: quantile(latencies, 0.99),
          tokensIn: t.tokensIn,
          tokensOut: t.tokensOut,
          retries: t.retries,
          failedRequests: t.failedRequests,
          droppedGroups: t.droppedGroups,
          envErrors: t.envErrors,
          stopReasons: t.stopReasons,
          ...(t.firstError === undefined ? {} : { firstError: t.firstError }),
        }
      : {}),
    ...(warning === undefined ? {} : { warning }),
  };
  const out = summaryStream(flags.out);
  if (flags.json) {
    out.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  out.write(
    `${summary.env}, ${summary.policy}: ${summary.groups} groups x ${summary.groupSize}, ${summary.rows} steps in ${summary.seconds.toFixed(2)} s ` +
      `(${compact(summary.stepsPerSecond)} steps/s) -> ${flags.out}\n` +
      `success rate ${(100 * summary.successRate).toFixed(1)}%, mean episode return ${summary.meanEpisodeReturn.toFixed(3)}, ` +
      `invalid actions ${(100 * summary.invalidActionRate).toFixed(1)}%\n` +
      (text
        ? `policy latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, ` +
          `tokens in ${compact(t.tokensIn)} / out ${compact(t.tokensOut)}, retries ${t.retries}, ` +
          `failed requests ${t.failedRequests}, dropped groups ${t.droppedGroups}${t.envErrors > 0 ? `, env errors ${t.envErrors}` : ''}\n` +
          (t.firstError === undefined ? '' : `first failure: ${t.firstError}\n`)
        : ''),
  );
}
