// The prompt column of buildMessages' prompts: JSON.stringify(messages) as UTF-8, written from
// parts escaped once instead of serializing every message of every request. An observation is
// escaped when it is current and its bytes reused while it stays in the history; the system
// message, the fixed text around the parts and each step's "Step N" prefix are bytes made once.
// (JSON escapes code unit by code unit, so the escaped concatenation is the concatenation of the
// escaped parts: every variable part here sits between fixed ASCII text.)
import {
  actionAnswer,
  ADMISSIBLE_ACTIONS,
  CURRENT_OBSERVATION,
  HISTORY_OBSERVATION,
  systemPrompt,
  type EnvPromptSpec,
} from '../envs/prompts.js';
import type { TextColumn } from './text-column.js';

/** JSON.stringify(s) without its quotes, as UTF-8: a JSON string's escaped content. */
export function jsonContent(s: string): Uint8Array {
  const b = Buffer.from(JSON.stringify(s));
  return b.subarray(1, b.length - 1);
}

/** One history entry's escaped parts. */
export interface PastJson {
  observation: Uint8Array;
  action: Uint8Array;
}

const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

export class PromptJson {
  private readonly head: Uint8Array;
  private readonly historyUser = bytesOf(`,{"role":"user","content":"${JSON.stringify(HISTORY_OBSERVATION).slice(1, -1)}`);
  private readonly historyAssistant = bytesOf('"},{"role":"assistant","content":"');
  private readonly tail = bytesOf('"}]');
  private readonly messageEnd = bytesOf('"}');
  /** stepHeads[t]: the current user message up to its observation. */
  private readonly stepHeads: Uint8Array[] = [];
  private lastAdmissible: readonly string[] | undefined;
  private lastAdmissibleJson: Uint8Array | undefined;

  constructor(private readonly spec: Readonly<EnvPromptSpec>) {
    this.head = bytesOf(`[{"role":"system","content":${JSON.stringify(systemPrompt(spec))}}`);
  }

  /** The escaped admissible-actions part of a prompt, or undefined when the prompt has none (as buildMessages decides). */
  admissibleJson(admissible: readonly string[]): Uint8Array | undefined {
    if (this.spec.observationListsActions || admissible.length === 0) return undefined;
    // Native envs hand back the same array while every action is admissible.
    if (admissible !== this.lastAdmissible) {
      this.lastAdmissible = admissible;
      this.lastAdmissibleJson = jsonContent(`${ADMISSIBLE_ACTIONS}${admissible.join(', ')}`);
    }
    return this.lastAdmissibleJson;
  }

  /**
   * Writes the JSON of buildMessages(env, step, observation, admissible, history) into `out`, from
   * the observation's jsonContent(), admissibleJson(admissible) and the history's escaped parts.
   */
  write(out: TextColumn, step: number, observation: Uint8Array, admissible: Uint8Array | undefined, history: readonly PastJson[]): void {
    out.bytes(this.head);
    for (let k = 0; k < history.length; k++) {
      out.bytes(this.historyUser);
      out.bytes(history[k].observation);
      out.bytes(this.historyAssistant);
      out.bytes(history[k].action);
      out.bytes(this.messageEnd);
    }
    let stepHead = this.stepHeads[step];
    if (stepHead === undefined) {
      stepHead = bytesOf(`,{"role":"user","content":"Step ${step + 1}${JSON.stringify(CURRENT_OBSERVATION).slice(1, -1)}`);
      this.stepHeads[step] = stepHead;
    }
    out.bytes(stepHead);
    out.bytes(observation);
    if (admissible !== undefined) out.bytes(admissible);
    out.bytes(this.tail);
  }

  /** A history entry's escaped parts. */
  static past(observation: Uint8Array, action: string): PastJson {
    return { observation, action: jsonContent(actionAnswer(action)) };
  }
}
