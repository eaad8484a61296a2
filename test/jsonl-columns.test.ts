// Every column of the schema (lib/io/columns.ts) survives JSONL: a rollout batch and a
// training batch that between them carry every column are written in both JSONL forms and
// read back by both readers (the TypeScript record path and the mixed native one), column for
// column. A column added to the schema fails here until the test batches carry it and JSONL
// keeps it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { COLUMNS } from '../lib/io/columns.js';
import { gatherTrajectories } from '../lib/io/gather-trajectories.js';
import { readJsonlTrajectories } from '../lib/io/jsonl-reader.js';
import type { RecordId } from '../lib/io/jsonl-records.js';
import { readJsonlPieces } from '../lib/io/jsonl-trajectories.js';
import { writeJsonlFile, type JsonlForm } from '../lib/io/jsonl-writer.js';
import { recordsToBatch } from '../lib/io/records-to-batch.js';
import type { StepBatch } from '../lib/io/step-batch.js';
import { batchColumns, makeBatch } from './helpers/step-batches.js';

const dir = mkdtempSync(join(tmpdir(), 'gigpo-jsonl-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** makeBatch with every column, and text actions only where the action is -1 (how JSONL holds a text action). */
function fullBatch(seed: number): StepBatch {
  const b = makeBatch({ groups: 3, groupSize: 3, seed, text: true, tokens: true, scores: true, labels: true });
  const text = b.actionText!;
  for (let r = 0; r < b.numRows; r++) if (text.offsets[r + 1] > text.offsets[r]) b.action[r] = -1;
  b.stateAnchor = BigUint64Array.from({ length: b.numRows }, (_, r) => (BigInt(r + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn);
  b.policyVersion = Uint32Array.from({ length: b.numRows }, (_, r) => [0, 7, 0xffffffff][b.group[r] % 3]);
  return b;
}

function rolloutBatch(): StepBatch {
  return fullBatch(5);
}

/** A training batch: every row drawn once, with importance weights and per-token advantages. */
function trainingBatch(): StepBatch {
  const b = fullBatch(8);
  b.sourceRow = Uint32Array.from({ length: b.numRows }, (_, r) => r * 2 + 1);
  b.importanceWeight = Float32Array.from({ length: b.numRows }, (_, r) => [1, 0.1, 3.5, 1e-30][r % 4]);
  const ids = b.responseIds!;
  b.tokenAdvantage = { offsets: ids.offsets.slice(), data: Float32Array.from(ids.data, (_, i) => (i % 2 ? -0.25 : 1 / 3)) };
  return b;
}

/** The batch with every float32 -0 made 0: JSON numbers are written as JSON.stringify would, and it writes -0 as 0. */
function withoutNegativeZeros(b: StepBatch): StepBatch {
  const fix = (v: unknown): unknown => {
    if (v instanceof Float32Array) return v.map((x) => (Object.is(x, -0) ? 0 : x));
    if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(b) as StepBatch;
}

function byGroup<T extends { group: RecordId }>(items: T[]): T[][] {
  const groups = new Map<RecordId, T[]>();
  for (const x of items) {
    const g = groups.get(x.group);
    if (g) g.push(x);
    else groups.set(x.group, [x]);
  }
  return [...groups.values()];
}

async function readBack(path: string): Promise<{ records: StepBatch; pieces: StepBatch }> {
  const records = [];
  for await (const t of readJsonlTrajectories(path)) records.push(t);
  const pieces = [];
  for await (const run of readJsonlPieces(path)) pieces.push(...run);
  return { records: recordsToBatch(byGroup(records)).batch, pieces: gatherTrajectories(byGroup(pieces)).batch };
}

describe('JSONL keeps every column of the schema', () => {
  it('the two test batches carry every column', () => {
    const carried = new Set([...Object.keys(batchColumns(rolloutBatch())), ...Object.keys(batchColumns(trainingBatch()))]);
    const expected = COLUMNS.map((c) => (c.kind === 'score' ? 'scores' : c.name));
    expect(expected.filter((name) => !carried.has(name))).toEqual([]);
  });

  for (const [name, make] of [
    ['a rollout batch', rolloutBatch],
    ['a training batch', trainingBatch],
  ] as const)
    for (const form of ['trajectory', 'row'] as JsonlForm[])
      it(`${name}, ${form} form: both readers give back every column`, async () => {
        const batch = make();
        const path = join(dir, `${name.replace(/ /g, '-')}-${form}.jsonl`);
        await writeJsonlFile(path, [batch], form);
        const { records, pieces } = await readBack(path);
        const want = batchColumns(withoutNegativeZeros(batch));
        expect(batchColumns(records)).toEqual(want);
        expect(batchColumns(pieces)).toEqual(want);
      });
});
