// The optimizing-compiler pause of short runs (lib/util/optimizer.ts): that the flag really stops
// and restarts TurboFan (checked in a child with V8's natives syntax), and that the readers
// resume it where JavaScript does the work, but not for lines the native parser reads.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { encodeJsonlLines } from '../lib/io/jsonl-writer.js';
import { readJsonlPieces } from '../lib/io/jsonl-trajectories.js';
import { optimizerPaused, pauseOptimizer, resumeOptimizer } from '../lib/util/optimizer.js';
import { projectRoot } from './helpers/cli.js';
import { randomBatch } from './helpers/random-batch.js';

afterEach(() => resumeOptimizer());

const TURBOFANNED = 1 << 6; // %GetOptimizationStatus: the function runs TurboFan code (V8 OptimizationStatus::kTurboFanned)

describe('pauseOptimizer', () => {
  it('stops TurboFan from optimizing a hot function until resumeOptimizer', () => {
    const script = `
      const { pauseOptimizer, resumeOptimizer } = await import(${JSON.stringify(join(projectRoot, 'dist', 'lib', 'util', 'optimizer.js'))});
      const make = () => new Function('n', 'let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s;');
      const status = (hot) => { %PrepareFunctionForOptimization(hot); hot(100); hot(100); %OptimizeFunctionOnNextCall(hot); hot(100); return %GetOptimizationStatus(hot); };
      pauseOptimizer();
      const paused = status(make());
      resumeOptimizer();
      const resumed = status(make());
      console.log(JSON.stringify({ paused, resumed }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { paused, resumed } = JSON.parse(r.stdout) as { paused: number; resumed: number };
    expect(paused & TURBOFANNED).toBe(0);
    expect(resumed & TURBOFANNED).toBe(TURBOFANNED);
  });

  it('is resumed by JSONL lines the TypeScript path reads, not by lines of the native parser', async () => {
    const batch = randomBatch(4, { maxGroups: 40, maxGroupSize: 8, maxLength: 30 });
    const text = (form: 'trajectory' | 'row') => encodeJsonlLines(batch, form).bytes;
    const read = async (bytes: Uint8Array) => {
      let rows = 0;
      for await (const run of readJsonlPieces(
        (async function* () {
          yield bytes;
        })(),
        { name: 'in.jsonl' },
      ))
        for (const t of run) rows += t.numSteps;
      return rows;
    };
    pauseOptimizer();
    expect(await read(text('trajectory'))).toBe(batch.numRows);
    expect(optimizerPaused()).toBe(true); // every line went to the native parser
    expect(batch.numRows).toBeGreaterThan(1000);
    expect(await read(text('row'))).toBe(batch.numRows); // row form: the TypeScript path, one line per row
    expect(optimizerPaused()).toBe(false);
    resumeOptimizer(); // not paused: nothing to do
    expect(optimizerPaused()).toBe(false);
  });
});
