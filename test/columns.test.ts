// The column schema (lib/io/columns.ts) is the one source: the allocator, the chunk codec
// and docs/FORMAT.md must all agree with it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  allocateRowColumns,
  allocateScoreColumns,
  COLUMNS,
  OPTIONAL_COLUMNS,
  RAGGED_COLUMNS,
  ROW_COLUMNS,
  SCORE_COLUMNS,
} from '../lib/io/columns.js';
import { DTYPES } from '../lib/io/dtype.js';
import { decodeChunk, encodeChunk } from '../lib/io/msgpack-chunk.js';
import { allocateStepBatch, packText } from '../lib/io/step-batch.js';
import { Unpackr } from 'msgpackr';

const format = readFileSync(new URL('../docs/FORMAT.md', import.meta.url), 'utf8');
const msgpackSection = format.slice(format.indexOf('### Columns'), format.indexOf('### meta'));

/** The `| \`name\` | dtype | ...` rows of FORMAT.md's column tables. */
function documentedColumns(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of msgpackSection.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)) rows.set(m[1], m[2].trim());
  return rows;
}

describe('the column schema', () => {
  it('is what FORMAT.md documents, column for column and dtype for dtype', () => {
    const documented = documentedColumns();
    expect([...documented.keys()].sort()).toEqual(COLUMNS.map((c) => c.name).sort());
    for (const c of COLUMNS) {
      const doc = documented.get(c.name)!;
      if (c.kind === 'labels') expect(doc).toBe('array of strings');
      else if (c.kind === 'ragged' || c.kind === 'table') expect(doc).toBe(`ragged ${c.dtype}${'text' in c && c.text ? ' text' : ''}`);
      else expect(doc).toBe(c.dtype);
    }
  });

  it('is what the Python reader takes as per-row ragged columns', () => {
    const python = fileURLToPath(new URL('../python', import.meta.url));
    const out = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import gigpo_batch; print(",".join(gigpo_batch.ROW_RAGGED))', python],
      { encoding: 'utf8' },
    );
    expect(out.trim().split(',')).toEqual([...RAGGED_COLUMNS]);
  });

  it('allocates every row and score column with its dtype', () => {
    const rows = allocateRowColumns(3);
    for (const name of ROW_COLUMNS) {
      const spec = COLUMNS.find((c) => c.name === name)!;
      expect(rows[name]).toBeInstanceOf(DTYPES[spec.dtype as keyof typeof DTYPES]);
      expect(rows[name].length).toBe(3);
    }
    const scores = allocateScoreColumns(2);
    expect(Object.keys(scores)).toEqual([...SCORE_COLUMNS]);
    expect(scores.stepGroup).toBeInstanceOf(Uint32Array);
    expect(scores.advantage).toBeInstanceOf(Float32Array);
  });

  it('is what a chunk carries: every known column written with its dtype, and read back', () => {
    const b = allocateStepBatch(2);
    b.traj.set([0, 0]);
    b.step.set([0, 1]);
    b.observations = packText(['x']);
    b.groupLabels = ['g'];
    b.trajLabels = ['t'];
    b.prompt = packText(['p0', 'p1']);
    b.response = packText(['r0', 'r1']);
    b.actionText = packText(['a', 'b']);
    b.promptIds = { offsets: Uint32Array.of(0, 1, 2), data: Int32Array.of(5, 6) };
    b.responseIds = { offsets: Uint32Array.of(0, 2, 3), data: Int32Array.of(7, 8, 9) };
    b.logprobs = { offsets: Uint32Array.of(0, 2, 3), data: Float32Array.of(-1, -2, -3) };
    b.responseMask = { offsets: Uint32Array.of(0, 3, 7), data: Uint8Array.of(0, 1, 1, 0, 1, 1, 1) };
    b.scores = allocateScoreColumns(2);
    b.tokenAdvantage = { offsets: Uint32Array.of(0, 2, 3), data: Float32Array.of(0.5, 0.5, -1) };
    b.stateAnchor = BigUint64Array.of(7n, 2n ** 64n - 1n);
    b.sourceRow = Uint32Array.of(10, 11);
    b.importanceWeight = Float32Array.of(1, 2.5);
    b.policyVersion = Uint32Array.of(3, 4);
    const bytes = encodeChunk(b, {});
    const top = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(bytes) as { columns: Record<string, { dtype?: string }> };
    expect(Object.keys(top.columns).sort()).toEqual(COLUMNS.map((c) => c.name).sort());
    for (const c of COLUMNS) if (c.kind !== 'labels') expect(top.columns[c.name].dtype).toBe(c.dtype);
    const back = decodeChunk(bytes, 'chunk');
    for (const name of RAGGED_COLUMNS) expect(Array.from(back[name]!.data)).toEqual(Array.from(b[name]!.data));
    for (const name of OPTIONAL_COLUMNS)
      expect(Array.from(back[name] as ArrayLike<unknown>)).toEqual(Array.from(b[name] as ArrayLike<unknown>));
    expect(Array.from(back.policyVersion!)).toEqual([3, 4]);
  });
});
