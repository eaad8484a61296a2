// Columnar msgpack throughput: our decode (streaming reader, validation) + encode of a
// ~1M-row file, against msgpackr's own decode (plain Unpackr) + encode (plain Packr) of
// the same file, as rows/s and their ratio (best of several alternating runs).
//   node dist/bench/io.js [rows] [rowsPerChunk] [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Packr, Unpackr } from 'msgpackr';

import { formatTable } from '../lib/cli/format.js';
import { encodeChunk } from '../lib/io/msgpack-chunk.js';
import { readMsgpackChunks } from '../lib/io/msgpack-reader.js';
import { writeMsgpackFile } from '../lib/io/msgpack-writer.js';
import type { StepBatch } from '../lib/io/step-batch.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';

const targetRows = Number(process.argv[2] ?? 1_000_000);
const rowsPerChunk = Number(process.argv[3] ?? 65_536);
const runs = Number(process.argv[4] ?? 20);

async function makeChunks(): Promise<StepBatch[]> {
  const engine = new RolloutEngine();
  const groupSize = 8;
  const chunks: StepBatch[] = [];
  let rows = 0;
  let firstGroup = 0;
  // numberline: random play, up to 10 steps; roughly rowsPerChunk rows per shard.
  const groups = Math.max(1, Math.round(rowsPerChunk / (groupSize * 8)));
  while (rows < targetRows) {
    const b = await engine.collect({ env: 'numberline', groups, groupSize, seed: 1, firstGroup, policy: randomPolicy() });
    delete b.meta; // keep the chunk to its columns (meta holds per-call latencies)
    chunks.push(b);
    rows += b.numRows;
    firstGroup += groups;
  }
  return chunks;
}

/** Read (validated) and re-encode each chunk; `revalidate` repeats the row checks on write. */
async function ours(path: string, revalidate: boolean): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = 0;
  for await (const b of readMsgpackChunks(path)) {
    rows += b.numRows;
    bytes += encodeChunk(b, undefined, { validate: revalidate }).length;
  }
  return { rows, bytes };
}

async function baseline(path: string): Promise<{ rows: number; bytes: number }> {
  const unpackr = new Unpackr({ useRecords: false });
  const packr = new Packr({ useRecords: false });
  let rows = 0;
  let bytes = 0;
  for (const value of unpackr.unpackMultiple(await readFile(path)) as { columns: { group: { shape: number[] } } }[]) {
    rows += value.columns.group.shape[0];
    bytes += packr.pack(value).length;
  }
  return { rows, bytes };
}

async function time(fn: () => Promise<{ rows: number; bytes: number }>) {
  const t0 = performance.now();
  const r = await fn();
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'gigpo-bench-io-'));
try {
  const chunks = await makeChunks();
  const path = join(dir, 'steps.msgpack');
  const { rows } = await writeMsgpackFile(path, chunks);
  const fileBytes = (await readFile(path)).length;
  await ours(path, true); // warm up every path
  await ours(path, false);
  await baseline(path);
  const best = { ours: Infinity, oursRevalidated: Infinity, baseline: Infinity };
  for (let i = 0; i < runs; i++) {
    best.ours = Math.min(best.ours, (await time(() => ours(path, false))).seconds);
    best.oursRevalidated = Math.min(best.oursRevalidated, (await time(() => ours(path, true))).seconds);
    best.baseline = Math.min(best.baseline, (await time(() => baseline(path))).seconds);
  }
  const ratio = best.baseline / best.ours;
  const timings: Array<[string, number]> = [
    ['gigpo: validated read', best.ours],
    ['gigpo: + validated write', best.oursRevalidated],
    ['msgpackr plain', best.baseline],
  ];
  console.log(
    formatTable(
      ['decode + encode', 'rows', 'chunks', 'MB', 'seconds', 'rows/s'],
      timings.map(([what, seconds]) => [
        what,
        String(rows),
        String(chunks.length),
        (fileBytes / 1e6).toFixed(1),
        seconds.toFixed(4),
        (rows / seconds).toFixed(0),
      ]),
    ),
  );
  console.log(
    `gigpo / msgpackr: ${(ratio * 100).toFixed(1)}% (validated read, checked write); ${((best.baseline / best.oursRevalidated) * 100).toFixed(1)}% validating on write too (best of ${runs})`,
  );
  console.log(
    JSON.stringify({
      bench: 'io',
      rows,
      chunks: chunks.length,
      fileBytes,
      oursSeconds: best.ours,
      oursRevalidatedSeconds: best.oursRevalidated,
      baselineSeconds: best.baseline,
      oursRowsPerSecond: rows / best.ours,
      baselineRowsPerSecond: rows / best.baseline,
      ratio,
      ratioRevalidated: best.baseline / best.oursRevalidated,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
