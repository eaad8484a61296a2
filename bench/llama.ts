// llamaPolicy throughput on the tiny random GGUF (scripts/make-tiny-gguf.mjs), with 1 and 4
// parallel sequences in one run, 1 llama.cpp thread:
// - decode: 16 requests with a short prompt, 64 sampled tokens each (no stop): tokens/s;
// - rollout: Sokoban rollouts (prompts of about 650 tokens, the system prompt shared): response and
//   prompt tokens/s and env steps/s. Responses are capped at --max-tokens (random weights rarely
//   close an action), so each step samples about that many tokens.
//   node dist/bench/llama.js [--model FILE.gguf] [--groups 4] [--group-size 4] [--max-steps 4] [--max-tokens 32]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { formatTable } from '../lib/cli/format.js';
import { llamaPolicy } from '../lib/policy/llama.js';
import { RolloutEngine } from '../lib/rollout/engine.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    groups: { type: 'string', default: '4' },
    'group-size': { type: 'string', default: '4' },
    'max-steps': { type: 'string', default: '4' },
    'max-tokens': { type: 'string', default: '32' },
  },
});
const groups = Number(values.groups);
const groupSize = Number(values['group-size']);
const maxSteps = Number(values['max-steps']);
const maxTokens = Number(values['max-tokens']);

let dir: string | undefined;
let model = values.model;
if (model === undefined) {
  dir = mkdtempSync(join(tmpdir(), 'gigpo-bench-gguf-'));
  const script = new URL('../../scripts/make-tiny-gguf.mjs', import.meta.url).href;
  const { writeTinyGguf } = (await import(script)) as { writeTinyGguf(path: string, o?: { seed?: number }): string };
  model = writeTinyGguf(join(dir, 'tiny.gguf'), { seed: 1 });
}

interface Row {
  parallel: number;
  steps: number;
  responseTokens: number;
  promptTokens: number;
  seconds: number;
}

async function decode(parallel: number): Promise<{ parallel: number; tokens: number; seconds: number }> {
  const policy = llamaPolicy({ model: model!, parallel, threads: 1, maxTokens: 64, seed: 1, stop: ['\u0000never'] });
  await policy.load();
  try {
    const requests = Array.from({ length: 16 }, (_, i) => ({
      group: 0,
      traj: i,
      step: 0,
      messages: [{ role: 'user' as const, content: `Go ${i}.` }],
    }));
    await policy.act(requests.slice(0, parallel)); // warm-up
    const t0 = performance.now();
    const out = await policy.act(requests);
    return { parallel, tokens: out.reduce((n, r) => n + r.responseIds!.length, 0), seconds: (performance.now() - t0) / 1000 };
  } finally {
    await policy.close();
  }
}

async function run(parallel: number): Promise<Row> {
  const policy = llamaPolicy({ model: model!, parallel, threads: 1, maxTokens, seed: 1 });
  await policy.load();
  try {
    const options = { env: 'sokoban', groups, groupSize, maxSteps, seed: 1, policy };
    await new RolloutEngine().collect({ ...options, groups: 1, groupSize: Math.min(groupSize, parallel) }); // warm-up
    const t0 = performance.now();
    const batch = await new RolloutEngine().collect(options);
    const seconds = (performance.now() - t0) / 1000;
    return {
      parallel,
      steps: batch.numRows,
      responseTokens: batch.responseIds!.data.length,
      promptTokens: batch.promptIds!.data.length,
      seconds,
    };
  } finally {
    await policy.close();
  }
}

try {
  const decodes = [await decode(1), await decode(4)];
  console.log(
    formatTable(
      ['parallel', 'requests', 'tokens', 'seconds', 'tokens/s'],
      decodes.map((d) => [String(d.parallel), '16', String(d.tokens), d.seconds.toFixed(2), (d.tokens / d.seconds).toFixed(0)]),
    ),
  );
  const decodeRatio = decodes[1].tokens / decodes[1].seconds / (decodes[0].tokens / decodes[0].seconds);
  console.log(`decode: 4 sequences / 1 sequence: ${decodeRatio.toFixed(2)}x tokens/s\n`);
  const rows = [await run(1), await run(4)];
  console.log(
    formatTable(
      ['parallel', 'steps', 'response tokens', 'seconds', 'response tokens/s', 'prompt tokens/s', 'steps/s'],
      rows.map((r) => [
        String(r.parallel),
        String(r.steps),
        String(r.responseTokens),
        r.seconds.toFixed(2),
        (r.responseTokens / r.seconds).toFixed(0),
        (r.promptTokens / r.seconds).toFixed(0),
        (r.steps / r.seconds).toFixed(1),
      ]),
    ),
  );
  const ratio = rows[1].responseTokens / rows[1].seconds / (rows[0].responseTokens / rows[0].seconds);
  console.log(`rollout: 4 sequences / 1 sequence: ${ratio.toFixed(2)}x response tokens/s`);
  console.log(JSON.stringify({ bench: 'llama', decodes, decodeRatio, groups, groupSize, maxSteps, maxTokens, rows, ratio }));
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
