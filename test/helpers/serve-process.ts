// A real `gigpo serve` process (the compiled CLI) on a free port, for the Python-client
// and shutdown tests.
import { spawn, type ChildProcess } from 'node:child_process';

import { cliPath } from './cli.js';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  log(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServeProcess(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gigpo serve did not start: ${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      const m = /"event":"listening","url":"([^"]+)"/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`gigpo serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    child,
    log: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
