// The prompt column of buildMessages' prompts: JSON.stringify(messages) as UTF-8, written into
// the column from the prompt's parts instead of serializing every message of every request:
// the system message, the fixed text around the parts and each step's "Step N" prefix are
// bytes made once; the observations and actions are escaped straight into the column. (JSON
// escapes code unit by code unit, so the escaped concatenation is the concatenation of the
// escaped parts: every variable part here sits between fixed ASCII text.)
import {
  ACTION_CLOSE,
  ACTION_OPEN,
  ADMISSIBLE_ACTIONS,
  CURRENT_OBSERVATION,
  HISTORY_OBSERVATION,
  systemPrompt,
  type EnvPromptSpec,
  type PromptHistoryEntry,
} from '../envs/prompts.js';
import type { TextColumn } from './text-column.js';

/** A JSON string's escaped content: JSON.stringify(s) without its quotes. */
const escaped = (s: string): string => JSON.stringify(s).slice(1, -1);
const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

export class PromptJson {
  private readonly head: Uint8Array;
  private readonly historyUser = bytesOf(`,{"role":"user","content":"${escaped(HISTORY_OBSERVATION)}`);
  private readonly historyAssistant = bytesOf(`"},{"role":"assistant","content":"${escaped(ACTION_OPEN)}`);
  private readonly historyEnd = bytesOf(`${escaped(ACTION_CLOSE)}"}`);
  private readonly tail = bytesOf('"}]');
  /** stepHeads[t]: step t's user message up to its observation. */
  private readonly stepHeads: Uint8Array[] = [];
  private lastAdmissible: readonly string[] | undefined;
  private lastAdmissibleJson: Uint8Array | undefined;

  constructor(private readonly spec: Readonly<EnvPromptSpec>) {
    this.head = bytesOf(`[{"role":"system","content":${JSON.stringify(systemPrompt(spec))}}`);
  }

  /** Writes the JSON of buildMessages(env, step, observation, admissible, history) into `out`. */
  write(out: TextColumn, step: number, observation: string, admissible: readonly string[], history: readonly PromptHistoryEntry[]): void {
    out.bytes(this.head);
    for (let k = 0; k < history.length; k++) {
      out.bytes(this.historyUser);
      out.jsonContent(history[k].observation);
      out.bytes(this.historyAssistant);
      out.jsonContent(history[k].action);
      out.bytes(this.historyEnd);
    }
    let stepHead = this.stepHeads[step];
    if (stepHead === undefined) {
      stepHead = bytesOf(`,{"role":"user","content":"Step ${step + 1}${escaped(CURRENT_OBSERVATION)}`);
      this.stepHeads[step] = stepHead;
    }
    out.bytes(stepHead);
    out.jsonContent(observation);
    if (!this.spec.observationListsActions && admissible.length > 0) {
      // Native envs hand back the same array while every action is admissible.
      if (admissible !== this.lastAdmissible) {
        this.lastAdmissible = admissible;
        this.lastAdmissibleJson = bytesOf(escaped(`${ADMISSIBLE_ACTIONS}${admissible.join(', ')}`));
      }
      out.bytes(this.lastAdmissibleJson!);
    }
    out.bytes(this.tail);
  }
}
