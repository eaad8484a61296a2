// `gigpo serve-env` as a real child process (the compiled CLI), on a free port.
import { spawn, type ChildProcess } from 'node:child_process';

import { cliPath } from './cli.js';

export interface ServeEnvProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL at once (a server dying mid-rollout). */
  kill(): Promise<void>;
}

export async function startServeEnv(args: string[]): Promise<ServeEnvProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve-env', '--port', '0', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`gigpo serve-env exited with ${code}: ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { url, child, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
