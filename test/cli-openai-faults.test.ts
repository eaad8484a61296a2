// gigpo rollout --policy openai against a real inference engine (the OpenAI-compatible test server
// over the tiny GGUF, test/helpers/llama-server.ts) while it fails in each way it can be told to:
// HTTP 500, HTTP 429 with Retry-After, an answer slower than --timeout-ms, a connection reset and a
// body that is not JSON. Each run ends as --on-policy-error says: abort fails the run (exit 1) with
// the failure named and no output file at all, not even a partial or temporary one; drop-group
// writes the other groups and counts the dropped one; keep writes the cut trajectory with its last
// row truncated.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCliAsync, tempDir } from './helpers/cli.js';
import { startLlamaServer, type Fault, type LlamaServer } from './helpers/llama-server.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(5);
const tmp = tempDir('openai-faults');
afterAll(() => {
  tmp.cleanup();
  model.cleanup();
});

/** The trajectory lines of a JSONL rollout (its meta lines left out). */
function trajectories<T>(path: string): T[] {
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T & { meta?: unknown });
  return lines.filter((l) => l.meta === undefined);
}

interface Summary {
  rows: number;
  trajectories: number;
  groups: number;
  retries: number;
  failedRequests: number;
  droppedGroups: number;
  stopReasons: Record<string, string>;
  firstError?: string;
}

describe.runIf(llamaAvailable())('gigpo rollout --policy openai against the llama.cpp test server failing', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ model: model.path, parallel: 2, seed: 7 });
  });
  afterAll(async () => {
    await server?.close();
  });

  let runs = 0;
  /** One rollout on NumberLine through the server; `shape` [groups, groupSize, maxSteps]. */
  async function rollout(shape: [number, number, number], flags: string[]) {
    const out = tmp.path(`run-${++runs}.jsonl`);
    const before = server.requests.length;
    const [groups, groupSize, maxSteps] = shape;
    const t0 = performance.now();
    const r = await runCliAsync([
      'rollout',
      '--env',
      'numberline',
      '--groups',
      String(groups),
      '--group-size',
      String(groupSize),
      '--max-steps',
      String(maxSteps),
      '--policy',
      'openai',
      '--base-url',
      server.baseURL,
      '--model',
      'tiny',
      '--max-tokens',
      '8',
      '--seed',
      '5',
      '--json',
      '--out',
      out,
      ...flags,
    ]);
    const seconds = (performance.now() - t0) / 1000;
    return {
      ...r,
      out,
      requests: server.requests.length - before,
      seconds,
      files: tmp.files().filter((f) => f.includes(`run-${runs}.jsonl`)),
    }; // the file or its hidden temporary
  }

  // One trajectory: its one stream of requests meets the faults in order.
  it.each<[string, Fault, string[], RegExp]>([
    ['HTTP 500', { kind: 'http-500' }, ['--retries', '1'], /traj 0, step 0 failed after 2 attempts: HTTP 500: injected internal error/],
    ['HTTP 429', { kind: 'http-429', retryAfterS: 0 }, ['--retries', '1'], /failed after 2 attempts: HTTP 429: injected rate limit/],
    [
      'slower than --timeout-ms',
      { kind: 'slow', delayMs: 3000 },
      ['--retries', '1', '--timeout-ms', '400'],
      /failed after 2 attempts: timed out after 400 ms/,
    ],
    ['a connection reset', { kind: 'reset' }, ['--retries', '1'], /failed after 2 attempts: network error: /],
    [
      'a body that is not JSON',
      { kind: 'malformed' },
      ['--retries', '1'],
      /failed after 2 attempts: malformed response: body is not JSON: \{"choices"/,
    ],
  ])('%s on every attempt, --on-policy-error abort: exit 1 naming it, no output file', async (_name, fault, flags, message) => {
    server.inject(fault, 2); // both attempts
    const r = await rollout([1, 1, 3], [...flags, '--on-policy-error', 'abort']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.requests).toBe(2);
    expect(r.files).toEqual([]);
  });

  it('HTTP 429 with Retry-After: waits as told, then the run succeeds and counts the retry', async () => {
    server.inject({ kind: 'http-429', retryAfterS: 1 });
    const r = await rollout([1, 1, 2], ['--retries', '2', '--on-policy-error', 'abort']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary.retries).toBe(1);
    expect(summary.failedRequests).toBe(0);
    expect(r.seconds).toBeGreaterThanOrEqual(1);
    expect(r.requests).toBe(summary.rows + 1);
    expect(trajectories(r.out)).toHaveLength(1);
  });

  it('--on-policy-error drop-group (the default): the failed group is left out, the others written and the loss counted', async () => {
    server.inject({ kind: 'http-500' }); // the first request of the run, no retry
    const r = await rollout([3, 2, 2], ['--retries', '0']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary).toMatchObject({ groups: 2, trajectories: 4, failedRequests: 1, droppedGroups: 1 });
    expect(Object.values(summary.stopReasons)).toEqual(['policy-error']);
    expect(summary.firstError).toMatch(/failed after 1 attempt: HTTP 500/);
    const lines = trajectories<{ group: number }>(r.out);
    expect(lines).toHaveLength(4);
    const failedTraj = Number(Object.keys(summary.stopReasons)[0]);
    expect(lines.map((l) => l.group)).not.toContain(Math.floor(failedTraj / 2));
  });

  it('--on-policy-error keep: the cut trajectory is written up to its last answered step, marked truncated', async () => {
    server.inject({ kind: 'reset' }, 1, 1); // the second request: step 1 of the one trajectory
    const r = await rollout([1, 1, 3], ['--retries', '0', '--on-policy-error', 'keep']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary).toMatchObject({ trajectories: 1, rows: 1, failedRequests: 1, droppedGroups: 0, stopReasons: { 0: 'policy-error' } });
    const [traj] = trajectories<{ steps: { truncated: boolean; done: boolean }[] }>(r.out);
    expect(traj.steps).toHaveLength(1);
    expect(traj.steps[0]).toMatchObject({ truncated: true, done: false });
  });
});
