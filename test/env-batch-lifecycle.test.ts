// EnvBatch lifetime: close() / Symbol.dispose free the native memory at once, and batches that
// are dropped, or collected in a loop that never yields to the event loop, stay bounded.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { createEnvBatch } from '../lib/index.js';

const soak = fileURLToPath(new URL('./fixtures/memory-soak.mjs', import.meta.url));
const CLOSED = new TypeError('EnvBatch: used after close(); create a new batch');

interface SoakResult {
  before: number;
  after: number;
  seconds: number;
}

function runSoak(...args: string[]): SoakResult {
  const r = spawnSync(process.execPath, [soak, ...args], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const result = JSON.parse(r.stdout) as SoakResult;
  console.log(
    `memory soak ${args.join(' ')}: RSS ${result.before.toFixed(0)} -> ${result.after.toFixed(0)} MiB in ${result.seconds.toFixed(1)} s`,
  );
  return result;
}

describe('EnvBatch.close', () => {
  it('frees the outputs, makes every method throw, and is idempotent', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 4, seed: 2 });
    const first = b.observation(0);
    expect(first.length).toBeGreaterThan(0);
    b.close();
    expect(b.rewards.length).toBe(0);
    expect(b.obsBytes.length).toBe(0);
    for (const call of [
      () => b.step(new Int32Array(4)),
      () => b.stepText(['up', 'up', 'up', 'up']),
      () => b.stepAt(new Uint32Array([0]), new Int32Array([0])),
      () => b.stepTextAt(new Uint32Array([0]), ['up']),
      () => b.parse(['up', 'up', 'up', 'up']),
      () => b.parseAt(new Uint32Array([1]), ['up']),
      () => b.reset(),
      () => b.key(0),
      () => b.actionName(0, 0),
      () => b.oracleActions(),
    ])
      expect(call).toThrow(CLOSED);
    b.close();
    // A new batch of the same config is unaffected.
    expect(createEnvBatch({ env: 'sokoban', numEnvs: 4, seed: 2 }).observation(0)).toBe(first);
  });

  it('is what Symbol.dispose does', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 2 });
    b[Symbol.dispose]();
    expect(() => b.step(new Int32Array(2))).toThrow(CLOSED);
  });
});

describe('native memory stays bounded without yielding to the event loop', () => {
  it('over 2,000 awaited RolloutEngine.collect calls (the engine closes its batches)', () => {
    const r = runSoak('collect', '2000');
    expect(r.after - r.before).toBeLessThan(64);
  });

  it('over a synchronous loop that creates and drops 400 household batches of 128 envs (~700 MiB if kept)', () => {
    const r = runSoak('drop', 'household', '128', '400');
    expect(r.after - r.before).toBeLessThan(64);
  });
});
