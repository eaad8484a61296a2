// The Python reader (python/gigpo_batch.py) on files this library writes: every value
// must come back exactly. Needs python3 with msgpack and numpy (scripts/setup-test-tools.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { randomPolicy, RolloutEngine, rowObservation, type StepBatch } from '../lib/index.js';
import { writeMsgpackFile } from '../lib/io/msgpack-writer.js';
import { OPTIONAL_COLUMNS } from '../lib/io/columns.js';
import { ROW_RAGGED_KEYS } from '../lib/io/step-batch.js';
import { makeBatch } from './helpers/step-batches.js';
import type { PythonChunk } from './helpers/python.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'python', 'gigpo_batch.py');
const dir = mkdtempSync(join(tmpdir(), 'gigpo-io-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An interpreter that has msgpack and numpy (Debian's python3 may differ from a pyenv one first on PATH). */
function findPython(): string | undefined {
  const candidates = [process.env.GIGPO_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['-c', 'import msgpack, numpy'], { stdio: 'ignore' }).status === 0);
}
const python = findPython();

function requirePython(ctx: { skip: (note?: string) => never }): string {
  if (python) return python;
  const message = 'python3 with msgpack and numpy not found (run scripts/setup-test-tools.sh or set GIGPO_PYTHON)';
  if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return ctx.skip(message);
}

function runPython(py: string, args: string[]) {
  const r = spawnSync(py, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return r;
}

/** What the Python reader's --json dump must hold for a batch: every value, u64 as text. */
function expected(b: StepBatch): Record<string, unknown> {
  const ragged = (c: { offsets: Uint32Array; data: Uint8Array | Int32Array | Float32Array }) => ({
    offsets: Array.from(c.offsets),
    data: Array.from(c.data),
  });
  const out: Record<string, unknown> = {
    meta: b.meta ?? {},
    num_rows: b.numRows,
    group: Array.from(b.group),
    traj: Array.from(b.traj),
    step: Array.from(b.step),
    action: Array.from(b.action),
    reward: Array.from(b.reward),
    done: Array.from(b.done),
    truncated: Array.from(b.truncated),
    valid: Array.from(b.valid),
    anchor: Array.from(b.anchor, String),
    obs: Array.from(b.obs),
    observations: ragged(b.observations),
    observation_texts: Array.from({ length: b.observations.offsets.length - 1 }, (_, i) =>
      new TextDecoder().decode(b.observations.data.subarray(b.observations.offsets[i], b.observations.offsets[i + 1])),
    ),
  };
  for (const k of ROW_RAGGED_KEYS) if (b[k]) out[k] = ragged(b[k]!);
  for (const k of OPTIONAL_COLUMNS) {
    const c = b[k];
    if (c) out[k] = c instanceof BigUint64Array ? Array.from(c, String) : Array.from(c);
  }
  if (b.scores) for (const [k, v] of Object.entries(b.scores)) out[k] = Array.from(v as ArrayLike<number>);
  if (b.groupLabels) out.groupLabels = b.groupLabels;
  if (b.trajLabels) out.trajLabels = b.trajLabels;
  return out;
}

describe('python/gigpo_batch.py', () => {
  it('reads every column of every chunk exactly as written', async (ctx) => {
    const py = requirePython(ctx);
    const batches = [
      makeBatch({ groups: 4, groupSize: 3, seed: 11, text: true, tokens: true, scores: true, labels: true }),
      makeBatch({ groups: 3, groupSize: 2, seed: 12, firstGroup: 4 }),
    ];
    const path = join(dir, 'all-columns.msgpack');
    await writeMsgpackFile(path, batches);
    const r = runPython(py, [path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const chunks = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(chunks).toHaveLength(2);
    // toEqual compares numbers with Object.is: -0, subnormals and float32 values are exact.
    for (let i = 0; i < 2; i++) expect(chunks[i]).toEqual(expected(batches[i]));
  });

  it('reads a numberline rollout: rollout -> msgpack -> Python gives the same values', async (ctx) => {
    const py = requirePython(ctx);
    const engine = new RolloutEngine();
    const shards = [
      await engine.collect({ env: 'numberline', groups: 6, groupSize: 4, seed: 3, policy: randomPolicy(), maxSteps: 10 }),
      await engine.collect({ env: 'numberline', groups: 5, groupSize: 4, seed: 3, firstGroup: 6, policy: randomPolicy(), maxSteps: 10 }),
    ];
    const path = join(dir, 'rollout.msgpack');
    await writeMsgpackFile(path, shards);
    const r = runPython(py, [path, '--json']);
    expect(r.status).toBe(0);
    const chunks = JSON.parse(r.stdout) as PythonChunk[];
    for (let i = 0; i < shards.length; i++) {
      expect(chunks[i]).toEqual(expected(shards[i]));
      // The text helper decodes the observation each row acted from.
      const b = shards[i];
      for (let row = 0; row < b.numRows; row += 7) expect(chunks[i].observation_texts[chunks[i].obs[row]]).toBe(rowObservation(b, row));
      expect(chunks[i].meta.env).toBe('numberline');
    }
    const summary = runPython(py, [path]);
    expect(summary.status).toBe(0);
    const lines = summary.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^chunk 0: ${shards[0].numRows} rows, 6 groups, 24 trajectories; `));
    expect(lines[1]).toMatch(new RegExp(`^chunk 1: ${shards[1].numRows} rows, 5 groups, 20 trajectories; `));
    expect(lines[2]).toBe(`total: ${shards[0].numRows + shards[1].numRows} rows`);
  });

  it('gives the text helpers and to_torch (or a clear ImportError without torch)', async (ctx) => {
    const py = requirePython(ctx);
    const b = makeBatch({ groups: 2, groupSize: 2, seed: 21, text: true, tokens: true });
    const path = join(dir, 'torch.msgpack');
    await writeMsgpackFile(path, [b]);
    const program = `
import sys, json
sys.path.insert(0, ${JSON.stringify(join(dirname(script)))})
from gigpo_batch import iter_chunks, to_torch
chunk = next(iter(iter_chunks(${JSON.stringify(path)})))
out = {"response_1": chunk["response"].text(1), "ids_2": chunk["responseIds"].row(2).tolist(),
       "texts": chunk["observations"].texts()}
try:
    import torch
except ImportError:
    try:
        to_torch(chunk)
    except ImportError as err:
        out["torch"] = str(err)
else:
    t = to_torch(chunk)
    out["torch"] = [str(t["anchor"].dtype), str(t["group"].dtype), str(int(t["anchor"][0].item()) & (2**64 - 1))]
print(json.dumps(out))
`;
    const r = spawnSync(py, ['-c', program], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const text = (c: { offsets: Uint32Array; data: Uint8Array }, i: number) =>
      new TextDecoder().decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    expect(out.response_1).toBe(text(b.response!, 1));
    expect(out.ids_2).toEqual(Array.from(b.responseIds!.data.subarray(b.responseIds!.offsets[2], b.responseIds!.offsets[3])));
    expect(out.texts).toEqual(Array.from({ length: b.observations.offsets.length - 1 }, (_, i) => text(b.observations, i)));
    if (typeof out.torch === 'string') expect(out.torch).toBe('to_torch needs PyTorch (pip install torch)');
    else expect(out.torch).toEqual(['torch.int64', 'torch.int64', String(b.anchor[0])]);
  });

  it('reports truncated, garbage and empty files with the chunk', async (ctx) => {
    const py = requirePython(ctx);
    const path = join(dir, 'two.msgpack');
    await writeMsgpackFile(path, [
      makeBatch({ groups: 2, groupSize: 2, seed: 1 }),
      makeBatch({ groups: 2, groupSize: 2, seed: 2, firstGroup: 2 }),
    ]);
    const bytes = readFileSync(path);
    const cases: [string, Uint8Array, RegExp][] = [
      ['cut.msgpack', bytes.subarray(0, bytes.length - 10), /cut\.msgpack: chunk 1: truncated/],
      ['junk.msgpack', Buffer.concat([bytes, Buffer.from([0xc1, 0, 0])]), /junk\.msgpack: chunk 2: invalid msgpack/],
      ['text.msgpack', Buffer.from('hello\n'), /text\.msgpack: chunk 0: not a gigpo\.steps chunk/],
      ['empty.msgpack', new Uint8Array(0), /empty\.msgpack: empty file: no chunks/],
    ];
    for (const [name, content, message] of cases) {
      writeFileSync(join(dir, name), content);
      const r = runPython(py, [join(dir, name)]);
      expect(r.status, name).toBe(1);
      expect(r.stderr, name).toMatch(message);
    }
  });
});
