// Prompt templates: what a text policy sees at each step. Messages = a system message
// (the task and the answer format), the last K (observation, action) pairs as
// user/assistant turns, and the current observation with the admissible actions.
// The anchor is always the bare observation (the env's key), never this prompt.
// The task text, the success reward and whether the observation lists the actions are
// the env's own metadata (its C++ info, via listEnvs()); a profile may change the last two.
import { GigpoArgumentError } from '../errors.js';
import type { ChatMessage } from './chat-message.js';
import type { EnvOptions } from './env-batch.js';
import { envInfo } from './registry.js';

export interface EnvPromptSpec {
  /** What the agent is doing and the rules that matter. */
  task: string;
  /** A trajectory succeeds when it ends by the env's rules with a last reward >= this. */
  successReward: number;
  /** Whether the observation already lists the admissible actions (text envs). */
  observationListsActions: boolean;
  /** Default answer budget (max_tokens): room for a short <think> and one action. */
  maxTokens: number;
}

// Answer budgets per env (the default of a text policy's max tokens; `gigpo envs` shows them).
const ANSWER_TOKENS: Record<string, number> = {
  numberline: 128,
  sokoban: 256,
  frozenlake: 256,
  ezpoints: 256,
  points24: 384,
  household: 384,
  shop: 384,
};
const DEFAULT_ANSWER_TOKENS = 512;

const ANSWER_FORMAT = 'Think step by step inside <think>...</think>, then give exactly one action inside <action>...</action>.';

/** The prompt name of remote envs whose server is not one of our envs (real ALFWorld, WebShop, ...). */
export const REMOTE_PROMPT = 'remote';

// A generic task: the server's observation says what to do; its admissible actions follow it.
const REMOTE_SPEC: Readonly<EnvPromptSpec> = {
  task: 'You are an agent in a text environment. Read the observation, then take the action that best advances its task.',
  successReward: 1,
  observationListsActions: false,
  maxTokens: DEFAULT_ANSWER_TOKENS,
};

// One spec per (env, profile): buildMessages and the admissible-action check ask for it every step.
const specs = new Map<string, Readonly<EnvPromptSpec>>();
let last = { env: '', profile: '' as unknown, spec: undefined as Readonly<EnvPromptSpec> | undefined };

/** The prompt facts of `env` under the profile its options select (default 'native'). */
export function promptSpec(env: string, options: Readonly<EnvOptions> = {}): Readonly<EnvPromptSpec> {
  if (env === REMOTE_PROMPT && options.profile === undefined) return REMOTE_SPEC;
  const profileName = options.profile ?? 'native';
  if (env === last.env && profileName === last.profile && last.spec) return last.spec;
  const key = `${env}\0${String(profileName)}`;
  const known = specs.get(key);
  if (known) {
    last = { env, profile: profileName, spec: known };
    return known;
  }
  const info = envInfo(env);
  if (!info) throw new GigpoArgumentError('env', `unknown environment '${String(env)}'`);
  const profile = info.profiles.find((p) => p.name === profileName);
  if (!profile)
    throw new GigpoArgumentError(
      'options.profile',
      `must be one of ${info.profiles.map((p) => `'${p.name}'`).join(', ')}, got '${String(profileName)}'`,
    );
  const spec = Object.freeze({
    task: info.task,
    successReward: profile.successReward,
    observationListsActions: profile.observationListsActions,
    maxTokens: ANSWER_TOKENS[env] ?? DEFAULT_ANSWER_TOKENS,
  });
  specs.set(key, spec);
  last = { env, profile: profileName, spec };
  return spec;
}

export interface PromptHistoryEntry {
  observation: string;
  action: string;
}

// One system prompt string per task: every request of an env shares it (the rollout loop caches its JSON).
const systemPrompts = new Map<string, string>();

/** buildMessages' system message: the task and the answer format. */
export function systemPrompt(spec: Readonly<EnvPromptSpec>): string {
  let system = systemPrompts.get(spec.task);
  if (system === undefined) {
    system = `${spec.task}\n${ANSWER_FORMAT}`;
    systemPrompts.set(spec.task, system);
  }
  return system;
}

// buildMessages' fixed text around the variable parts (the rollout loop writes their JSON from these too).
/** A history entry's user message: this, then the observation. */
export const HISTORY_OBSERVATION = 'Observation:\n';
/** The current user message: `Step ${step + 1}${CURRENT_OBSERVATION}${observation}`. */
export const CURRENT_OBSERVATION = '. Current observation:\n';
/** After the current observation when the prompt lists the actions: this, then them joined by ', '. */
export const ADMISSIBLE_ACTIONS = '\nAdmissible actions: ';

/** A history entry's assistant message: the action as the answer format writes it, between these. */
export const ACTION_OPEN = '<action>';
export const ACTION_CLOSE = '</action>';

export function actionAnswer(action: string): string {
  return `${ACTION_OPEN}${action}${ACTION_CLOSE}`;
}

export function buildMessages(
  env: string,
  step: number,
  observation: string,
  admissible: readonly string[],
  history: readonly PromptHistoryEntry[],
  options: Readonly<EnvOptions> = {},
): ChatMessage[] {
  const spec = promptSpec(env, options);
  const messages: ChatMessage[] = [{ role: 'system', content: systemPrompt(spec) }];
  for (const h of history) {
    messages.push({ role: 'user', content: `${HISTORY_OBSERVATION}${h.observation}` });
    messages.push({ role: 'assistant', content: actionAnswer(h.action) });
  }
  let current = `Step ${step + 1}${CURRENT_OBSERVATION}${observation}`;
  if (!spec.observationListsActions && admissible.length > 0) current += `${ADMISSIBLE_ACTIONS}${admissible.join(', ')}`;
  messages.push({ role: 'user', content: current });
  return messages;
}
