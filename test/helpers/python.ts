// A Python with the modules a test needs (msgpack and numpy for the round-trip tests,
// websockets for the env-server example; scripts/setup-test-tools.sh installs them); missing,
// a test skips loudly, and fails when CI=true.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { projectRoot } from './cli.js';

export const pythonReader = join(projectRoot, 'python', 'gigpo_batch.py');

function findPython(modules: readonly string[]): string | undefined {
  const candidates = [process.env.GIGPO_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0);
}

const found = new Map<string, string | undefined>();

export function requirePython(ctx: { skip: (note?: string) => never }, modules: readonly string[] = ['msgpack', 'numpy']): string {
  const key = modules.join(',');
  if (!found.has(key)) found.set(key, findPython(modules));
  const python = found.get(key);
  if (python) return python;
  const message = `python3 with ${modules.join(' and ')} not found (run scripts/setup-test-tools.sh or set GIGPO_PYTHON)`;
  if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return ctx.skip(message);
}

/** A chunk as `gigpo_batch.py --json` prints it: its columns as arrays (u64 as decimal strings), num_rows, meta. */
export interface PythonChunk {
  num_rows: number;
  obs: number[];
  observation_texts: string[];
  meta: Record<string, unknown>;
  [column: string]: unknown;
}

/** `python/gigpo_batch.py FILE --json`: every chunk as JSON (u64 as decimal strings). */
export function pythonDump(python: string, file: string): PythonChunk[] {
  const r = spawnSync(python, [pythonReader, file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`gigpo_batch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
