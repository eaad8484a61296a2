// What the remote-env tests share: a deterministic text policy that plays any of our envs
// from the prompt alone (it picks among the actions the prompt or the observation lists, by
// traj and step), and the rows of a batch as plain values to compare row for row.
import { functionPolicy, rowObservation, type StepBatch, type TextPolicy } from '../../lib/index.js';

/** The actions the prompt's last message offers: our "Admissible actions:" line, or the observation's own list. */
function offered(content: string): string[] {
  const line = /^(?:Admissible actions|Admissible commands|Actions): (.*)$/m.exec(content.split('\n').reverse().join('\n'));
  return line ? line[1].split(', ').filter((a) => a.length > 0) : [];
}

/** Answers `<action>a</action>` with a = offered[(7 step + 3 traj) mod n]; a search box gets the instruction's first words. */
export function listedActionPolicy(options: { delayMs?: (traj: number, step: number) => number } = {}): TextPolicy {
  return functionPolicy(async (messages, request) => {
    const delay = options.delayMs?.(request.traj, request.step) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const content = messages[messages.length - 1].content;
    const actions = offered(content);
    if (actions.length === 0) return '<action>none</action>';
    let action = actions[(7 * request.step + 3 * request.traj) % actions.length];
    if (action === 'search[...]') {
      const instruction = /Instruction: (?:i need |i want |find me )?(.*)/i.exec(content)?.[1] ?? 'item';
      action = `search[${instruction.split(/[ ,]+/).slice(0, 3).join(' ')}]`;
    }
    return `<think>step ${request.step}</think><action>${action}</action>`;
  });
}

export interface PlainRow {
  group: number;
  traj: number;
  step: number;
  anchor: string;
  reward: number;
  done: number;
  truncated: number;
  valid: number;
  observation: string;
  response: string;
}

export function plainRows(batch: StepBatch): PlainRow[] {
  const decoder = new TextDecoder();
  const rows: PlainRow[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const response = batch.response
      ? decoder.decode(batch.response.data.subarray(batch.response.offsets[r], batch.response.offsets[r + 1]))
      : '';
    rows.push({
      group: batch.group[r],
      traj: batch.traj[r],
      step: batch.step[r],
      anchor: batch.anchor[r].toString(16),
      reward: batch.reward[r],
      done: batch.done[r],
      truncated: batch.truncated[r],
      valid: batch.valid[r],
      observation: rowObservation(batch, r),
      response,
    });
  }
  return rows;
}
