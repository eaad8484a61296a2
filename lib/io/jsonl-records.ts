// The JSONL input records (docs/FORMAT.md) and their validation. A line is parsed with
// JSON.parse and every field is checked; errors are GigpoInputError("file:LINE", "field:
// what was expected, what was found"). The result is plain data; turning records into a
// StepBatch (hashing observations) is the advantage layer's job.
import { GigpoInputError } from '../errors.js';

export type RecordId = string | number;

export interface StepRecord {
  /** Observation text before the action. */
  obs?: string;
  /**
   * The anchor state, if the producer named one (replaces hashing `obs`): a 64-bit id, or an opaque
   * state name (any other string) that is hashed as `obs` would be, so equal names give equal anchors.
   */
  anchor?: bigint | string;
  action?: string | number;
  reward: number;
  /** The action parsed as valid. Default true. */
  valid: boolean;
  /** What a scored file carries (all five fields present and well-formed), else absent. */
  scores?: StepRecordScores;
  /** The episode ended here by the env's rules / by the step limit, when the file says so. */
  done?: boolean;
  truncated?: boolean;
  /** What the policy was sent and answered, and its tokens, when the producer had them. */
  prompt?: string;
  response?: string;
  promptIds?: number[];
  responseIds?: number[];
  logprobs?: number[];
  /** Over promptIds then responseIds: 1 where the policy sampled the token (`response_mask`). */
  responseMask?: number[];
  /** Hash of the env's full state (`state_anchor`, 16 hex digits), when the rollout recorded it. */
  stateAnchor?: bigint;
  /**
   * Rows of a training batch: the row's index in the rollout it was drawn from, its step there
   * (trajectory form: `steps[i].step`), its importance weight and per-token advantages.
   */
  sourceRow?: number;
  step?: number;
  importanceWeight?: number;
  tokenAdvantage?: number[];
  /** The version of the policy weights that generated the row's group (`policy_version`). */
  policyVersion?: number;
}

/** The optional per-step fields that become the batch's optional columns: JSON name -> record key. */
const TEXT_FIELDS = [
  ['prompt', 'prompt'],
  ['response', 'response'],
] as const;
const FLAG_FIELDS = ['done', 'truncated'] as const;
const LIST_FIELDS = [
  ['prompt_ids', 'promptIds', true],
  ['response_ids', 'responseIds', true],
  ['logprobs', 'logprobs', false],
  ['token_advantage', 'tokenAdvantage', false],
] as const;

/** The score fields of a scored JSONL step (return, episode_advantage, ...). */
export interface StepRecordScores {
  returns: number;
  episodeAdvantage: number;
  stepAdvantage: number;
  advantage: number;
  stepGroup: number;
}

export interface TrajectoryRecord {
  group: RecordId;
  traj: RecordId;
  steps: StepRecord[];
  /** Where the record came from ("file:line"), for later error messages. */
  source: string;
  /** The meta of the last `{"meta": ...}` line before the record, if any (the same object for every record it covers). */
  meta?: Record<string, unknown>;
}

export interface RowRecord extends StepRecord {
  group: RecordId;
  traj: RecordId;
  step: number;
  source: string;
  meta?: Record<string, unknown>;
}

/** A line `{"meta": {...}}` (its only key): the meta of the records after it, as a msgpack chunk's meta. */
export function metaOfLine(value: unknown, source: string): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'meta') return undefined;
  return objectOf((value as { meta: unknown }).meta, source, 'meta');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return String(v);
}

/** JSON.parse with an error that says what is wrong, naming the field of a NaN or Infinity. */
export function parseJsonLine(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const bad = nonFiniteField(text);
    if (bad)
      throw new GigpoInputError(source, `${bad.field}: expected a finite number, got ${bad.token} (NaN and Infinity are not JSON numbers)`);
    throw new GigpoInputError(source, `invalid JSON: ${(err as Error).message}`);
  }
}

const MARK = '\u0000gigpo-non-finite:';

/**
 * Where a bare NaN / Infinity / -Infinity sits (as Python's json.dumps writes them): each
 * such token outside string literals is swapped for a marker string, and if the line then
 * parses, the first marker's path is the field. Undefined if that does not explain the error.
 * A plain scan and an explicit stack: lines of many megabytes or deep nesting are fine.
 */
function nonFiniteField(text: string): { field: string; token: string } | undefined {
  const marked = markNonFinite(text);
  if (marked === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    return undefined;
  }
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.startsWith(MARK)) return { field: path || 'line', token: v.slice(MARK.length) };
    } else if (v !== null && typeof v === 'object') {
      // Pushed in reverse so the first field in the line is found first.
      const entries = Array.isArray(v)
        ? v.map((x, i) => [`${path}[${i}]`, x] as const)
        : Object.entries(v).map(([k, x]) => [path ? `${path}.${k}` : k, x] as const);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i][1], path: entries[i][0] });
    }
  }
  return undefined;
}

const NON_FINITE = ['-Infinity', 'Infinity', 'NaN'];

/** `text` with every NaN / Infinity / -Infinity outside strings replaced by a marker string; undefined if there is none. */
function markNonFinite(text: string): string | undefined {
  const pieces: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string literal: up to the next quote that is not escaped.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      continue;
    }
    if (c !== 0x2d && c !== 0x49 && c !== 0x4e) continue; // '-', 'I', 'N'
    const token = NON_FINITE.find((t) => text.startsWith(t, i));
    if (token === undefined) continue;
    pieces.push(text.slice(copied, i), JSON.stringify(MARK + token));
    i += token.length - 1;
    copied = i + 1;
  }
  if (pieces.length === 0) return undefined;
  pieces.push(text.slice(copied));
  return pieces.join('');
}

/** "steps[i]." as a field-name prefix, turned into text only when a message is built (one object per index, reused). */
class FieldPrefix {
  constructor(private readonly index: number) {}
  toString(): string {
    return `steps[${this.index}].`;
  }
}

const prefixes: FieldPrefix[] = [];

function prefixOf(index: number): FieldPrefix {
  if (index >= 4096) return new FieldPrefix(index);
  let p = prefixes[index];
  if (p === undefined) prefixes[index] = p = new FieldPrefix(index);
  return p;
}

function fail(source: string, field: string, message: string): never {
  throw new GigpoInputError(source, `${field}: ${message}`);
}

function objectOf(v: unknown, source: string, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(source, field, `expected a JSON object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

function id(v: unknown, source: string, field: string): RecordId {
  if (v === undefined) fail(source, field, 'missing (expected a string or an integer)');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return fail(source, field, `expected a string or an integer, got ${describe(v)}`);
}

/**
 * An anchor: 16 hex digits (the form this library writes) or an integer in [0, 2^53) name that
 * 64-bit id; any other string is an opaque state name (hashed like `obs` when the batch is built).
 */
export function parseAnchor(v: unknown, source: string, field: string): bigint | string {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    return fail(source, field, `expected a string or a non-negative integer below 2^53 (write larger ids as strings), got ${describe(v)}`);
  }
  if (typeof v === 'string') return anchorOfText(v);
  return fail(source, field, `expected a string or a non-negative integer, got ${describe(v)}`);
}

/** parseAnchor of a string (never an error). Anchors repeat (every visit of a state names it again): each text is parsed once. */
function anchorOfText(v: string): bigint | string {
  let id = anchorIds.get(v);
  if (id === undefined) {
    if (anchorIds.size >= ANCHOR_CACHE_SIZE) anchorIds.clear();
    id = /^[0-9a-fA-F]{16}$/.test(v) ? BigInt(`0x${v}`) : v;
    anchorIds.set(v, id);
  }
  return id;
}

const ANCHOR_CACHE_SIZE = 1 << 14;
const anchorIds = new Map<string, bigint | string>();

/**
 * The step fields of `v`; `index` is its place in `steps` (field names get the prefix
 * "steps[3]."), or undefined for a row (no prefix). The prefix is only built for an error.
 */
function step(v: unknown, source: string, index?: number): StepRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) objectOf(v, source, index === undefined ? 'line' : `steps[${index}]`);
  const s = v as Record<string, unknown>;
  const at = index === undefined ? '' : prefixOf(index);
  const reward = s.reward;
  if (reward === undefined) fail(source, `${at}reward`, 'missing (expected a finite number)');
  if (typeof reward !== 'number' || !Number.isFinite(reward))
    fail(source, `${at}reward`, `expected a finite number, got ${describe(reward)}`);
  if (!Number.isFinite(Math.fround(reward))) fail(source, `${at}reward`, `${reward} is outside the float32 range`);
  const out: StepRecord = { reward, valid: true };
  if (s.valid !== undefined) {
    if (typeof s.valid !== 'boolean') fail(source, `${at}valid`, `expected true or false, got ${describe(s.valid)}`);
    out.valid = s.valid;
  }
  if (s.obs !== undefined && s.obs !== null) {
    if (typeof s.obs !== 'string') fail(source, `${at}obs`, `expected a string, got ${describe(s.obs)}`);
    out.obs = s.obs;
  }
  const anchor = s.anchor;
  if (typeof anchor === 'string') out.anchor = anchorOfText(anchor);
  else if (anchor !== undefined && anchor !== null) out.anchor = parseAnchor(anchor, source, `${at}anchor`);
  if (out.obs === undefined && out.anchor === undefined) fail(source, `${at}obs`, 'missing (each step needs obs, a string, or anchor)');
  const scores = scoreFields(s);
  if (scores) out.scores = scores;
  // Indexed loops over the field tables: this runs once per step, mostly before the JIT has warmed up.
  for (let k = 0; k < FLAG_FIELDS.length; k++) {
    const flag = FLAG_FIELDS[k];
    const x = s[flag];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'boolean') fail(source, `${at}${flag}`, `expected true or false, got ${describe(x)}`);
    out[flag] = x;
  }
  for (let k = 0; k < TEXT_FIELDS.length; k++) {
    const [name, key] = TEXT_FIELDS[k];
    const x = s[name];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') fail(source, `${at}${name}`, `expected a string, got ${describe(x)}`);
    out[key] = x;
  }
  for (let k = 0; k < LIST_FIELDS.length; k++) {
    const [name, key, integers] = LIST_FIELDS[k];
    const x = s[name];
    if (x !== undefined && x !== null) out[key] = numberList(x, integers, source, `${at}${name}`);
  }
  if (out.tokenAdvantage && out.tokenAdvantage.length !== (out.responseIds?.length ?? -1))
    fail(
      source,
      `${at}token_advantage`,
      `expected one value per response token (${out.responseIds ? `${out.responseIds.length} response_ids` : 'needs response_ids'}), got ${out.tokenAdvantage.length}`,
    );
  if (s.state_anchor !== undefined && s.state_anchor !== null) {
    if (typeof s.state_anchor !== 'string' || !/^[0-9a-fA-F]{16}$/.test(s.state_anchor))
      fail(source, `${at}state_anchor`, `expected 16 hex digits, got ${describe(s.state_anchor)}`);
    out.stateAnchor = BigInt(`0x${s.state_anchor}`);
  }
  if (s.response_mask !== undefined && s.response_mask !== null) {
    const mask = s.response_mask;
    const tokens = (out.promptIds?.length ?? 0) + (out.responseIds?.length ?? 0);
    if (!Array.isArray(mask)) fail(source, `${at}response_mask`, `expected an array of 0 and 1, got ${describe(mask)}`);
    const bad = mask.findIndex((x) => x !== 0 && x !== 1);
    if (bad >= 0) fail(source, `${at}response_mask[${bad}]`, `expected 0 or 1, got ${describe(mask[bad])}`);
    if (mask.length !== tokens)
      fail(
        source,
        `${at}response_mask`,
        `expected one flag per prompt and response token (${tokens}: prompt_ids, then response_ids), got ${mask.length}`,
      );
    out.responseMask = mask;
  }
  if (s.source_row !== undefined && s.source_row !== null) out.sourceRow = u32(s.source_row, source, `${at}source_row`);
  if (s.policy_version !== undefined && s.policy_version !== null) out.policyVersion = u32(s.policy_version, source, `${at}policy_version`);
  if (s.importance_weight !== undefined && s.importance_weight !== null) {
    const w = s.importance_weight;
    if (typeof w !== 'number' || !(Math.fround(w) > 0) || !Number.isFinite(Math.fround(w)))
      fail(source, `${at}importance_weight`, `expected a finite number > 0 (float32 range), got ${describe(w)}`);
    out.importanceWeight = w;
  }
  if (s.action !== undefined && s.action !== null) {
    const a = s.action;
    if (typeof a === 'string') out.action = a;
    else if (typeof a === 'number' && Number.isInteger(a) && a >= -0x80000000 && a <= 0x7fffffff) out.action = a;
    else fail(source, `${at}action`, `expected a string or a 32-bit integer, got ${describe(a)}`);
  }
  return out;
}

function u32(v: unknown, source: string, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    fail(source, field, `expected an integer in [0, 2^32), got ${describe(v)}`);
  return v;
}

/** A list of 32-bit integers (token ids) or of float32-range numbers (log-probs). */
function numberList(v: unknown, integers: boolean, source: string, field: string): number[] {
  if (!Array.isArray(v)) fail(source, field, `expected an array of numbers, got ${describe(v)}`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const ok = integers
      ? typeof x === 'number' && Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff
      : typeof x === 'number' && Number.isFinite(Math.fround(x));
    if (!ok) fail(source, `${field}[${i}]`, `expected ${integers ? 'a 32-bit integer' : 'a finite float32 number'}, got ${describe(x)}`);
  }
  return v as number[];
}

function isFloat32(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(Math.fround(x));
}

/** The scores of a step written by a scorer, when all five fields are there and well-formed. */
function scoreFields(s: Record<string, unknown>): StepRecordScores | undefined {
  const advantage = s.advantage;
  if (advantage === undefined) return undefined;
  const returns = s.return;
  const episodeAdvantage = s.episode_advantage;
  const stepAdvantage = s.step_advantage;
  const stepGroup = s.step_group;
  if (!isFloat32(returns) || !isFloat32(episodeAdvantage) || !isFloat32(stepAdvantage) || !isFloat32(advantage)) return undefined;
  if (typeof stepGroup !== 'number' || !Number.isInteger(stepGroup) || stepGroup < 0 || stepGroup > 0xffffffff) return undefined;
  return { returns, episodeAdvantage, stepAdvantage, advantage, stepGroup } as StepRecordScores;
}

/** A trajectory-form line: {group, traj, steps: [{obs | anchor, action?, reward, valid?}, ...]}. */
export function toTrajectoryRecord(value: unknown, source: string): TrajectoryRecord {
  const o = objectOf(value, source, 'line');
  const group = id(o.group, source, 'group');
  const traj = id(o.traj, source, 'traj');
  if (o.steps === undefined) fail(source, 'steps', 'missing (expected a non-empty array of steps)');
  if (!Array.isArray(o.steps)) fail(source, 'steps', `expected a non-empty array, got ${describe(o.steps)}`);
  if (o.steps.length === 0) fail(source, 'steps', 'expected a non-empty array, got []');
  const steps = new Array<StepRecord>(o.steps.length);
  for (let i = 0; i < steps.length; i++) steps[i] = step(o.steps[i], source, i);
  stepIndices(o.steps as Record<string, unknown>[], steps, source);
  return { group, traj, steps, source };
}

/**
 * `steps[i].step` of a trajectory drawn from a rollout (its steps carry `source_row`): required,
 * never decreasing. Other trajectories' steps are numbered by position (a `step` field is ignored,
 * as unknown fields are).
 */
function stepIndices(raw: Record<string, unknown>[], steps: StepRecord[], source: string): void {
  const drawn = steps[0].sourceRow !== undefined;
  for (let i = 0; i < steps.length; i++) {
    if (!drawn && steps[i].sourceRow === undefined) continue; // the usual case: nothing to check
    const at = `steps[${i}]`;
    if ((steps[i].sourceRow !== undefined) !== drawn)
      fail(
        source,
        `${at}.source_row`,
        drawn
          ? 'missing (steps[0] has one: every step of a training-batch trajectory carries it)'
          : 'steps[0] has none: every step of a trajectory carries source_row or none does',
      );
    if (!drawn) continue;
    const v = raw[i].step;
    if (v === undefined || v === null) fail(source, `${at}.step`, 'missing (a step with source_row names its step index)');
    const index = u32(v, source, `${at}.step`);
    if (i > 0 && index < steps[i - 1].step!) fail(source, `${at}.step`, `steps must not decrease, got ${index} after ${steps[i - 1].step}`);
    steps[i].step = index;
  }
}

/** A row-form line: one step with its {group, traj, step}. */
export function toRowRecord(value: unknown, source: string): RowRecord {
  const o = objectOf(value, source, 'line');
  const group = id(o.group, source, 'group');
  const traj = id(o.traj, source, 'traj');
  const index = o.step;
  if (index === undefined) fail(source, 'step', 'missing (expected the 0-based step index)');
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    fail(source, 'step', `expected a non-negative integer, got ${describe(index)}`);
  return { group, traj, step: index, ...step(o, source), source };
}
