// Ctrl-C (SIGINT) or SIGTERM while gigpo rollout or score is writing: the temporary output
// file is removed and the exit code is 130 or 143, as a shell reports a signal.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { startFakeOpenAI } from './fixtures/fake-openai-server.js';
import { cliPath, tempDir } from './helpers/cli.js';

const tmp = tempDir('cli-signals');
afterAll(() => tmp.cleanup());

/** Starts `gigpo ...args` in `dir`, waits for its temporary output file, sends `signal`. */
async function interrupt(
  dir: string,
  args: string[],
  signal: 'SIGINT' | 'SIGTERM',
): Promise<{ code: number | null; stderr: string; seenTemp: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let seenTemp = '';
  for (let i = 0; i < 600 && !seenTemp; i++) {
    seenTemp = readdirSync(dir).find((f) => f.endsWith('.tmp')) ?? '';
    if (!seenTemp) await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  const code = await closed;
  child.stdin.destroy();
  return { code, stderr, seenTemp };
}

describe('interrupting a command that writes a file', () => {
  it('gigpo score - (stdin still open) on SIGTERM: exit 143, no file left', async () => {
    const dir = join(tmp.dir, 'score');
    mkdirSync(dir);
    const r = await interrupt(dir, ['score', '-', '--out', 'scored.msgpack'], 'SIGTERM');
    expect(r.seenTemp).toMatch(/^\.scored\.msgpack\.\d+\.[0-9a-f]+\.tmp$/);
    expect(r.code).toBe(143);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gigpo rollout waiting on its policy server, on SIGINT: exit 130, no file left', async () => {
    const server = await startFakeOpenAI(() => ({ hang: true }));
    try {
      const dir = join(tmp.dir, 'rollout');
      mkdirSync(dir);
      const args = [
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '2',
        '--group-size',
        '2',
        '--policy',
        'openai',
        '--base-url',
        server.baseURL,
        '--model',
        'm',
        '--out',
        'r.jsonl',
      ];
      const r = await interrupt(dir, args, 'SIGINT');
      expect(r.seenTemp).toMatch(/^\.r\.jsonl\.\d+\.[0-9a-f]+\.tmp$/);
      expect(r.code).toBe(130);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
