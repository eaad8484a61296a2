// python/gigpo_client.py against a real `gigpo serve` process: streamed rollouts, streams
// with policy versions, typed errors, the stream limit (test/python/check_gigpo_client.py).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { projectRoot } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { startServeProcess } from './helpers/serve-process.js';

describe('python/gigpo_client.py', () => {
  it('drives a real gigpo serve from Python', async (ctx) => {
    const python = requirePython(ctx);
    const serve = await startServeProcess(['--max-streams', '2']);
    try {
      const r = spawnSync(python, [join(projectRoot, 'test', 'python', 'check_gigpo_client.py'), serve.url], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`check_gigpo_client.py failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(out.rolloutChunks).toBe(16);
      expect(out.firstChunkShare).toBeLessThan(0.5);
      expect(out.streamLimit).toBe(2);
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
  });
});
