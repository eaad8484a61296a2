// llamaPolicy throughput on the tiny random GGUF (scripts/make-tiny-gguf.mjs): Sokoban rollouts
// with 1 and 4 parallel sequences in one run, 1 llama.cpp thread; response and prompt tokens/s
// and env steps/s, and the ratio. Responses are capped at --max-tokens (random weights rarely
// close an action), so each step samples about that many tokens.
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
  console.log(`4 sequences / 1 sequence: ${ratio.toFixed(2)}x response tokens/s`);
  console.log(JSON.stringify({ bench: 'llama', groups, groupSize, maxSteps, maxTokens, rows, ratio }));
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
