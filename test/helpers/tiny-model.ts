// The tiny random-weight llama GGUF (scripts/make-tiny-gguf.mjs) in a temporary directory, and
// the check that node-llama-cpp is there to run it: missing, the tests that need it skip with a
// loud warning, and fail when CI=true (npm install puts it there as an optional dependency).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeTinyGguf } from '../../scripts/make-tiny-gguf.mjs';

export function llamaAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('node-llama-cpp');
    return true;
  } catch {
    const message = 'node-llama-cpp not found: the llama.cpp tests need it (npm install installs it as an optional dependency)';
    if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
    console.warn(`\n*** SKIPPING: ${message} ***\n`);
    return false;
  }
}

/** Writes the tiny model for `seed`; `cleanup` removes it. */
export function tinyModel(seed = 1): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gigpo-gguf-'));
  const path = writeTinyGguf(join(dir, `tiny-${seed}.gguf`), { seed });
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
