// A Python with msgpack and numpy for the round-trip tests (scripts/setup-test-tools.sh
// installs one); missing, a test skips loudly, and fails when CI=true.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { projectRoot } from './cli.js';

export const pythonReader = join(projectRoot, 'python', 'gigpo_batch.py');

function findPython(): string | undefined {
  const candidates = [process.env.GIGPO_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['-c', 'import msgpack, numpy'], { stdio: 'ignore' }).status === 0);
}

let found: string | undefined | null = null;

export function requirePython(ctx: { skip: (note?: string) => never }): string {
  if (found === null) found = findPython();
  if (found) return found;
  const message = 'python3 with msgpack and numpy not found (run scripts/setup-test-tools.sh or set GIGPO_PYTHON)';
  if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return ctx.skip(message);
}

/** `python/gigpo_batch.py FILE --json`: every chunk as JSON (u64 as decimal strings). */
export function pythonDump(python: string, file: string): Record<string, any>[] {
  const r = spawnSync(python, [pythonReader, file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`gigpo_batch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
