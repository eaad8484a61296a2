// Ctrl-C and SIGTERM during a command that writes a file: the temporary output files are
// removed (synchronously, before anything else can run) and the process exits with the
// shell's code for the signal, 128 + its number (130 for SIGINT, 143 for SIGTERM).
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
const outputs = new Set<string>();
let installed = false;
let graceful = 0;

/** This process's temporary files for `path` (AtomicFile names them `.NAME.PID.RANDOM.tmp`). */
function temporariesOf(path: string): string[] {
  const prefix = `.${basename(path)}.${process.pid}.`;
  try {
    return readdirSync(dirname(path))
      .filter((f) => f.startsWith(prefix) && f.endsWith('.tmp'))
      .map((f) => join(dirname(path), f));
  } catch {
    return [];
  }
}

function onSignal(signal: keyof typeof EXIT_CODES): void {
  if (graceful > 0) return; // a command that stops cleanly on its own (and removes its files) has the signal
  for (const path of outputs) for (const temp of temporariesOf(path)) rmSync(temp, { force: true });
  process.exit(EXIT_CODES[signal]);
}

/**
 * Call before creating the temporary file of output `path`: from then on an interrupt
 * removes it (found by name, so even one whose creation is still under way).
 */
export function removeOnSignal(path: string): void {
  outputs.add(path);
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]) process.on(signal, () => onSignal(signal));
}

/**
 * For a command that answers an interrupt itself (a distributed driver cancels its jobs, then
 * removes its output and exits 130/143): until the returned release is called, signals do not
 * exit at once. Returns the release.
 */
export function stopGracefullyOnSignal(): () => void {
  graceful++;
  let released = false;
  return () => {
    if (!released) graceful--;
    released = true;
  };
}
