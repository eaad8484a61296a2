// RolloutEngine: runs G task groups of n trajectories with a policy and returns their rows.
// Native policies (random, oracle) step the whole batch per step in one native call (no text round
// trip). Text policies run every trajectory as its own asynchronous loop (trajectory-loop.ts) over
// a TextEnvs: the native batch here, remote envs (env 'remote': sessions on an OpenEnv or AgentGym
// server, remote-rollout.ts), or any TextEnvs through collectText(). Returns a StepBatch of
// complete groups.
import { createEnvBatch, nativeActionStreams, type EnvBatch, type EnvOptions } from '../envs/env-batch.js';
import type { RemoteEnvOptions } from '../envs/remote/options.js';
import { nativeTextEnvs } from '../envs/native-text-envs.js';
import { promptSpec } from '../envs/prompts.js';
import type { TextEnvs } from '../envs/text-envs.js';
import type { PromptTemplate } from '../envs/prompt-template.js';
import { GigpoArgumentError } from '../errors.js';
import type { StepBatch } from '../io/step-batch.js';
import type { NativePolicy, Policy, TextPolicy } from '../policy/types.js';
import { anchorSourceOf, type AnchorSource } from './anchor-source.js';
import type { ChatFormat } from './conversation.js';
import { PolicyStats } from './policy-stats.js';
import { TrajectoryRecorder } from './recorder.js';
import { finishRollout, policyLabel, profileOf, type RolloutMeta } from './rollout-meta.js';
import { openRemoteRollout, REMOTE_ENV, remoteOptionsOf, remoteRunInfo } from './remote-rollout.js';
import {
  DEFAULT_TEXT_LOOP,
  ON_POLICY_ERROR,
  PROMPT_MODES,
  runTrajectories,
  SCHEDULES,
  type OnPolicyError,
  type PromptMode,
  type Schedule,
  type StopReason,
} from './trajectory-loop.js';

export type { OnPolicyError, PromptMode, Schedule, StopReason } from './trajectory-loop.js';

export interface RolloutProgress {
  step: number;
  activeEnvs: number;
  rows: number;
  elapsedMs: number;
}

/** How a text policy's rollout runs (ignored by native policies). */
export interface TextRolloutOptions {
  /** Number of past (observation, action) pairs in each prompt (promptMode 'history'). Default 2. */
  historyLength?: number;
  /**
   * 'trajectory' (default): every trajectory is its own loop, no step barrier. 'step': every running
   * trajectory finishes step t before any starts step t + 1 (the step-synchronous loop).
   */
  schedule?: Schedule;
  /**
   * 'history' (default): each prompt is rebuilt as chat messages (task, last `historyLength` steps,
   * current observation). 'conversation': one growing chat per trajectory kept as token ids, sent
   * to the policy's token capability (`policy.tokens`); rows carry promptIds, responseIds, logprobs.
   */
  promptMode?: PromptMode;
  /** The prompt of each step: a template or a function (lib/envs/prompt-template.ts); default buildMessages. */
  promptTemplate?: PromptTemplate;
  /** Conversation mode: the chat template as text (default ChatML). */
  chatFormat?: ChatFormat;
  /**
   * A request that failed after its retries: 'drop-group' (default) leaves the trajectory's group out
   * of the batch; 'keep' keeps the rows it has, the last marked truncated; 'abort' rejects collect().
   */
  onPolicyError?: OnPolicyError;
  /**
   * Which hash each row's `anchor` (the step grouping) is: 'observation' (default; the observation's
   * anchor key) or 'state' (the env's full canonical state: lib/rollout/anchor-source.ts). Native
   * policies too.
   */
  anchor?: AnchorSource;
}

export interface CollectOptions extends TextRolloutOptions {
  /** A native env's name (see listEnvs()), or 'remote' (sessions on an env server: `remote`). */
  env: string;
  envOptions?: EnvOptions;
  /**
   * env 'remote': the OpenEnv or AgentGym server, its tasks (one per group) and the client's
   * limits (lib/envs/remote/options.ts). Needs a text policy; runs on the calling thread.
   */
  remote?: RemoteEnvOptions;
  /** Number of task groups. */
  groups: number;
  /** Trajectories per group (all start from the group's state). */
  groupSize: number;
  /** Step limit per trajectory (the env's `maxSteps` option; default: the env's own). */
  maxSteps?: number;
  seed?: number;
  /**
   * Seed of the native policies' random draws (default: `seed`). A service replaying one
   * task (the group's start state under `seed`) sets a fresh one per attempt.
   */
  actionSeed?: number;
  policy: Policy;
  signal?: AbortSignal;
  onProgress?: (progress: RolloutProgress) => void;
  /** Global id of the first group (a shard of a larger rollout). Default 0. */
  firstGroup?: number;
  /** Cancellation flag shared with another thread: non-zero = stop. */
  cancelFlag?: Int32Array;
}

/** collectText(): a text policy over envs the caller made (remote envs, or native ones). */
export interface CollectTextOptions extends TextRolloutOptions {
  policy: TextPolicy;
  /** Recorded in meta.seed (the envs were seeded by whoever made them). Default 0. */
  seed?: number;
  /** The env options' profile, when they name one (meta, success reward). */
  profile?: string;
  signal?: AbortSignal;
  onProgress?: (progress: RolloutProgress) => void;
  cancelFlag?: Int32Array;
}

export type { RolloutMeta };

export function abortError(reason?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('rollout aborted', { cause: reason });
  err.name = 'AbortError';
  return err;
}

function checkOptions(o: CollectOptions): void {
  if (o === null || typeof o !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  if (typeof o.env !== 'string') throw new GigpoArgumentError('env', 'expected an environment name');
  for (const [name, min] of [
    ['groups', 1],
    ['groupSize', 1],
  ] as const)
    if (!Number.isInteger(o[name]) || o[name] < min)
      throw new GigpoArgumentError(name, `expected an integer >= ${min}, got ${String(o[name])}`);
  if (o.maxSteps !== undefined && (!Number.isInteger(o.maxSteps) || o.maxSteps < 1))
    throw new GigpoArgumentError('maxSteps', `expected an integer >= 1, got ${String(o.maxSteps)}`);
  if (o.seed !== undefined && (!Number.isSafeInteger(o.seed) || o.seed < 0))
    throw new GigpoArgumentError('seed', `expected a non-negative safe integer, got ${String(o.seed)}`);
  if (o.actionSeed !== undefined && (!Number.isSafeInteger(o.actionSeed) || o.actionSeed < 0))
    throw new GigpoArgumentError('actionSeed', `expected a non-negative safe integer, got ${String(o.actionSeed)}`);
  checkTextOptions(o);
  const p = o.policy as Policy | undefined;
  if (!p || (p.kind !== 'native' && p.kind !== 'text'))
    throw new GigpoArgumentError('policy', 'expected a policy (randomPolicy(), oraclePolicy(), functionPolicy(fn), openAIPolicy(...))');
  if (o.env === REMOTE_ENV && p.kind !== 'text')
    throw new GigpoArgumentError(
      'policy',
      `env 'remote' needs a text policy (functionPolicy(fn), openAIPolicy(...), llamaPolicy(...)); '${p.name}' is a native policy, which steps native envs only`,
    );
  if (o.env !== REMOTE_ENV && o.remote !== undefined)
    throw new GigpoArgumentError('remote', `applies to env 'remote' only, not '${o.env}'`);
}

function checkTextOptions(o: TextRolloutOptions): void {
  anchorSourceOf(o.anchor);
  if (o.historyLength !== undefined && (!Number.isInteger(o.historyLength) || o.historyLength < 0))
    throw new GigpoArgumentError('historyLength', `expected an integer >= 0, got ${String(o.historyLength)}`);
  for (const [name, value, allowed] of [
    ['schedule', o.schedule, SCHEDULES],
    ['promptMode', o.promptMode, PROMPT_MODES],
    ['onPolicyError', o.onPolicyError, ON_POLICY_ERROR],
  ] as const)
    if (value !== undefined && !(allowed as readonly string[]).includes(value))
      throw new GigpoArgumentError(name, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  const f = o.chatFormat;
  if (f !== undefined && (typeof f?.system !== 'function' || typeof f.user !== 'function' || typeof f.endOfAnswer !== 'string'))
    throw new GigpoArgumentError('chatFormat', 'expected { system(content), user(content), endOfAnswer: string }');
}

export class RolloutEngine {
  /** Runs `groups * groupSize` trajectories to completion and returns their rows. */
  async collect(options: CollectOptions): Promise<StepBatch> {
    checkOptions(options);
    const seed = options.seed ?? 0;
    if (options.env === REMOTE_ENV) return this.collectRemote(options);
    const firstGroup = options.firstGroup ?? 0;
    const envOptions: EnvOptions = { ...(options.envOptions ?? {}) };
    if (options.maxSteps !== undefined) envOptions.maxSteps = options.maxSteps;
    const batch = createEnvBatch({
      env: options.env,
      numEnvs: options.groups * options.groupSize,
      groupSize: options.groupSize,
      seed,
      firstGroup,
      options: envOptions,
    });
    const policy = options.policy;
    // Text policies: the adapter's close() frees the batch when collectText ends.
    if (policy.kind === 'text') return this.collectText(nativeTextEnvs(batch), { ...options, policy, seed, ...profileOf(batch.options) });
    // The batch's native memory is freed here, not when the GC and the event loop get to it.
    try {
      if (policy.name === 'oracle' && !batch.hasOracle) throw new GigpoArgumentError('policy', `env '${options.env}' has no oracle`);
      const recorder = new TrajectoryRecorder(batch, batch.maxSteps, false, anchorSourceOf(options.anchor), true);
      const latencies: number[] = [];
      const started = performance.now();
      await nativeLoop(batch, recorder, policy, options, latencies, started);
      const out = recorder.finish();
      const seconds = (performance.now() - started) / 1000;
      finishRollout(
        out,
        { env: batch.env, ...profileOf(batch.options), seed, groupSize: batch.groupSize, policy: policyLabel(policy) },
        seconds,
        latencies,
      );
      return out;
    } finally {
      batch.close();
    }
  }

  /** env 'remote': opens a session per env on the server, then runs them as collectText does. */
  private async collectRemote(options: CollectOptions): Promise<StepBatch> {
    const resolved = remoteOptionsOf(options);
    if (options.anchor === 'state')
      throw new GigpoArgumentError(
        'anchor',
        "'state': remote envs do not tell their full state; use 'observation' (the server's state hash when it sends one)",
      );
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    const envs = await openRemoteRollout(resolved, options);
    const out = await this.collectText(envs, { ...options, policy: options.policy as TextPolicy, seed: options.seed ?? 0 });
    out.meta = { ...out.meta, remote: remoteRunInfo(resolved, envs) };
    return out;
  }

  /**
   * Runs every env of `envs` as one trajectory of a text policy and returns their rows (groups whose
   * trajectory failed left out, as onPolicyError says). Closes `envs` when done, also on failure.
   */
  async collectText(envs: TextEnvs, options: CollectTextOptions): Promise<StepBatch> {
    try {
      if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
      checkTextOptions(options);
      const policy = options.policy as Policy | undefined;
      if (policy?.kind !== 'text')
        throw new GigpoArgumentError('policy', 'expected a text policy (functionPolicy(fn), openAIPolicy(...), llamaPolicy(...))');
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(options.signal!.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.anchor === 'state' && !envs.stateAnchor)
        throw new GigpoArgumentError('anchor', `'state': env '${envs.env}' does not tell its full state (remote envs); use 'observation'`);
      const recorder = new TrajectoryRecorder(envs, envs.maxSteps, true, 'observation', envs.stateAnchor !== undefined);
      const stats = new PolicyStats();
      const started = performance.now();
      let lastReport = 0;
      try {
        const result = await runTrajectories(envs, recorder, policy, stats, {
          ...DEFAULT_TEXT_LOOP,
          ...defined(options),
          controller,
          checkCancelled: () => {
            checkCancelled(options);
            if (controller.signal.aborted) throw abortError(controller.signal.reason);
          },
          onStep: (step, running) => {
            const now = performance.now();
            if (step >= 0 && now - lastReport < 100) return;
            lastReport = now;
            options.onProgress?.({ step: Math.max(step, 0), activeEnvs: running, rows: recorder.numRows, elapsedMs: now - started });
          },
        });
        const out = recorder.finish(result.dropped);
        const run = {
          env: envs.env,
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          seed: options.seed ?? 0,
          groupSize: envs.groupSize,
          policy: policyLabel(policy),
        };
        const meta = finishRollout(out, run, (performance.now() - started) / 1000, stats.latenciesMs, stats);
        meta.metrics.droppedGroups = result.droppedGroups;
        const baseTraj = envs.firstGroup * envs.groupSize;
        const stopReasons: Record<string, StopReason> = {};
        for (let i = 0; i < envs.numEnvs; i++) {
          const reason = result.stopReasons[i];
          if (reason !== 'done' && reason !== 'max-steps') stopReasons[baseTraj + i] = reason;
          if (reason === 'policy-error') meta.metrics.policyErrors++;
          else if (reason === 'context-length') meta.metrics.contextLengthStops++;
          else if (reason === 'env-error') meta.metrics.envErrors++;
        }
        meta.stopReasons = stopReasons;
        if (result.firstError) meta.metrics.firstError = result.firstError.message;
        out.meta = { ...meta };
        return out;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      await envs.close();
    }
  }
}

/** The text-loop options the caller set (undefined ones keep their defaults). */
function defined(o: TextRolloutOptions): Partial<TextRolloutOptions> {
  const out: Record<string, unknown> = {};
  for (const key of ['historyLength', 'schedule', 'promptMode', 'chatFormat', 'onPolicyError', 'promptTemplate', 'anchor'] as const)
    if (o[key] !== undefined) out[key] = o[key];
  return out as Partial<TextRolloutOptions>;
}

function checkCancelled(options: { signal?: AbortSignal; cancelFlag?: Int32Array }): void {
  if (options.signal?.aborted) throw abortError(options.signal.reason);
  if (options.cancelFlag && Atomics.load(options.cancelFlag, 0) !== 0) throw abortError();
}

function report(options: CollectOptions, step: number, active: number, recorder: TrajectoryRecorder, started: number): void {
  options.onProgress?.({ step, activeEnvs: active, rows: recorder.numRows, elapsedMs: performance.now() - started });
}

async function nativeLoop(
  batch: EnvBatch,
  recorder: TrajectoryRecorder,
  policy: NativePolicy,
  options: CollectOptions,
  latencies: number[],
  started: number,
): Promise<void> {
  const n = batch.numEnvs;
  // Actions are drawn in C++ (EnvBatch.drawActions), env i from its own stream.
  const streams = nativeActionStreams(options.actionSeed ?? options.seed ?? 0, batch.firstGroup * batch.groupSize, n);
  const active = new Uint8Array(n).fill(1);
  const actions = new Int32Array(n);
  const draw = {
    streams,
    active,
    actions,
    oracle: policy.name === 'oracle',
    epsilon: policy.epsilon,
    // Text envs (their observation lists commands): a random action is uniform over the admissible ones.
    overAdmissible: promptSpec(batch.env).observationListsActions,
  };
  let remaining = n;
  for (let t = 0; remaining > 0; t++) {
    checkCancelled(options);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (active[i]) recorder.observe(batch, i);
    batch.drawActions(draw);
    latencies.push(performance.now() - t0);
    batch.step(actions);
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      recorder.record(batch, i, t, actions[i]);
      if (batch.done[i] || batch.truncated[i]) {
        active[i] = 0;
        remaining--;
      }
    }
    report(options, t, remaining, recorder, started);
  }
}
