// Writes StepBatches as JSONL, in trajectory form (one trajectory per line) or row form
// (one step per line), rows in batch order. Scored batches add return, episode_advantage,
// step_advantage, advantage and step_group to every step. float32 values are written as
// the shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612).
import { AtomicFile } from './atomic-file.js';
import type { ByteSink } from './byte-sink.js';
import { raggedText, trajectoryStarts, validateStepBatch, type Ragged, type StepBatch } from './step-batch.js';

export type JsonlForm = 'trajectory' | 'row';

/** The shortest decimal (as a number) that rounds to the float32 `x`. */
export function shortestFloat32(x: number): number {
  if ((Number.isInteger(x) && Math.abs(x) <= 16777216) || !Number.isFinite(x)) return x; // small integers print exactly
  // If some p-digit decimal rounds to x, the nearest p-digit one does; p = 9 always works.
  for (let p = 6; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

function numbers(c: Ragged<Int32Array | Float32Array>, r: number, float: boolean): number[] {
  const out: number[] = [];
  for (let i = c.offsets[r]; i < c.offsets[r + 1]; i++) out.push(float ? shortestFloat32(c.data[i]) : c.data[i]);
  return out;
}

/** The JSON fields of row r (without group/traj/step); `texts` caches decoded observations. */
function stepObject(b: StepBatch, r: number, texts: (string | undefined)[]): Record<string, unknown> {
  const o = b.obs[r];
  const s: Record<string, unknown> = {
    obs: (texts[o] ??= raggedText(b.observations, o)),
    anchor: b.anchor[r].toString(16).padStart(16, '0'),
    action: b.action[r],
    reward: shortestFloat32(b.reward[r]),
    valid: b.valid[r] === 1,
    done: b.done[r] === 1,
    truncated: b.truncated[r] === 1,
  };
  if (b.prompt) s.prompt = raggedText(b.prompt, r);
  if (b.response) s.response = raggedText(b.response, r);
  if (b.promptIds) s.prompt_ids = numbers(b.promptIds, r, false);
  if (b.responseIds) s.response_ids = numbers(b.responseIds, r, false);
  if (b.logprobs) s.logprobs = numbers(b.logprobs, r, true);
  const sc = b.scores;
  if (sc) {
    s.return = shortestFloat32(sc.returns[r]);
    s.episode_advantage = shortestFloat32(sc.episodeAdvantage[r]);
    s.step_advantage = shortestFloat32(sc.stepAdvantage[r]);
    s.advantage = shortestFloat32(sc.advantage[r]);
    s.step_group = sc.stepGroup[r];
  }
  return s;
}

/** How group and trajectory ids are written: by batch id (index = the id in the batch's columns). */
export interface JsonlIds {
  group: readonly (string | number)[];
  traj: readonly (string | number)[];
}

/**
 * Formats rows of one batch as JSONL lines (without line breaks). Ids are the batch's
 * labels when it has label tables, else its numeric ids, unless `ids` gives them (e.g.
 * the ids as read, so that numbers stay numbers).
 */
export class JsonlFormatter {
  private readonly texts: (string | undefined)[];

  constructor(private readonly batch: StepBatch, private readonly ids?: JsonlIds) {
    this.texts = new Array<string | undefined>(batch.observations.offsets.length - 1);
  }

  private groupId(r: number): string | number {
    const b = this.batch;
    if (this.ids) return this.ids.group[b.group[r]];
    return b.groupLabels ? b.groupLabels[b.group[r]] : b.group[r];
  }

  private trajId(r: number): string | number {
    const b = this.batch;
    if (this.ids) return this.ids.traj[b.traj[r]];
    return b.trajLabels ? b.trajLabels[b.traj[r]] : b.traj[r];
  }

  /** Row r in row form. */
  row(r: number): string {
    return JSON.stringify({ group: this.groupId(r), traj: this.trajId(r), step: this.batch.step[r], ...stepObject(this.batch, r, this.texts) });
  }

  /** Rows [start, end) (one whole trajectory) in trajectory form. */
  trajectory(start: number, end: number): string {
    const steps = [];
    for (let r = start; r < end; r++) steps.push(stepObject(this.batch, r, this.texts));
    return JSON.stringify({ group: this.groupId(start), traj: this.trajId(start), steps });
  }
}

/** The lines (without line breaks) of a batch in the given form. */
export function* jsonlLines(batch: StepBatch, form: JsonlForm, ids?: JsonlIds): Generator<string> {
  const f = new JsonlFormatter(batch, ids);
  if (form === 'row') {
    for (let r = 0; r < batch.numRows; r++) yield f.row(r);
    return;
  }
  const starts = trajectoryStarts(batch);
  for (let t = 0; t + 1 < starts.length; t++) yield f.trajectory(starts[t], starts[t + 1]);
}

const FLUSH_CHARS = 1 << 20;

/** JSONL output through a temporary file renamed into place on close(). */
export class JsonlWriter {
  private constructor(private readonly file: ByteSink, readonly form: JsonlForm) {}

  static async open(path: string, form: JsonlForm): Promise<JsonlWriter> {
    return new JsonlWriter(await AtomicFile.open(path), form);
  }

  /** A writer into any sink (e.g. stdout through writableSink). */
  static to(sink: ByteSink, form: JsonlForm): JsonlWriter {
    return new JsonlWriter(sink, form);
  }

  async write(batch: StepBatch): Promise<void> {
    validateStepBatch(batch);
    let text = '';
    for (const line of jsonlLines(batch, this.form)) {
      text += `${line}\n`;
      if (text.length >= FLUSH_CHARS) {
        await this.file.write(text);
        text = '';
      }
    }
    if (text) await this.file.write(text);
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  async abort(): Promise<void> {
    await this.file.abort();
  }
}

/** Writes every batch; on any error the partial file is removed and the error rethrown. */
export async function writeJsonlFile(path: string, batches: Iterable<StepBatch> | AsyncIterable<StepBatch>, form: JsonlForm): Promise<void> {
  const writer = await JsonlWriter.open(path, form);
  try {
    for await (const batch of batches) await writer.write(batch);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
