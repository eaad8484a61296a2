// The text-policy rollout loop: every trajectory is its own asynchronous loop. As soon as env i's
// answer arrives it is parsed, env i alone is stepped, its row recorded and its next request sent;
// nothing waits for other envs (schedule 'trajectory'). Schedule 'step' adds a barrier so every
// running trajectory finishes step t before any starts step t + 1 (the step-synchronous loop, kept
// for comparison). The policy object bounds the requests in flight (its `concurrency`).
//
// Rows are recorded as they happen and put in group/traj/step order at the end, so given the same
// answer per (traj, step) the batch is identical whatever order the answers arrive in.
//
// A request that fails for good (the policy rejects with PolicyRequestError) ends its trajectory ('policy-error'): the group is dropped, kept
// (the trajectory's last row marked truncated) or the whole rollout rejected, by `onPolicyError`. A
// prompt the server refuses as too long ends the trajectory as truncated ('context-length'). An env
// whose step throws ends it with 'env-error' and drops its group.
import { GigpoArgumentError } from '../errors.js';
import { compilePromptTemplate, type PromptTemplate } from '../envs/prompt-template.js';
import { buildMessages, promptSpec, type PromptHistoryEntry } from '../envs/prompts.js';
import type { StepOutcome, TextEnvs } from '../envs/text-envs.js';
import { PolicyRequestError } from '../policy/request-error.js';
import type { ChatMessage, PolicyRequest, PolicyResponse, TextPolicy } from '../policy/types.js';
import { CHATML, Conversation, type ChatFormat } from './conversation.js';
import type { PolicyStats } from './policy-stats.js';
import type { AnchorSource } from './anchor-source.js';
import { PromptJson } from './prompt-json.js';
import type { RowIds, TrajectoryRecorder } from './recorder.js';
import { StepBarrier } from './step-barrier.js';

export type Schedule = 'step' | 'trajectory';
export type PromptMode = 'history' | 'conversation';
export type OnPolicyError = 'drop-group' | 'keep' | 'abort';
/** Why a trajectory ended. */
export type StopReason = 'done' | 'max-steps' | 'policy-error' | 'context-length' | 'env-error';

export const SCHEDULES: readonly Schedule[] = ['trajectory', 'step'];
export const PROMPT_MODES: readonly PromptMode[] = ['history', 'conversation'];
export const ON_POLICY_ERROR: readonly OnPolicyError[] = ['drop-group', 'keep', 'abort'];

export interface TextLoopOptions {
  schedule: Schedule;
  promptMode: PromptMode;
  onPolicyError: OnPolicyError;
  /** History mode: past (observation, action) pairs in each prompt. */
  historyLength: number;
  /** Conversation mode: how turns are written. */
  chatFormat: ChatFormat;
  /** The prompt of each step instead of buildMessages (lib/envs/prompt-template.ts). */
  promptTemplate?: PromptTemplate;
  /** 'state': rows are anchored by envs.stateAnchor (checked to exist by the caller). */
  anchor?: AnchorSource;
  /** Aborted when the rollout is cancelled, and by the loop itself when one trajectory fails the rollout. */
  controller: AbortController;
  /** Throws the cancellation error when the rollout was cancelled. */
  checkCancelled(): void;
  /** Called after every step with the number of trajectories still running. */
  onStep(step: number, running: number): void;
}

export interface TextLoopResult {
  /** Why each env's trajectory ended. */
  stopReasons: StopReason[];
  /** 1 for envs whose group is left out of the batch. */
  dropped: Uint8Array;
  droppedGroups: number;
  /** The first failure that ended a trajectory, for the report. */
  firstError?: Error;
}

export const DEFAULT_TEXT_LOOP: Omit<TextLoopOptions, 'controller' | 'checkCancelled' | 'onStep'> = {
  schedule: 'trajectory',
  promptMode: 'history',
  onPolicyError: 'drop-group',
  historyLength: 2,
  chatFormat: CHATML,
};

export async function runTrajectories(
  envs: TextEnvs,
  recorder: TrajectoryRecorder,
  policy: TextPolicy,
  stats: PolicyStats,
  o: TextLoopOptions,
): Promise<TextLoopResult> {
  const n = envs.numEnvs;
  const tokens = policy.tokens;
  if (o.promptMode === 'conversation' && !tokens)
    throw new GigpoArgumentError(
      'promptMode',
      `'conversation' needs a policy with token ids (policy '${policy.name}' has no tokens capability)`,
    );
  const stopReasons = new Array<StopReason>(n);
  const dropped = new Uint8Array(n);
  const barrier = o.schedule === 'step' ? new StepBarrier(n) : undefined;
  const baseTraj = envs.firstGroup * envs.groupSize;
  const spec = promptSpec(envs.env);
  const maxTokens = spec.maxTokens;
  const template = o.promptTemplate !== undefined ? compilePromptTemplate(o.promptTemplate) : undefined;
  const messagesOf = (
    t: number,
    observation: string,
    admissible: readonly string[],
    history: readonly PromptHistoryEntry[],
  ): ChatMessage[] =>
    template
      ? template({ env: envs.env, task: spec.task, step: t, observation, admissibleActions: admissible, history })
      : buildMessages(envs.env, t, observation, admissible, history);
  let running = n;
  let droppedGroups = 0;
  let firstError: Error | undefined;
  let fatal: { error: unknown } | undefined;
  const signal = o.controller.signal;

  const dropGroup = (i: number): void => {
    const first = i - (i % envs.groupSize);
    if (dropped[first]) return;
    dropped.fill(1, first, first + envs.groupSize);
    droppedGroups++;
  };

  // The prompt column holds the messages as JSON. buildMessages' prompts are written from parts
  // escaped once (prompt-json.ts); a template's messages may carry more fields, kept as they are.
  const builtJson = template ? undefined : new PromptJson(spec);
  const prompts = recorder.prompts!;
  const responses = recorder.responses!;

  /** History mode: asks the policy for one request's answer. */
  const askMessages = async (request: PolicyRequest): Promise<PolicyResponse> => {
    const t0 = stats.begin();
    try {
      return single(await policy.act([request], signal), request);
    } finally {
      stats.end(t0);
    }
  };

  /** Conversation mode: the conversation's turns as token ids (the system message once, then each step's last message). */
  const askTokens = async (
    request: PolicyRequest,
    conversation: Conversation,
  ): Promise<{ response: PolicyResponse; prompt: string; ids: RowIds }> => {
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const user = request.messages[request.messages.length - 1].content;
    const prompt = await conversation.prompt(request, system, user, signal);
    const t0 = stats.begin();
    let response: PolicyResponse;
    try {
      response = single(
        [
          await tokens!.completeIds(
            { group: request.group, traj: request.traj, step: request.step, promptIds: prompt.ids, maxTokens: request.maxTokens },
            signal,
          ),
        ],
        request,
      );
    } finally {
      stats.end(t0);
    }
    conversation.answered(response);
    const responseMask = new Uint8Array(prompt.ids.length + response.responseIds!.length).fill(1, prompt.ids.length);
    responseMask.set(prompt.sampledMask);
    return {
      response: { ...response, promptIds: prompt.ids },
      prompt: prompt.text,
      ids: { ...idsOf(response), promptIds: prompt.ids, responseMask },
    };
  };

  const trajectory = async (i: number): Promise<void> => {
    const group = envs.firstGroup + Math.floor(i / envs.groupSize);
    const history: PromptHistoryEntry[] = [];
    const conversation = tokens && o.promptMode === 'conversation' ? new Conversation(tokens, o.chatFormat) : undefined;
    const end = (reason: StopReason, err?: unknown): void => {
      stopReasons[i] = reason;
      if (err !== undefined && firstError === undefined) firstError = err instanceof Error ? err : new Error(String(err));
      if (reason === 'env-error' || (reason === 'policy-error' && o.onPolicyError === 'drop-group')) dropGroup(i);
      else if (reason === 'policy-error' || reason === 'context-length') recorder.truncateLast(i);
    };
    try {
      for (let t = 0; ; t++) {
        if (barrier) await barrier.arrive();
        o.checkCancelled();
        const observation = envs.observation(i);
        const state = envs.stateAnchor?.(i);
        recorder.observeText(i, o.anchor === 'state' ? state! : envs.anchor(i), observation, state);
        const admissible = envs.admissibleActions(i);
        const request: PolicyRequest = {
          group,
          traj: baseTraj + i,
          step: t,
          messages: messagesOf(t, observation, admissible, conversation ? [] : history),
          maxTokens,
        };
        let response: PolicyResponse;
        let tokenRow: { prompt: string; ids: RowIds } | undefined;
        try {
          if (conversation) {
            const answer = await askTokens(request, conversation);
            response = answer.response;
            tokenRow = answer;
          } else {
            response = await askMessages(request);
          }
          stats.answered(response);
        } catch (err) {
          o.checkCancelled();
          // Only a request lost for good ends the trajectory; anything else is a bug of the policy.
          if (!(err instanceof PolicyRequestError)) throw err;
          stats.failed(err);
          if (err.kind === 'context-length') return end('context-length', err);
          if (o.onPolicyError === 'abort') throw err;
          return end('policy-error', err);
        }
        let outcome: StepOutcome;
        try {
          outcome = await envs.stepText(i, response.text);
        } catch (err) {
          o.checkCancelled();
          return end('env-error', err);
        }
        // The row's text, straight into the recorder's columns.
        if (tokenRow) prompts.text(tokenRow.prompt);
        else if (builtJson) builtJson.write(prompts, t, observation, admissible, history);
        else prompts.text(JSON.stringify(request.messages)); // a template's messages, every field they carry
        responses.text(response.text);
        recorder.recordOutcome(
          i,
          t,
          outcome.action,
          outcome.reward,
          +outcome.done,
          +outcome.truncated,
          +outcome.valid,
          tokenRow ? tokenRow.ids : idsOf(response),
        );
        if (o.historyLength > 0 && !conversation) {
          history.push({ observation, action: outcome.actionText });
          if (history.length > o.historyLength) history.shift();
        }
        if (outcome.done || outcome.truncated) return end(outcome.done ? 'done' : 'max-steps');
        o.onStep(t, running);
      }
    } catch (err) {
      // The first error that fails the rollout stops every other trajectory (their requests are cancelled).
      if (fatal === undefined) {
        fatal = { error: err };
        o.controller.abort(err);
      }
    } finally {
      running--;
      barrier?.leave();
      o.onStep(-1, running);
    }
  };

  // Every loop runs to its end even when one fails, so none is left stepping an env after return.
  await Promise.all(Array.from({ length: n }, (_, i) => trajectory(i)));
  if (fatal) throw fatal.error;
  return { stopReasons, dropped, droppedGroups, firstError };
}

/** The one response of a one-request call; a policy breaking that contract fails the rollout. */
function single(responses: readonly PolicyResponse[], request: PolicyRequest): PolicyResponse {
  const where = `policy response (traj ${request.traj}, step ${request.step})`;
  if (!Array.isArray(responses) || responses.length !== 1)
    throw new GigpoArgumentError(
      where,
      `act() returned ${Array.isArray(responses) ? responses.length : 'no array of'} responses for 1 requests`,
    );
  if (typeof responses[0]?.text !== 'string') throw new GigpoArgumentError(where, 'expected { text: string }');
  return responses[0];
}

/** The token columns a response carries, if any. */
function idsOf(res: PolicyResponse): RowIds | undefined {
  if (!res.promptIds && !res.responseIds && !res.logprobs) return undefined;
  const ids: RowIds = {};
  if (res.promptIds) ids.promptIds = res.promptIds;
  if (res.responseIds) ids.responseIds = res.responseIds;
  if (res.logprobs) ids.logprobs = res.logprobs;
  return ids;
}
