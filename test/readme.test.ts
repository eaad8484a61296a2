// Every runnable snippet of the README, run as written: each ```ts block that imports
// 'gigpo-engine' (as an ES module inside this package, so the name resolves to dist/ as it
// would for a user; the OpenAI-compatible server of example 2 is a local fake), and each
// `npx gigpo ...` line of the ```sh blocks (in a temporary directory).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cliPath } from './helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completion, startFakeOpenAI, type FakeOpenAIServer } from './fixtures/fake-openai-server.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const tsSnippets = blocks.filter((b) => b.lang === 'ts' && b.code.includes("from 'gigpo-engine'")).map((b) => b.code);
const shLines = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.code.split('\n').filter((l) => l.startsWith('npx gigpo ')));

let server: FakeOpenAIServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeOpenAI(() => ({
    json: completion('<action>left</action>', { promptIds: [1, 2], tokenIds: [3], logprobs: [-0.5] }),
  }));
  dir = mkdtempSync(join(tmpdir(), 'gigpo-readme-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README snippets', () => {
  it('has the snippets this test runs', () => {
    expect(tsSnippets.length).toBeGreaterThanOrEqual(1);
    expect(shLines.length).toBeGreaterThanOrEqual(1);
  });

  it.each(tsSnippets.map((code, k) => [k, code] as const))('library snippet %i runs as written', async (k, code) => {
    // Inside the package (dist/ is ours and ignored by git), so 'gigpo-engine' resolves to it.
    const scratch = mkdtempSync(join(root, 'dist', 'readme-'));
    const file = join(scratch, `snippet-${k}.mjs`);
    writeFileSync(file, code.replaceAll('http://localhost:8000/v1', server.baseURL));
    try {
      const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 120_000 });
      if (code.includes('console.log')) expect(stdout.trim().length).toBeGreaterThan(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    if (code.includes('openAIPolicy(')) expect(server.requests.length).toBeGreaterThan(0);
  });

  it.each(shLines)('%s', async (line) => {
    const cli = cliPath;
    for (const command of line.split(' && ')) {
      const args = command.trim().split(/\s+/).slice(2); // drop "npx gigpo"
      const { stderr } = await run(process.execPath, [cli, ...args], { cwd: dir, timeout: 120_000 });
      expect(stderr).toBe('');
    }
  });
});
