// Running the CLI (package.json's `gigpo`, the bundle test/global-setup.ts builds from dist/lib/cli) as a child
// process, and temporary directories whose leftovers (output or temporary files) tests check.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { gigpoBin } from '../../lib/cli/bin-path.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = gigpoBin;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function checkBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npx tsc -p .\` (npm test does it in pretest)`);
}

/** Runs `gigpo ...args` to completion; `input` is written to its stdin. */
export function runCli(
  args: string[],
  options: { input?: string | Uint8Array; env?: Record<string, string>; cwd?: string } = {},
): CliResult {
  checkBuilt();
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    input: options.input,
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like runCli but asynchronous (for tests that serve HTTP in this process meanwhile). */
export function runCliAsync(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  checkBuilt();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** A fresh temporary directory; remove it with `cleanup()`. */
export function tempDir(prefix: string): { dir: string; path: (name: string) => string; files: () => string[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `gigpo-${prefix}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    /** Every entry of the directory, hidden temporary files included. */
    files: () => readdirSync(dir).sort(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
