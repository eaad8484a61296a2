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
import type { RowText, TrajectoryRecorder } from './recorder.js';
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

  // The prompt column holds the messages as JSON; the system message is the same for every request.
  let systemJson = { message: { role: 'system', content: '' } as ChatMessage, json: '' };
  const promptJson = (messages: readonly ChatMessage[]): string => {
    const [system] = messages;
    const cached = systemJson.message;
    if (system.content !== cached.content || system.role !== cached.role) systemJson = { message: system, json: messageJson(system) };
    let json = `[${systemJson.json}`;
    for (let k = 1; k < messages.length; k++) json += `,${messageJson(messages[k])}`;
    return `${json}]`;
  };
  // buildMessages' messages are { role, content } with a known role: only the content needs escaping.
  // A template function's messages may carry more fields, kept in the column as they are.
  const messageJson = template
    ? (m: ChatMessage): string => JSON.stringify(m)
    : (m: ChatMessage): string => `{"role":"${m.role}","content":${JSON.stringify(m.content)}}`;

  /** Asks the policy for env i's step t; history mode sends messages, conversation mode token ids. */
  const ask = async (
    request: PolicyRequest,
    conversation: Conversation | undefined,
  ): Promise<{ response: PolicyResponse; row: RowText }> => {
    if (!conversation) {
      const response = await stats.time(() => policy.act([request], signal).then((r) => single(r, request)));
      return { response, row: rowText(promptJson(request.messages), response) };
    }
    // The conversation's turns: the system message once, then each step's last (user) message.
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const user = request.messages[request.messages.length - 1].content;
    const prompt = await conversation.prompt(request, system, user, signal);
    const response = await stats.time(() =>
      tokens!
        .completeIds(
          { group: request.group, traj: request.traj, step: request.step, promptIds: prompt.ids, maxTokens: request.maxTokens },
          signal,
        )
        .then((r) => single([r], request)),
    );
    conversation.answered(response);
    const responseMask = new Uint8Array(prompt.ids.length + response.responseIds!.length).fill(1, prompt.ids.length);
    responseMask.set(prompt.sampledMask);
    return {
      response: { ...response, promptIds: prompt.ids },
      row: { ...rowText(prompt.text, response), promptIds: prompt.ids, responseMask },
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
        const request: PolicyRequest = {
          group,
          traj: baseTraj + i,
          step: t,
          messages: messagesOf(t, observation, envs.admissibleActions(i), conversation ? [] : history),
          maxTokens,
        };
        let answer: { response: PolicyResponse; row: RowText };
        try {
          answer = await ask(request, conversation);
          stats.answered(answer.response);
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
          outcome = await envs.stepText(i, answer.response.text);
        } catch (err) {
          o.checkCancelled();
          return end('env-error', err);
        }
        recorder.recordOutcome(i, t, outcome.action, outcome.reward, +outcome.done, +outcome.truncated, +outcome.valid, answer.row);
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

function rowText(prompt: string, res: PolicyResponse): RowText {
  const row: RowText = { prompt, response: res.text };
  if (res.promptIds) row.promptIds = res.promptIds;
  if (res.responseIds) row.responseIds = res.responseIds;
  if (res.logprobs) row.logprobs = res.logprobs;
  return row;
}
