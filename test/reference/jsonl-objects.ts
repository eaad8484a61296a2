// An independent JSONL writer for cross-checks: each step as a JavaScript object with the
// fields of docs/FORMAT.md in their documented order, floats as the shortest decimal that
// reads back as the same float32 (found with toPrecision, not the native encoder's to_chars),
// and the whole line through JSON.stringify. Slow and plain on purpose.
import { raggedText, trajectoryStarts, type Ragged, type StepBatch } from '../../lib/io/step-batch.js';

/** The shortest decimal (as a number) that rounds to the float32 `x`; non-finite and integers as they are. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || (Number.isInteger(x) && Math.abs(x) <= 2 ** 24)) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

/** A float32 as JSON text: what String() gives for its shortest decimal (NaN and Infinity kept as text). */
export function float32Text(x: number): string {
  return String(shortestFloat32(x));
}

// JSON.stringify writes non-finite numbers as null; the format writes them as String() does
// (the reader then names them), so floats go in as placeholders that are swapped afterwards.
const FLOAT = '\u0000f:';

function float(x: number): string {
  return FLOAT + float32Text(x);
}

function list(c: Ragged<Uint8Array | Int32Array | Float32Array>, r: number, isFloat: boolean): unknown[] {
  return Array.from(c.data.subarray(c.offsets[r], c.offsets[r + 1]), (v) => (isFloat ? float(v) : v));
}

const hex = (a: bigint) => a.toString(16).padStart(16, '0');

function stepObject(b: StepBatch, r: number, withStep: boolean): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (withStep) s.step = b.step[r];
  s.obs = raggedText(b.observations, b.obs[r]);
  s.anchor = hex(b.anchor[r]);
  const t = b.actionText;
  s.action = t && t.offsets[r + 1] > t.offsets[r] ? raggedText(t, r) : b.action[r];
  s.reward = float(b.reward[r]);
  s.valid = b.valid[r] === 1;
  s.done = b.done[r] === 1;
  s.truncated = b.truncated[r] === 1;
  if (b.prompt) s.prompt = raggedText(b.prompt, r);
  if (b.response) s.response = raggedText(b.response, r);
  if (b.promptIds) s.prompt_ids = list(b.promptIds, r, false);
  if (b.responseIds) s.response_ids = list(b.responseIds, r, false);
  if (b.logprobs) s.logprobs = list(b.logprobs, r, true);
  if (b.responseMask) s.response_mask = list(b.responseMask, r, false);
  if (b.stateAnchor) s.state_anchor = hex(b.stateAnchor[r]);
  if (b.tokenAdvantage) s.token_advantage = list(b.tokenAdvantage, r, true);
  if (b.sourceRow) s.source_row = b.sourceRow[r];
  if (b.importanceWeight) s.importance_weight = float(b.importanceWeight[r]);
  const sc = b.scores;
  if (sc) {
    s.return = float(sc.returns[r]);
    s.episode_advantage = float(sc.episodeAdvantage[r]);
    s.step_advantage = float(sc.stepAdvantage[r]);
    s.advantage = float(sc.advantage[r]);
    s.step_group = sc.stepGroup[r];
  }
  return s;
}

function stringify(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000f:([^"]*)"/g, '$1');
}

/** The batch's JSONL lines (without line breaks), ids as given or the batch's labels or numbers. */
export function referenceJsonlLines(
  b: StepBatch,
  form: 'trajectory' | 'row',
  ids?: { group: readonly (string | number)[]; traj: readonly (string | number)[] },
): string[] {
  const group = (r: number) => (ids ? ids.group[b.group[r]] : b.groupLabels ? b.groupLabels[b.group[r]] : b.group[r]);
  const traj = (r: number) => (ids ? ids.traj[b.traj[r]] : b.trajLabels ? b.trajLabels[b.traj[r]] : b.traj[r]);
  const lines: string[] = [];
  if (form === 'row') {
    for (let r = 0; r < b.numRows; r++) lines.push(stringify({ group: group(r), traj: traj(r), ...stepObject(b, r, true) }));
    return lines;
  }
  const starts = trajectoryStarts(b);
  for (let t = 0; t + 1 < starts.length; t++) {
    const steps = [];
    for (let r = starts[t]; r < starts[t + 1]; r++) steps.push(stepObject(b, r, b.sourceRow !== undefined));
    lines.push(stringify({ group: group(starts[t]), traj: traj(starts[t]), steps }));
  }
  return lines;
}
