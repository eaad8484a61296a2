// `policy: { kind: 'llama' }` of gigpo serve on the tiny generated GGUF through node-llama-cpp:
// the streamed rows (token ids, log-probs included) are rolloutAndScore's with llamaPolicy and
// the same options; a model is loaded once per service and shared by rollouts and streams with
// their own sampling, and closed on shutdown; a missing model file is a 400 naming
// policy.model, a missing package a 501 naming node-llama-cpp.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { llamaPolicy, raggedText, rolloutAndScore, type StepBatch } from '../lib/index.js';
import type { RolloutServer } from '../lib/service/rollout/server.js';
import { projectRoot } from './helpers/cli.js';
import { call, rowsByGroup, startService, streamBatch, streamRollout } from './helpers/rollout-service.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(3);
const dir = mkdtempSync(join(tmpdir(), 'gigpo-serve-llama-'));
afterAll(() => {
  model.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const GRAMMAR = 'root ::= "<action>" ("+" | "-") "</action>"';
// parallel 1 without the prefix cache: log-probs repeat bit for bit whatever the order of requests.
const ENGINE = { model: model.path, parallel: 1, prefixCache: false, grammar: GRAMMAR, maxTokens: 32 };
const SETUP = { env: 'numberline', groupSize: 2, seed: 4, maxSteps: 4 };
const ARGS = { ...SETUP, groups: 3 };

/** The token columns of a batch per (traj, step), for comparing. */
function tokenRows(batch: StepBatch) {
  const out = [];
  for (let r = 0; r < batch.numRows; r++) {
    const ids = batch.responseIds!;
    const lp = batch.logprobs!;
    out.push({
      key: `${batch.group[r]}:${batch.traj[r]}:${batch.step[r]}`,
      response: raggedText(batch.response!, r),
      responseIds: Array.from(ids.data.subarray(ids.offsets[r], ids.offsets[r + 1])),
      logprobs: Array.from(lp.data.subarray(lp.offsets[r], lp.offsets[r + 1])),
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe.runIf(llamaAvailable())('gigpo serve with a llama policy', () => {
  let server: RolloutServer;
  beforeAll(async () => {
    server = await startService();
  });
  afterAll(async () => {
    await server?.shutdown();
  });

  it('streams the rows of rolloutAndScore with llamaPolicy and the same options', async () => {
    const streamed = await streamRollout(server.url, { ...ARGS, policy: { kind: 'llama', ...ENGINE, seed: 9, temperature: 1 } });
    expect(streamed.summary?.format).toBe('gigpo.summary');
    const local = llamaPolicy({ ...ENGINE, seed: 9, temperature: 1 });
    try {
      const expected = await rolloutAndScore({ ...ARGS, policy: local });
      const batches = streamed.chunks.map((c) => c.batch);
      const rows = batches
        .flatMap((b) => rowsByGroup(b, b.scores!))
        .sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step);
      expect(rows).toEqual(rowsByGroup(expected.batch, expected.batch.scores));
      const tokens = batches.flatMap(tokenRows).sort((a, b) => (a.key < b.key ? -1 : 1));
      expect(tokens).toEqual(tokenRows(expected.batch));
      expect(tokens.length).toBe(expected.batch.numRows);
      for (const t of tokens) {
        expect(t.response).toMatch(/^<action>[+-]<\/action>$/); // the grammar held
        expect(t.logprobs.length).toBe(t.responseIds.length);
        for (const lp of t.logprobs) expect(lp).toBeLessThanOrEqual(0);
      }
      expect((streamed.chunks[0].batch.meta as { policy?: string }).policy).toBe(`llama:${model.path.split('/').pop()}`);
    } finally {
      await local.close();
    }
  });

  it('loads a model once and shares it between rollouts and streams with their own sampling', async () => {
    expect((await call(server.url, 'GET', '/health')).json.llamaModels).toBe(1); // the first test's
    const greedy = await streamRollout(server.url, { ...ARGS, groups: 1, policy: { kind: 'llama', ...ENGINE, temperature: 0 } });
    const again = await streamRollout(server.url, {
      ...ARGS,
      groups: 1,
      seed: 4,
      policy: { kind: 'llama', ...ENGINE, temperature: 0, seed: 77 },
    });
    // Greedy: the sampling seed does not matter; both answers are the argmax tokens.
    expect(tokenRows(again.chunks[0].batch)).toEqual(tokenRows(greedy.chunks[0].batch));
    const created = await call(server.url, 'POST', '/v1/streams', {
      ...SETUP,
      bufferGroups: 2,
      policy: { kind: 'llama', ...ENGINE, temperature: 2, seed: 1 },
    });
    expect(created.status).toBe(201);
    const batch = await streamBatch(server.url, created.json.id, 1);
    expect(batch.numRows).toBeGreaterThan(0);
    expect(Array.from(batch.policyVersion!).every((v) => v === 0)).toBe(true);
    expect((await call(server.url, 'DELETE', `/v1/streams/${created.json.id}`)).status).toBe(200);
    expect((await call(server.url, 'GET', '/health')).json.llamaModels).toBe(1);
    // Another context size is another engine: a second load.
    const other = await streamRollout(server.url, { ...ARGS, groups: 1, policy: { kind: 'llama', ...ENGINE, contextSize: 512 } });
    expect(other.summary?.groups).toBe(1);
    expect((await call(server.url, 'GET', '/health')).json.llamaModels).toBe(2);
  });

  it('closes its models on shutdown', async () => {
    const own = await startService();
    const r = await streamRollout(own.url, { ...ARGS, groups: 1, policy: { kind: 'llama', ...ENGINE } });
    expect(r.summary?.groups).toBe(1);
    expect(own.llama.size).toBe(1);
    await own.shutdown();
    expect(own.llama.size).toBe(0);
    await expect(own.llama.get({ model: model.path })).rejects.toThrow('shutting down');
  });

  it.each([
    ['a model path that does not exist', { model: join(dir, 'none.gguf') }, 400, 'policy.model', 'no GGUF model file at'],
    ['no model', {}, 400, 'policy.model', 'must be a non-empty string'],
    ['a temperature below 0', { model: model.path, temperature: -1 }, 400, 'policy.temperature', 'got -1'],
    ['an unknown field', { model: model.path, baseURL: 'http://x' }, 400, 'policy.baseURL', 'unknown field'],
    ['a file that is not GGUF', { model: 'NOT_GGUF' }, 400, 'policy.model', 'cannot load the GGUF model'],
    ['a bad grammar', { model: model.path, grammar: 'root ::= (' }, 400, 'policy.grammar', 'not a valid GBNF grammar'],
  ])('answers %s with %d naming %s', async (_what, policy, status, field, message) => {
    const p = { ...policy } as Record<string, unknown>;
    if (p.model === 'NOT_GGUF') {
      p.model = join(dir, 'not.gguf');
      writeFileSync(p.model as string, 'this is not a model');
    }
    for (const [path, body] of [
      ['/v1/rollouts', ARGS],
      ['/v1/streams', { ...SETUP, bufferGroups: 2 }],
    ] as const) {
      const r = await call(server.url, 'POST', path, { ...body, policy: { kind: 'llama', ...p } });
      expect(r.status).toBe(status);
      expect(r.json.error.field).toBe(field);
      expect(r.json.error.message).toContain(`${field}: `);
      expect(r.json.error.message).toContain(message);
    }
  });
});

describe('gigpo serve with a llama policy, without node-llama-cpp', () => {
  it('answers 501 naming the package', () => {
    // A resolve hook that hides the package, as on a machine where the optional install failed.
    const hook = `data:text/javascript,${encodeURIComponent(
      "export async function resolve(s, c, next) { if (s === 'node-llama-cpp') { const e = new Error(\"Cannot find package 'node-llama-cpp'\"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; } return next(s, c); }",
    )}`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const { RolloutServer } = await import('./dist/lib/service/rollout/server.js');
      const { LocalGroupRunner } = await import('./dist/lib/service/rollout/group-runner.js');
      const server = await RolloutServer.start({ runner: new LocalGroupRunner({ threads: 1 }), port: 0 });
      const res = await fetch(server.url + '/v1/rollouts', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ env: 'sokoban', groups: 1, groupSize: 1, policy: { kind: 'llama', model: ${JSON.stringify(model.path)} } }) });
      console.log(JSON.stringify({ status: res.status, body: await res.json() }));
      await server.shutdown();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.status).toBe(501);
    expect(out.body.error).toMatchObject({ status: 501, code: 'not_implemented', field: 'policy.kind' });
    expect(out.body.error.message).toContain('optional package node-llama-cpp');
    expect(out.body.error.message).toContain('npm install node-llama-cpp');
  });
});
