// Inputs that aborted the process or gave errors naming nothing (issue 16): each now fails
// with a GigpoInputError naming the file and line or chunk, exit 1 and no file left behind
// (1 and 2 threads, file and stdin, score and inspect); bad library arguments are named.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { computeAdvantages, createEnvBatch, GigpoArgumentError, GigpoInputError, readMsgpackChunks } from '../lib/index.js';
import { runCli, tempDir } from './helpers/cli.js';
import { declaredHugeBin, HOSTILE_INPUTS } from './helpers/hostile-inputs.js';
import { makeBatch } from './helpers/step-batches.js';

const tmp = tempDir('hostile');
afterAll(() => tmp.cleanup());

let cases = 0;
/** `input` alone in a directory of its own; returns its path and a lister of everything else there. */
function place(file: string, bytes: Uint8Array): { input: string; dir: string; others: () => string[] } {
  const dir = join(tmp.dir, `case${cases++}`);
  mkdirSync(dir);
  const input = join(dir, file);
  writeFileSync(input, bytes);
  return { input, dir, others: () => readdirSync(dir).filter((f) => f !== file) };
}

function expectError(r: { status: number | null; stderr: string; stdout: string }, prefix: string, error: string): void {
  if (error.endsWith(': ')) expect(r.stderr.startsWith(`gigpo: ${prefix}${error}`), r.stderr.slice(0, 300)).toBe(true);
  else expect(r.stderr).toBe(`gigpo: ${prefix}${error}\n`);
  expect(r.status).toBe(1);
}

describe('hostile inputs through gigpo score and inspect', () => {
  for (const c of HOSTILE_INPUTS) {
    const threads = c.file.endsWith('.msgpack') ? ['1', '2'] : ['1'];
    for (const t of threads)
      it(`${c.name}: score --threads ${t} names the place`, () => {
        const { input, dir, others } = place(c.file, c.bytes());
        const r = runCli(['score', input, '--threads', t, '--out', join(dir, 'out.msgpack')]);
        expectError(r, input, c.error);
        expect(others()).toEqual([]); // no output, no temporary file
      });
    it(`${c.name}: inspect names the place`, () => {
      const { input } = place(c.file, c.bytes());
      expectError(runCli(['inspect', input]), input, c.error);
    });
    if (c.skippable)
      it(`${c.name}: --skip-invalid skips that line`, () => {
        const { input, dir } = place(c.file, c.bytes());
        const out = join(dir, 'out.jsonl');
        const r = runCli(['score', input, '--skip-invalid', '--json', '--out', out]);
        expect(r.status, r.stderr.slice(0, 300)).toBe(0);
        const summary = JSON.parse(r.stdout);
        expect(summary.skipped).toBe(1);
        expect(summary.trajectories).toBe(3);
      });
  }

  it('the 48-byte file from stdin and through readMsgpackChunks(path)', async () => {
    const bytes = declaredHugeBin();
    expect(bytes.length).toBe(48);
    const truncated = 'truncated: the chunk starting at byte offset 0 is cut off by the end of the data at byte 48';
    const r = runCli(['score', '-', '--format', 'msgpack', '--out', '-'], { input: bytes });
    expectError(r, '<stdin>: chunk 0: ', truncated);
    expect(r.stdout).toBe('');
    const { input } = place('huge.msgpack', bytes);
    const read = async () => {
      for await (const _ of readMsgpackChunks(input)) throw new Error('no chunk expected');
    };
    await expect(read()).rejects.toThrow(new GigpoInputError(`${input}: chunk 0`, truncated));
  });
});

describe('bad library arguments are named', () => {
  it('createEnvBatch without numEnvs says numEnvs is missing', () => {
    expect(() => createEnvBatch({ env: 'numberline' } as never)).toThrow(GigpoArgumentError);
    expect(() => createEnvBatch({ env: 'numberline' } as never)).toThrow('config.numEnvs: missing');
  });

  it('computeAdvantages refuses into columns that share memory with an input or with each other', () => {
    const batch = makeBatch({ groups: 3, groupSize: 2, seed: 5 });
    const n = batch.numRows;
    const fresh = () => ({
      returns: new Float32Array(n),
      episodeAdvantage: new Float32Array(n),
      stepAdvantage: new Float32Array(n),
      advantage: new Float32Array(n),
      stepGroup: new Uint32Array(n),
    });
    const reward = batch.reward.slice();
    expect(() => computeAdvantages(batch, {}, { ...fresh(), advantage: batch.reward })).toThrow(
      'into.advantage: shares memory with the input column reward',
    );
    expect(batch.reward).toEqual(reward); // refused before anything was written
    const shared = new Float32Array(n);
    expect(() => computeAdvantages(batch, {}, { ...fresh(), returns: shared, stepAdvantage: shared })).toThrow(
      'into.stepAdvantage: shares memory with into.returns',
    );
    const asU32 = new Uint32Array(batch.group.buffer, batch.group.byteOffset, n);
    expect(() => computeAdvantages(batch, {}, { ...fresh(), stepGroup: asU32 })).toThrow(
      'into.stepGroup: shares memory with the input column group',
    );
    // Separate arrays are filled exactly as freshly allocated ones.
    const into = fresh();
    expect(computeAdvantages(batch, {}, into).advantage).toEqual(computeAdvantages(batch).advantage);
  });
});
