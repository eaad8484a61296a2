// Prompt templates: what a text policy sees at each step. Messages = a system message
// (the task and the answer format), the last K (observation, action) pairs as
// user/assistant turns, and the current observation with the admissible actions.
// The anchor is always the bare observation (the env's key), never this prompt.
import type { ChatMessage } from './chat-message.js';

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

const ANSWER_FORMAT =
  'Think step by step inside <think>...</think>, then give exactly one action inside <action>...</action>.';

const SPECS: Record<string, EnvPromptSpec> = {
  sokoban: {
    task:
      'You are solving a Sokoban puzzle. Push every box onto a target. You can only push boxes (never pull) and cannot walk through walls or boxes. ' +
      'Symbols: # wall, space or _ floor, . or O target, $ or X box, * or √ box on target, @ or P you, + or S you on a target. ' +
      'Rewards: -0.1 per step, +1 for a box onto a target, -1 for a box off a target, +10 when all boxes are on targets.',
    successReward: 10,
    observationListsActions: false,
    maxTokens: 256,
  },
  frozenlake: {
    task:
      'You are walking on a frozen lake to reach the goal without falling into a hole. The ice may be slippery. ' +
      'Symbols: P you, _ frozen ice, O hole, G goal, X you in a hole, * you on the goal. Reward 1 at the goal.',
    successReward: 1,
    observationListsActions: false,
    maxTokens: 256,
  },
  numberline: {
    task: 'Move along a number line to the target position. "+" moves up by one, "-" down by one. +1 on arrival, -1 for a move that does not get closer.',
    successReward: 1,
    observationListsActions: false,
    maxTokens: 128,
  },
  ezpoints: {
    task:
      'Build a formula that uses both cards once and equals 12, one token at a time (a card number, +, *, and finally =). ' +
      'Face cards count 10. Reward 10 for a correct formula, -1 for an illegal token or a wrong formula.',
    successReward: 10,
    observationListsActions: false,
    maxTokens: 256,
  },
  points24: {
    task:
      'Build a formula that uses all four cards once and equals 24, one token at a time (card numbers, + - * /, parentheses, and finally =). ' +
      'Face cards count 10. Reward 10 for a correct formula, -1 for an illegal token or a wrong formula.',
    successReward: 10,
    observationListsActions: false,
    maxTokens: 384,
  },
  household: {
    task: 'You are an agent in a household. Complete the task stated in the observation by issuing one admissible command per step. Reward 10 when the task is done.',
    successReward: 10,
    observationListsActions: true,
    maxTokens: 384,
  },
  shop: {
    task: 'You are shopping on a website. Find and buy the product that best matches the instruction (attributes, options, price) using search[...] and click[...] actions. The reward at purchase measures how well it matches.',
    successReward: 1,
    observationListsActions: true,
    maxTokens: 384,
  },
};

const GENERIC: EnvPromptSpec = {
  task: 'You are an agent acting in an environment. Reach the goal described by the observation.',
  successReward: Number.POSITIVE_INFINITY,
  observationListsActions: false,
  maxTokens: 512,
};

export function promptSpec(env: string): EnvPromptSpec {
  return SPECS[env] ?? GENERIC;
}

export interface PromptHistoryEntry {
  observation: string;
  action: string;
}

// One system prompt string per spec: every request of an env shares it (the rollout loop caches its JSON).
const systemPrompts = new Map<EnvPromptSpec, string>();

export function buildMessages(
  env: string,
  step: number,
  observation: string,
  admissible: readonly string[],
  history: readonly PromptHistoryEntry[],
): ChatMessage[] {
  const spec = promptSpec(env);
  let system = systemPrompts.get(spec);
  if (system === undefined) systemPrompts.set(spec, (system = `${spec.task}\n${ANSWER_FORMAT}`));
  const messages: ChatMessage[] = [{ role: 'system', content: system }];
  for (const h of history) {
    messages.push({ role: 'user', content: `Observation:\n${h.observation}` });
    messages.push({ role: 'assistant', content: `<action>${h.action}</action>` });
  }
  let current = `Step ${step + 1}. Current observation:\n${observation}`;
  if (!spec.observationListsActions && admissible.length > 0) current += `\nAdmissible actions: ${admissible.join(', ')}`;
  messages.push({ role: 'user', content: current });
  return messages;
}
