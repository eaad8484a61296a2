// User-supplied prompt templates. A template is either a function of the step's context that
// returns the messages, or text with named placeholders, in the placeholder style of
// verl-agent's templates (Python str.format: `{name}` is replaced, `{{` and `}}` are literal
// braces), so a template pasted from there renders the same bytes:
//   {task_description}     the env's task text (or the instruction a text env states)
//   {current_observation}  the observation the action is taken from
//   {admissible_actions}   the admissible actions, rendered by `admissible`
//   {history_length}       how many past steps {action_history} shows
//   {action_history}       the last `historyLength` steps, each rendered by `historyEntry`
//   {step_count}           steps taken so far in this episode
//   {current_step}         step_count + 1
// By default the whole prompt is ONE user message (no system message, as verl-agent sends
// it); `system` adds a system message first. `first` is the text used while there is no
// history yet (verl-agent's *_NO_HIS templates); without it `user` is used throughout.
import { GigpoArgumentError } from '../errors.js';
import type { ChatMessage } from './chat-message.js';

/** What a prompt is built from at one step of one trajectory. */
export interface PromptContext {
  env: string;
  /** The env's task text. */
  task: string;
  /** 0-based index of this step in the episode (= steps taken so far). */
  step: number;
  observation: string;
  /** Admissible actions as the agent would write them (may be empty). */
  admissibleActions: readonly string[];
  /** The last steps, oldest first: the observation each action was taken from and the action's name. */
  history: readonly { observation: string; action: string }[];
}

export interface PromptTemplateSpec {
  /** The user message (placeholders above). */
  user: string;
  /** The user message while the episode has no history yet; default `user`. */
  first?: string;
  /** A system message sent before the user message; none by default. */
  system?: string;
  /**
   * One history entry; placeholders {step} (its 1-based step number in the episode), {observation}
   * and {action}. Default verl-agent's: `[Observation {step}: '{observation}', Action {step}: '{action}']`.
   */
  historyEntry?: string;
  /** Between history entries; default "\n". */
  historySeparator?: string;
  /** One admissible action; placeholder {action}. Default `'{action}'`. */
  admissibleEntry?: string;
  /** Between admissible actions; default "\n ". */
  admissibleSeparator?: string;
}

export type PromptTemplateFunction = (context: PromptContext) => ChatMessage[];
/** A function, a spec, or the user message's text alone. */
export type PromptTemplate = string | PromptTemplateSpec | PromptTemplateFunction;

const DEFAULT_HISTORY_ENTRY = "[Observation {step}: '{observation}', Action {step}: '{action}']";

/** Python str.format with named fields only: `{name}` from `values`, `{{` / `}}` literal. */
export function formatNamed(template: string, values: Readonly<Record<string, string | number>>, where = 'template'): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const close = template.indexOf('}', i);
      if (close < 0) throw new GigpoArgumentError(where, `unmatched '{' at offset ${i}`);
      const name = template.slice(i + 1, close);
      if (!Object.hasOwn(values, name))
        throw new GigpoArgumentError(
          where,
          `unknown placeholder {${name}} (known: ${Object.keys(values)
            .map((k) => `{${k}}`)
            .join(', ')})`,
        );
      out += String(values[name]);
      i = close;
    } else if (c === '}') {
      if (template[i + 1] !== '}') throw new GigpoArgumentError(where, `single '}' at offset ${i} (write '}}' for a brace)`);
      out += '}';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function specOf(template: string | PromptTemplateSpec): PromptTemplateSpec {
  if (typeof template === 'string') return { user: template };
  if (template === null || typeof template !== 'object' || typeof template.user !== 'string')
    throw new GigpoArgumentError('promptTemplate', 'expected a string, a function or { user: string, ... }');
  for (const key of ['first', 'system', 'historyEntry', 'historySeparator', 'admissibleEntry', 'admissibleSeparator'] as const)
    if (template[key] !== undefined && typeof template[key] !== 'string')
      throw new GigpoArgumentError(`promptTemplate.${key}`, 'expected a string');
  return template;
}

/** Checks a template once (before a rollout) and returns the function that renders it. */
export function compilePromptTemplate(template: PromptTemplate): PromptTemplateFunction {
  if (typeof template === 'function') {
    return (context) => {
      const messages = template(context);
      if (!Array.isArray(messages) || messages.some((m) => m === null || typeof m !== 'object' || typeof m.content !== 'string'))
        throw new GigpoArgumentError('promptTemplate', 'the function must return an array of { role, content } messages');
      return messages;
    };
  }
  const spec = specOf(template);
  const entry = spec.historyEntry ?? DEFAULT_HISTORY_ENTRY;
  const render = (context: PromptContext): ChatMessage[] => {
    const stepCount = context.step;
    const firstShown = stepCount - context.history.length;
    const actionHistory = context.history
      .map((h, k) =>
        formatNamed(entry, { step: firstShown + k + 1, observation: h.observation, action: h.action }, 'promptTemplate.historyEntry'),
      )
      .join(spec.historySeparator ?? '\n');
    const admissible = context.admissibleActions
      .map((a) => formatNamed(spec.admissibleEntry ?? "'{action}'", { action: a }, 'promptTemplate.admissibleEntry'))
      .join(spec.admissibleSeparator ?? '\n ');
    const values = {
      task_description: context.task,
      current_observation: context.observation,
      admissible_actions: admissible,
      history_length: context.history.length,
      action_history: actionHistory,
      step_count: stepCount,
      current_step: stepCount + 1,
    };
    const user = context.history.length === 0 && spec.first !== undefined ? spec.first : spec.user;
    const messages: ChatMessage[] = [];
    if (spec.system !== undefined) messages.push({ role: 'system', content: formatNamed(spec.system, values, 'promptTemplate.system') });
    messages.push({ role: 'user', content: formatNamed(user, values, 'promptTemplate.user') });
    return messages;
  };
  // Fail on a bad template now, not at the first step of a rollout.
  render({ env: '', task: '', step: 1, observation: '', admissibleActions: ['a'], history: [{ observation: '', action: '' }] });
  render({ env: '', task: '', step: 0, observation: '', admissibleActions: [], history: [] });
  return render;
}
