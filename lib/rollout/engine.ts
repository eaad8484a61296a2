// RolloutEngine: the step loop. Each step: capture every active env's state (anchor and
// observation), ask the policy once for all active envs, parse the responses natively,
// step the batch, record one row per active env. An env stops at done or truncation and
// is held (never sent to the policy again). Returns a StepBatch of complete groups.
import { actionOf, createEnvBatch, HOLD_ACTION, INVALID_ACTION, type EnvBatch, type EnvOptions } from '../envs/env-batch.js';
import { admissibleActions } from '../envs/admissible.js';
import { compilePromptTemplate, type PromptTemplate } from '../envs/prompt-template.js';
import { buildMessages, promptSpec, type PromptHistoryEntry } from '../envs/prompts.js';
import { GigpoArgumentError } from '../errors.js';
import type { StepBatch } from '../io/step-batch.js';
import type { NativePolicy, Policy, PolicyRequest, TextPolicy } from '../policy/types.js';
import { RandomStreams } from '../seeded-random.js';
import { TrajectoryRecorder, type RowText } from './recorder.js';
import { anchorSourceOf, type AnchorSource } from './anchor-source.js';
import { finishRollout, policyLabel, profileOf, type RolloutMeta } from './rollout-meta.js';

export interface RolloutProgress {
  step: number;
  activeEnvs: number;
  rows: number;
  elapsedMs: number;
}

export interface CollectOptions {
  env: string;
  envOptions?: EnvOptions;
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
  /**
   * Which hash each row's `anchor` (the step grouping) is: 'observation' (default; the observation's
   * anchor key) or 'state' (the env's full canonical state: lib/rollout/anchor-source.ts).
   */
  anchor?: AnchorSource;
  /** Number of past (observation, action) pairs in each prompt (text policies). Default 2. */
  historyLength?: number;
  /** The prompt of each step (text policies): a template or a function (lib/envs/prompt-template.ts); default buildMessages. */
  promptTemplate?: PromptTemplate;
  signal?: AbortSignal;
  onProgress?: (progress: RolloutProgress) => void;
  /** Global id of the first group (a shard of a larger rollout). Default 0. */
  firstGroup?: number;
  /** Cancellation flag shared with another thread: non-zero = stop. */
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
  for (const [name, min] of [['groups', 1], ['groupSize', 1]] as const)
    if (!Number.isInteger(o[name]) || o[name] < min) throw new GigpoArgumentError(name, `expected an integer >= ${min}, got ${String(o[name])}`);
  if (o.maxSteps !== undefined && (!Number.isInteger(o.maxSteps) || o.maxSteps < 1))
    throw new GigpoArgumentError('maxSteps', `expected an integer >= 1, got ${String(o.maxSteps)}`);
  if (o.seed !== undefined && (!Number.isSafeInteger(o.seed) || o.seed < 0))
    throw new GigpoArgumentError('seed', `expected a non-negative safe integer, got ${String(o.seed)}`);
  if (o.actionSeed !== undefined && (!Number.isSafeInteger(o.actionSeed) || o.actionSeed < 0))
    throw new GigpoArgumentError('actionSeed', `expected a non-negative safe integer, got ${String(o.actionSeed)}`);
  if (o.historyLength !== undefined && (!Number.isInteger(o.historyLength) || o.historyLength < 0))
    throw new GigpoArgumentError('historyLength', `expected an integer >= 0, got ${String(o.historyLength)}`);
  anchorSourceOf(o.anchor);
  const p = o.policy as Policy | undefined;
  if (!p || (p.kind !== 'native' && p.kind !== 'text'))
    throw new GigpoArgumentError('policy', 'expected a policy (randomPolicy(), oraclePolicy(), functionPolicy(fn), openAIPolicy(...))');
}

export class RolloutEngine {
  /** Runs `groups * groupSize` trajectories to completion and returns their rows. */
  async collect(options: CollectOptions): Promise<StepBatch> {
    checkOptions(options);
    const seed = options.seed ?? 0;
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
    // The batch's native memory is freed here, not when the GC and the event loop get to it.
    try {
      const policy = options.policy;
      if (policy.kind === 'native' && policy.name === 'oracle' && !batch.hasOracle)
        throw new GigpoArgumentError('policy', `env '${options.env}' has no oracle`);
      const recorder = new TrajectoryRecorder(batch, batch.maxSteps, policy.kind === 'text', anchorSourceOf(options.anchor));
      const latencies: number[] = [];
      const started = performance.now();
      const loop = policy.kind === 'native' ? nativeLoop : textLoop;
      await loop(batch, recorder, policy as never, options, latencies, started);
      const seconds = (performance.now() - started) / 1000;
      const out = recorder.finish();
      finishRollout(out, { env: batch.env, ...profileOf(batch.options), seed, groupSize: batch.groupSize, policy: policyLabel(policy) }, seconds, latencies);
      return out;
    } finally {
      batch.close();
    }
  }
}

function checkCancelled(options: CollectOptions): void {
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
  const streams = new RandomStreams(options.actionSeed ?? options.seed ?? 0, batch.firstGroup * batch.groupSize, n);
  const active = new Uint8Array(n).fill(1);
  const actions = new Int32Array(n);
  const oracle = policy.name === 'oracle';
  // Text envs (their observation lists commands): a random action is uniform over the admissible ones.
  const overAdmissible = promptSpec(batch.env).observationListsActions;
  const randomAction = (i: number): number => {
    if (!overAdmissible) return streams.below(i, batch.numActions);
    const ids = batch.admissibleActionIds(i);
    return ids.length > 0 ? ids[streams.below(i, ids.length)] : streams.below(i, batch.numActions);
  };
  let remaining = n;
  for (let t = 0; remaining > 0; t++) {
    checkCancelled(options);
    const t0 = performance.now();
    const best = oracle ? batch.oracleActions() : undefined;
    for (let i = 0; i < n; i++) {
      if (!active[i]) {
        actions[i] = HOLD_ACTION;
        continue;
      }
      recorder.observe(batch, i);
      if (best && !(policy.epsilon > 0 && streams.uniform(i) < policy.epsilon)) actions[i] = best[i];
      else actions[i] = randomAction(i);
    }
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

async function textLoop(
  batch: EnvBatch,
  recorder: TrajectoryRecorder,
  policy: TextPolicy,
  options: CollectOptions,
  latencies: number[],
  started: number,
): Promise<void> {
  const n = batch.numEnvs;
  const historyLength = options.historyLength ?? 2;
  const history: PromptHistoryEntry[][] = Array.from({ length: n }, () => []);
  // Discrete envs list their fixed action names; text envs list admissible commands in the observation.
  const spec = promptSpec(batch.env, batch.options);
  const template = options.promptTemplate !== undefined ? compilePromptTemplate(options.promptTemplate) : undefined;
  const admissibleOf = (i: number): readonly string[] => (spec.observationListsActions ? [] : admissibleActions(batch, i));
  const active = new Uint8Array(n).fill(1);
  const texts = new Array<string>(n).fill('');
  const baseTraj = batch.firstGroup * batch.groupSize;
  let remaining = n;
  for (let t = 0; remaining > 0; t++) {
    checkCancelled(options);
    const requests: PolicyRequest[] = [];
    const envOf: number[] = [];
    const observations: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      const obs = recorder.observationText(recorder.observe(batch, i));
      observations[i] = obs;
      requests.push({
        group: batch.firstGroup + Math.floor(i / batch.groupSize),
        traj: baseTraj + i,
        step: t,
        messages: template
          ? template({ env: batch.env, task: spec.task, step: t, observation: obs, admissibleActions: admissibleOf(i), history: history[i] })
          : buildMessages(batch.env, t, obs, admissibleOf(i), history[i], batch.options),
      });
      envOf.push(i);
    }
    const t0 = performance.now();
    const responses = await policy.act(requests, options.signal);
    latencies.push(performance.now() - t0);
    checkCancelled(options);
    if (!Array.isArray(responses) || responses.length !== requests.length)
      throw new GigpoArgumentError('policy', `act() returned ${Array.isArray(responses) ? responses.length : 'no array of'} responses for ${requests.length} requests`);
    texts.fill('');
    for (let k = 0; k < envOf.length; k++) {
      const text = responses[k]?.text;
      if (typeof text !== 'string')
        throw new GigpoArgumentError(`policy response ${k} (traj ${requests[k].traj}, step ${t})`, 'expected { text: string }');
      texts[envOf[k]] = text;
    }
    const actions = batch.parse(texts);
    // Action names are resolved before stepping: text envs name actions by the current state.
    const actionTexts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!active[i]) actions[i] = HOLD_ACTION;
      else actionTexts[i] = actions[i] === INVALID_ACTION ? '(invalid)' : batch.actionName(i, actions[i]);
    }
    batch.step(actions);
    for (let k = 0; k < envOf.length; k++) {
      const i = envOf[k];
      const res = responses[k];
      const row: RowText = { prompt: JSON.stringify(requests[k].messages), response: res.text };
      if (res.promptIds) row.promptIds = res.promptIds;
      if (res.responseIds) row.responseIds = res.responseIds;
      if (res.logprobs) row.logprobs = res.logprobs;
      recorder.recordOutcome(i, t, actionOf(actions[i]), batch.rewards[i], batch.done[i], batch.truncated[i], batch.valid[i], row);
      if (historyLength > 0) {
        history[i].push({ observation: observations[i], action: actionTexts[i] });
        if (history[i].length > historyLength) history[i].shift();
      }
      if (batch.done[i] || batch.truncated[i]) {
        active[i] = 0;
        remaining--;
      }
    }
    report(options, t, remaining, recorder, started);
  }
}
