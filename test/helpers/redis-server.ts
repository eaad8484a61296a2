// Starts a throwaway redis-server for a test file. When redis-server is missing the
// tests that need it are skipped with a loud warning locally, and fail under CI=true
// (where scripts/setup-test-tools.sh installs it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisHandle {
  url: string;
  port: number;
  /** Stops the server for good. */
  stop(): Promise<void>;
  /** Stops the server for now (its data is not saved: a restart starts empty, as after a crash). */
  halt(): Promise<void>;
  /** Starts it again on the same port (halting it first if it runs). */
  restart(): Promise<void>;
}

export function redisAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!found) {
    const message = 'redis-server not found: the distributed rollout tests need it (scripts/setup-test-tools.sh installs it)';
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`\n*** SKIPPING: ${message} ***\n`);
  }
  return found;
}

/** A redis-server on `port`, once it accepts connections; undefined if it did not start (e.g. the port is taken). */
async function spawnRedis(port: number, dir: string): Promise<ChildProcess | undefined> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await new Promise<boolean>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(false), 5000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (ready) return child;
  child.kill('SIGKILL');
  return undefined;
}

function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRedis(): Promise<RedisHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'gigpo-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    let child = await spawnRedis(port, dir);
    if (!child) continue;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      stop: async () => {
        await stopRedis(child);
        rmSync(dir, { recursive: true, force: true });
      },
      halt: () => stopRedis(child),
      restart: async () => {
        await stopRedis(child);
        for (let i = 0; i < 20; i++) {
          child = await spawnRedis(port, dir);
          if (child) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        if (!child) throw new Error(`could not restart redis-server on port ${port}`);
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('could not start redis-server on a free port');
}
