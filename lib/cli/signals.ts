// Ctrl-C and SIGTERM during a command that writes a file: the temporary output files are
// removed (synchronously, before anything else can run) and the process exits with the
// shell's code for the signal, 128 + its number (130 for SIGINT, 143 for SIGTERM).
import { rmSync } from 'node:fs';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
const temporaries = new Set<string>();
let installed = false;

function onSignal(signal: keyof typeof EXIT_CODES): void {
  for (const path of temporaries) rmSync(path, { force: true });
  process.exit(EXIT_CODES[signal]);
}

/** Removes `tempPath` if the process is interrupted (a no-op once the file has been renamed away). */
export function removeOnSignal(tempPath: string): void {
  temporaries.add(tempPath);
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]) process.on(signal, () => onSignal(signal));
}
