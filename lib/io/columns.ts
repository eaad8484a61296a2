// The column schema of a StepBatch, written once. The batch allocator, the msgpack chunk
// codec, computeAdvantages's argument checks, the record and trajectory converters and
// docs/FORMAT.md (checked by test/columns.test.ts) all follow this table.
import { DTYPES, type Dtype } from './dtype.js';

/**
 * `row`: one element per row, always present. `table`: a ragged table indexed by a row
 * column (the interned observations). `ragged`: one variable-length element per row,
 * optional. `score`: one element per row, present on scored batches (all five or none).
 * `labels`: an optional array of strings indexed by an id column. `optional`: one element
 * per row, present when the producer had it (a full-state hash, where a training row came
 * from, its importance weight, the rollout service's policy version).
 */
export type ColumnKind = 'row' | 'table' | 'ragged' | 'score' | 'labels' | 'optional';

export interface ColumnSpec {
  readonly name: string;
  /** Element dtype (ragged and table columns: of their data; labels: none). */
  readonly dtype: Dtype | 'string';
  readonly kind: ColumnKind;
  /** UTF-8 text (ragged and table columns). */
  readonly text?: boolean;
  readonly meaning: string;
}

export const COLUMNS = [
  { name: 'group', dtype: 'u32', kind: 'row', meaning: "task group id (all members started from the same state); GiGPO's `uid`" },
  { name: 'traj', dtype: 'u32', kind: 'row', meaning: "trajectory id; GiGPO's `traj_uid`" },
  { name: 'step', dtype: 'u32', kind: 'row', meaning: '0-based step index within the trajectory' },
  { name: 'action', dtype: 'i32', kind: 'row', meaning: 'parsed action id; -1 = text-only or invalid' },
  { name: 'reward', dtype: 'f32', kind: 'row', meaning: 'environment reward of the step (finite)' },
  { name: 'done', dtype: 'u8', kind: 'row', meaning: '1 if the env ended the episode at this step' },
  { name: 'truncated', dtype: 'u8', kind: 'row', meaning: '1 if the step limit ended it' },
  { name: 'valid', dtype: 'u8', kind: 'row', meaning: '1 if the policy output parsed into a valid action' },
  { name: 'anchor', dtype: 'u64', kind: 'row', meaning: '64-bit hash of the canonical state before the action (the anchor state)' },
  { name: 'obs', dtype: 'u32', kind: 'row', meaning: 'index into `observations`' },
  { name: 'observations', dtype: 'u8', kind: 'table', text: true, meaning: 'each distinct observation text once' },
  {
    name: 'prompt',
    dtype: 'u8',
    kind: 'ragged',
    text: true,
    meaning: 'what the policy was sent (for chat policies: the messages as JSON)',
  },
  { name: 'response', dtype: 'u8', kind: 'ragged', text: true, meaning: 'what the policy answered' },
  { name: 'actionText', dtype: 'u8', kind: 'ragged', text: true, meaning: 'the action as text, for data whose actions are strings' },
  { name: 'promptIds', dtype: 'i32', kind: 'ragged', meaning: 'prompt token ids' },
  { name: 'responseIds', dtype: 'i32', kind: 'ragged', meaning: 'response token ids' },
  { name: 'logprobs', dtype: 'f32', kind: 'ragged', meaning: 'sampler log-probs of the response tokens' },
  {
    name: 'responseMask',
    dtype: 'u8',
    kind: 'ragged',
    meaning:
      'over promptIds then responseIds: 1 where the policy sampled the token (this and earlier answers of one conversation), 0 where the engine wrote it',
  },
  {
    name: 'tokenAdvantage',
    dtype: 'f32',
    kind: 'ragged',
    meaning:
      "the row's advantage on each response token (times the response mask when one was given), aligned with responseIds; training batches",
  },
  {
    name: 'stateAnchor',
    dtype: 'u64',
    kind: 'optional',
    meaning: "64-bit hash of the env's FULL canonical state before the action (native-env rollouts)",
  },
  { name: 'sourceRow', dtype: 'u32', kind: 'optional', meaning: 'index of the row in the rollout it was drawn from (training batches)' },
  {
    name: 'importanceWeight',
    dtype: 'f32',
    kind: 'optional',
    meaning: '1, or 1/p for a row kept by subsampling with probability p (training batches)',
  },
  {
    name: 'policyVersion',
    dtype: 'u32',
    kind: 'optional',
    meaning: "version of the policy weights that generated the row's group (rows served by `gigpo serve`)",
  },
  { name: 'groupLabels', dtype: 'string', kind: 'labels', meaning: "the user's name of each group (index = `group` id)" },
  { name: 'trajLabels', dtype: 'string', kind: 'labels', meaning: "the user's name of each trajectory (index = `traj` id)" },
  { name: 'returns', dtype: 'f32', kind: 'score', meaning: 'discounted return from the step to the end of its trajectory' },
  { name: 'episodeAdvantage', dtype: 'f32', kind: 'score', meaning: 'episode-level (trajectory) relative advantage' },
  { name: 'stepAdvantage', dtype: 'f32', kind: 'score', meaning: 'step-level (anchor-state) relative advantage; 0 where there is none' },
  { name: 'advantage', dtype: 'f32', kind: 'score', meaning: 'the combined advantage a trainer uses' },
  { name: 'stepGroup', dtype: 'u32', kind: 'score', meaning: 'id of the step group (rows of a group sharing an anchor state)' },
] as const satisfies readonly ColumnSpec[];

type Spec = (typeof COLUMNS)[number];
type NamesOf<K extends ColumnKind> = Extract<Spec, { kind: K }>['name'];
type DtypeOf<N extends Spec['name']> = Extract<Spec, { name: N }>['dtype'];

/** The typed array of each element dtype the schema uses. */
export interface ArrayOfDtype {
  u8: Uint8Array;
  i32: Int32Array;
  u32: Uint32Array;
  u64: BigUint64Array;
  f32: Float32Array;
}

export type RowColumn = NamesOf<'row'>;
export type RaggedColumn = NamesOf<'ragged'>;
export type ScoreColumn = NamesOf<'score'>;
export type LabelColumn = NamesOf<'labels'>;
export type OptionalColumn = NamesOf<'optional'>;

function namesOf<K extends ColumnKind>(kind: K): NamesOf<K>[] {
  return COLUMNS.filter((c) => c.kind === kind).map((c) => c.name) as NamesOf<K>[];
}

function dtypesOf<K extends ColumnKind>(kind: K): { [N in NamesOf<K>]: DtypeOf<N> } {
  return Object.fromEntries(COLUMNS.filter((c) => c.kind === kind).map((c) => [c.name, c.dtype])) as never;
}

export const ROW_COLUMNS = namesOf('row');
export const RAGGED_COLUMNS = namesOf('ragged');
export const SCORE_COLUMNS = namesOf('score');
export const LABEL_COLUMNS = namesOf('labels');
export const OPTIONAL_COLUMNS = namesOf('optional');
export const OPTIONAL_DTYPES = dtypesOf('optional');
export const ROW_DTYPES = dtypesOf('row');
export const RAGGED_DTYPES = dtypesOf('ragged');
export const SCORE_DTYPES = dtypesOf('score');
/** Ragged and table columns holding UTF-8 text. */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set(COLUMNS.filter((c) => 'text' in c && c.text).map((c) => c.name));

export type RowColumns = { [N in RowColumn]: ArrayOfDtype[DtypeOf<N>] };
export type ScoreColumns = { [N in ScoreColumn]: ArrayOfDtype[DtypeOf<N>] };
export type OptionalColumns = { [N in OptionalColumn]?: ArrayOfDtype[DtypeOf<N>] };

/** Zeroed row columns of `n` rows. */
export function allocateRowColumns(n: number): RowColumns {
  const out = {} as Record<string, unknown>;
  for (const name of ROW_COLUMNS) out[name] = new DTYPES[ROW_DTYPES[name]](n);
  return out as RowColumns;
}

/** Zeroed score columns of `n` rows. */
export function allocateScoreColumns(n: number): ScoreColumns {
  const out = {} as Record<string, unknown>;
  for (const name of SCORE_COLUMNS) out[name] = new DTYPES[SCORE_DTYPES[name]](n);
  return out as ScoreColumns;
}
