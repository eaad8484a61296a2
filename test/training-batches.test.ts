// Training batches (docs/FORMAT.md, "Training batches"): what BatchAssembler hands a trainer,
// with README example 3's settings, goes through msgpack, both JSONL forms and the Python
// reader and comes back column for column.
import { afterAll, describe, expect, it } from 'vitest';

import {
  BatchAssembler,
  computeAdvantages,
  oraclePolicy,
  readMsgpackChunks,
  readTrajectoryRecords,
  rolloutAndScore,
  RolloutEngine,
  rowObservation,
  rowsToTrajectories,
  scoreFile,
  readRowRecords,
  validateStepBatch,
  writeJsonlFile,
  writeMsgpackFile,
  type BatchAssemblerOptions,
  type StepBatch,
  type TrainingBatch,
  type TrajectoryRecord,
} from '../lib/index.js';
import { OPTIONAL_COLUMNS, RAGGED_COLUMNS, ROW_COLUMNS, SCORE_COLUMNS } from '../lib/io/columns.js';
import { recordsToBatch } from '../lib/io/records-to-batch.js';
import { tempDir } from './helpers/cli.js';
import { pythonDump, requirePython } from './helpers/python.js';

const tmp = tempDir('training-batches');
afterAll(() => tmp.cleanup());

// README example 3's rollout and estimator, with its assembly settings and two that subsample.
const ROLLOUT = { env: 'sokoban', groups: 64, groupSize: 8, seed: 1, policy: oraclePolicy({ epsilon: 0.3 }) } as const;
const ADVANTAGE = { estimator: 'gigpo', gamma: 0.95, mode: 'mean_norm' } as const;
const SETTINGS: [string, BatchAssemblerOptions][] = [
  ['README example 3', { dropZeroVarianceGroups: true, multipleOf: 256 }],
  ['subsampled and duplicated', { targetRows: 1000, multipleOf: 256, seed: 2 }],
  ['subsampled and dropped', { dropZeroVarianceGroups: true, targetRows: 700, multipleOf: 64, balance: 'drop', seed: 3 }],
];

const zero = (v: number) => (v === 0 ? 0 : v); // JSON has no -0

/**
 * Every value of a batch by row, ids as the user named them (labels when the batch has them) and
 * observations as text: what must survive a file, whatever the file's own numbering.
 */
function rowsOf(b: StepBatch): Record<string, unknown> {
  const out: Record<string, unknown> = {
    group: Array.from(b.group, (g) => (b.groupLabels ? b.groupLabels[g] : String(g))),
    traj: Array.from(b.traj, (t) => (b.trajLabels ? b.trajLabels[t] : String(t))),
    obs: Array.from({ length: b.numRows }, (_, r) => rowObservation(b, r)),
  };
  for (const name of ROW_COLUMNS)
    if (name !== 'group' && name !== 'traj' && name !== 'obs') out[name] = Array.from(b[name] as ArrayLike<number | bigint>);
  out.reward = Array.from(b.reward, zero);
  for (const name of OPTIONAL_COLUMNS) if (b[name]) out[name] = Array.from(b[name] as ArrayLike<number | bigint>);
  for (const name of RAGGED_COLUMNS) {
    const c = b[name];
    if (c) out[name] = { offsets: Array.from(c.offsets), data: Array.from(c.data as ArrayLike<number>, zero) };
  }
  if (b.scores) for (const name of SCORE_COLUMNS) out[name] = Array.from(b.scores[name], zero);
  out.meta = b.meta;
  return out;
}

async function readMsgpack(path: string): Promise<StepBatch[]> {
  const out: StepBatch[] = [];
  for await (const b of readMsgpackChunks(path)) out.push(b);
  return out;
}

/** JSONL records back into one batch, groups as they come (they are contiguous in the file). */
function recordsBatch(records: TrajectoryRecord[]): StepBatch {
  const groups: TrajectoryRecord[][] = [];
  for (const t of records) {
    if (groups.length === 0 || groups[groups.length - 1][0].group !== t.group) groups.push([]);
    groups[groups.length - 1].push(t);
  }
  const { batch } = recordsToBatch(groups);
  validateStepBatch(batch);
  return batch;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Checks that `train` needed the relaxed rules: a trajectory that starts after step 0, or a repeated step. */
function drawnSteps(train: StepBatch): { lateStarts: number; repeats: number } {
  let lateStarts = 0;
  let repeats = 0;
  for (let r = 0; r < train.numRows; r++) {
    if (r === 0 || train.traj[r] !== train.traj[r - 1]) lateStarts += train.step[r] > 0 ? 1 : 0;
    else if (train.step[r] === train.step[r - 1]) repeats++;
  }
  return { lateStarts, repeats };
}

async function roundTrips(name: string, train: TrainingBatch, ctx: { skip: (note?: string) => never }): Promise<void> {
  const expected = rowsOf(train);
  // msgpack: the same batch, column for column (the observation table too).
  const msgpack = tmp.path(`${name}.msgpack`);
  await writeMsgpackFile(msgpack, [train]);
  const [back, ...more] = await readMsgpack(msgpack);
  expect(more).toHaveLength(0);
  expect(rowsOf(back)).toEqual(expected);
  expect(Array.from(back.obs)).toEqual(Array.from(train.obs));
  // JSONL, both forms: the same rows.
  for (const form of ['trajectory', 'row'] as const) {
    const path = tmp.path(`${name}.${form}.jsonl`);
    await writeJsonlFile(path, [train], form);
    const records = form === 'row' ? await collect(rowsToTrajectories(readRowRecords(path))) : await collect(readTrajectoryRecords(path));
    expect(rowsOf(recordsBatch(records)), form).toEqual(expected);
  }
  // Python: the drawn rows' columns as numpy arrays.
  const py = requirePython(ctx);
  const [chunk] = pythonDump(py, msgpack);
  expect(chunk.num_rows).toBe(train.numRows);
  expect(chunk.sourceRow).toEqual(Array.from(train.sourceRow));
  expect(chunk.importanceWeight).toEqual(Array.from(train.importanceWeight));
  expect(chunk.step).toEqual(Array.from(train.step));
  expect(chunk.advantage).toEqual(Array.from(train.scores.advantage));
  expect(chunk.stateAnchor).toEqual(Array.from(train.stateAnchor!, String));
  if (train.tokenAdvantage)
    expect(chunk.tokenAdvantage).toEqual({
      offsets: Array.from(train.tokenAdvantage.offsets),
      data: Array.from(train.tokenAdvantage.data),
    });
}

describe('training batches', () => {
  for (const [label, assembly] of SETTINGS) {
    it(`${label}: round-trips through msgpack, JSONL and Python`, async (ctx) => {
      const { batch: train, rollout, report } = await rolloutAndScore({ ...ROLLOUT, advantage: ADVANTAGE, assembly });
      expect(train.numRows % (assembly.multipleOf ?? 1)).toBe(0);
      expect(train.numRows).toBeGreaterThan(0);
      // The drawn rows are the rollout's rows (sourceRow says which), with their scores.
      for (let k = 0; k < train.numRows; k++) {
        const r = train.sourceRow[k];
        if (train.step[k] !== rollout.step[r] || train.traj[k] !== rollout.traj[r] || train.anchor[k] !== rollout.anchor[r])
          expect.fail(`row ${k}`);
      }
      const { lateStarts, repeats } = drawnSteps(train);
      if (assembly.targetRows !== undefined) expect(lateStarts).toBeGreaterThan(0); // "must start at step 0" before
      if (report.duplicatedRows > 0) expect(repeats).toBeGreaterThan(0); // "expected step 5, got 4" before
      validateStepBatch(train);
      await roundTrips(label.replace(/\W+/g, '-'), train, ctx);
    });
  }

  it('with token columns: tokenAdvantage round-trips too', async (ctx) => {
    const rollout = await new RolloutEngine().collect(ROLLOUT);
    // Token ids of our own (the oracle has none): row r answers r % 5 tokens.
    const offsets = new Uint32Array(rollout.numRows + 1);
    for (let r = 0; r < rollout.numRows; r++) offsets[r + 1] = offsets[r] + (r % 5);
    const tokens: StepBatch = {
      ...rollout,
      responseIds: { offsets, data: Int32Array.from({ length: offsets[rollout.numRows] }, (_, i) => 1000 + (i % 977)) },
    };
    const mask = { offsets, data: Uint8Array.from({ length: offsets[rollout.numRows] }, (_, i) => (i % 3 === 0 ? 0 : 1)) };
    const { batch: train } = new BatchAssembler({ targetRows: 1000, multipleOf: 256, seed: 2 }).assemble(
      tokens,
      computeAdvantages(tokens, ADVANTAGE),
      { responseMask: mask },
    );
    expect(train.tokenAdvantage!.data.length).toBe(train.responseIds!.data.length);
    expect(train.tokenAdvantage!.data.some((x) => x !== 0)).toBe(true);
    await roundTrips('tokens', train, ctx);
  });

  it('keeps the strict step rules for batches without sourceRow, and never scores a training batch again', async () => {
    const { batch: train } = await rolloutAndScore({ ...ROLLOUT, groups: 8, advantage: ADVANTAGE, assembly: { targetRows: 100, seed: 1 } });
    const { sourceRow: _, ...plain } = train;
    expect(() => validateStepBatch(plain)).toThrow(/must start at step 0|expected step/);
    const backwards = { ...train, step: train.step.slice() };
    const k = Array.from({ length: train.numRows - 1 }, (_, i) => i + 1).find(
      (r) => train.traj[r] === train.traj[r - 1] && train.step[r - 1] > 0,
    )!;
    backwards.step[k] = train.step[k - 1] - 1;
    expect(() => validateStepBatch(backwards)).toThrow(`batch.step[${k}]: steps of trajectory ${train.traj[k]} must not decrease`);
    expect(() => computeAdvantages(train)).toThrow('batch.sourceRow: a training batch (rows drawn from a rollout) cannot be scored again');
    for (const ext of ['msgpack', 'jsonl']) {
      const path = tmp.path(`train.${ext}`);
      await (ext === 'msgpack' ? writeMsgpackFile(path, [train]) : writeJsonlFile(path, [train], 'trajectory'));
      await expect(scoreFile({ input: path, output: tmp.path(`rescored.${ext}`) })).rejects.toThrow(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(: chunk 0|:2): sourceRow: a training batch`),
      );
    }
    expect(() => validateStepBatch({ ...train, importanceWeight: new Float32Array(train.numRows) })).toThrow(
      'batch.importanceWeight[0]: must be a finite number > 0, got 0',
    );
  });

  it('JSONL: a training-batch step without source_row, or out-of-order steps, name the line and field', async () => {
    const step = (extra: Record<string, unknown>) => ({ obs: 'a', reward: 0, ...extra });
    const cases: [unknown, RegExp][] = [
      [{ group: 0, traj: 0, steps: [step({ step: 2, source_row: 5 }), step({ step: 3 })] }, /x\.jsonl:1: steps\[1\]\.source_row: missing/],
      [
        { group: 0, traj: 0, steps: [step({ step: 2, source_row: 5 }), step({ step: 1, source_row: 4 })] },
        /x\.jsonl:1: steps\[1\]\.step: steps must not decrease, got 1 after 2/,
      ],
      [{ group: 0, traj: 0, steps: [step({ source_row: 5 })] }, /x\.jsonl:1: steps\[0\]\.step: missing/],
      [
        { group: 0, traj: 0, steps: [step({ response_ids: [1, 2], token_advantage: [0.5] })] },
        /x\.jsonl:1: steps\[0\]\.token_advantage: expected one value per response token \(2 response_ids\), got 1/,
      ],
      [{ group: 0, traj: 0, steps: [step({ state_anchor: 'xyz' })] }, /x\.jsonl:1: steps\[0\]\.state_anchor: expected 16 hex digits/],
      [
        { group: 0, traj: 0, steps: [step({ prompt_ids: [1, 2], response_ids: [3], response_mask: [0, 1] })] },
        /x\.jsonl:1: steps\[0\]\.response_mask: expected one flag per prompt and response token \(3: prompt_ids, then response_ids\), got 2/,
      ],
      [
        { group: 0, traj: 0, steps: [step({ response_ids: [3, 4], response_mask: [1, 2] })] },
        /x\.jsonl:1: steps\[0\]\.response_mask\[1\]: expected 0 or 1, got 2/,
      ],
      [
        { group: 0, traj: 0, steps: [step({ policy_version: -1 })] },
        /x\.jsonl:1: steps\[0\]\.policy_version: expected an integer in \[0, 2\^32\), got -1/,
      ],
    ];
    for (const [line, message] of cases) {
      const input = (async function* () {
        yield `${JSON.stringify(line)}\n`;
      })();
      await expect(collect(readTrajectoryRecords(input, { name: 'x.jsonl' }))).rejects.toThrow(message);
    }
  });
});
