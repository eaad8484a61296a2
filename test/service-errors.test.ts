// Bad requests to `gigpo serve` get 4xx JSON errors naming the field, limits hold, and the
// server keeps serving afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RolloutServer } from '../lib/service/rollout/server.js';
import { call, startService } from './helpers/rollout-service.js';

const good = { env: 'sokoban', groups: 2, groupSize: 2, policy: { kind: 'oracle', epsilon: 0.2 } };
const { groups: _, ...goodStream } = good;

describe('gigpo serve: bad requests', () => {
  let server: RolloutServer;
  beforeAll(async () => {
    server = await startService({ limits: { maxStreams: 1, maxBufferGroups: 64, maxBatchRows: 1000 } });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  const cases: [string, unknown, number, string, string?][] = [
    ['no body fields', {}, 400, 'env'],
    ['an unknown env', { ...good, env: 'chess' }, 400, 'env', 'env: expected one of'],
    ['groupSize 0', { ...good, groupSize: 0 }, 400, 'groupSize', 'groupSize: expected an integer in [1, 1024], got 0'],
    ['groups missing', { ...good, groups: undefined }, 400, 'groups'],
    ['groups as text', { ...good, groups: '4' }, 400, 'groups'],
    ['a negative seed', { ...good, seed: -1 }, 400, 'seed'],
    ['no policy', { ...good, policy: undefined }, 400, 'policy'],
    [
      'an unknown policy kind',
      { ...good, policy: { kind: 'gpt' } },
      400,
      'policy.kind',
      "policy.kind: expected one of 'openai', 'llama', 'oracle', 'random'",
    ],
    [
      'a non-http baseURL',
      { ...good, policy: { kind: 'openai', baseURL: 'ftp://x', model: 'm' } },
      400,
      'policy.baseURL',
      'policy.baseURL: expected an http(s) URL',
    ],
    ['openai without a model', { ...good, policy: { kind: 'openai', baseURL: 'http://127.0.0.1:1/v1' } }, 400, 'policy.model'],
    [
      'an openai option out of range',
      { ...good, policy: { kind: 'openai', baseURL: 'http://127.0.0.1:1/v1', model: 'm', temperature: -1 } },
      400,
      'policy.temperature',
    ],
    [
      'an unknown policy field',
      { ...good, policy: { kind: 'random', epsilon: 0.1 } },
      400,
      'policy.epsilon',
      'policy.epsilon: unknown field',
    ],
    ['epsilon above 1', { ...good, policy: { kind: 'oracle', epsilon: 2 } }, 400, 'policy.epsilon'],
    ['a bad gamma', { ...good, advantage: { gamma: 2 } }, 400, 'advantage.gamma'],
    ['an unknown advantage option', { ...good, advantage: { lr: 1 } }, 400, 'advantage.lr'],
    ['an unknown estimator', { ...good, advantage: { estimator: 'ppo' } }, 400, 'advantage.estimator'],
    ['a level file path', { ...good, envOptions: { levels: '/etc/passwd' } }, 400, 'envOptions.levels'],
    ['an env option out of range', { ...good, envOptions: { dim: 3 } }, 400, 'envOptions.dim'],
    ['maxSteps 0', { ...good, maxSteps: 0 }, 400, 'maxSteps'],
    ['whole-batch assembly', { ...good, assembly: { targetRows: 10 } }, 400, 'assembly.targetRows'],
    ['an unknown top-level field', { ...good, grops: 3 }, 400, 'grops', 'grops: unknown field'],
    ['groups above the limit', { ...good, groups: 1 << 21 }, 400, 'groups'],
    ['concurrentJobs 0', { ...good, concurrentJobs: 0 }, 400, 'concurrentJobs'],
  ];
  for (const [what, body, status, field, message] of cases) {
    it(`POST /v1/rollouts with ${what}: ${status} naming ${field}`, async () => {
      const r = await call(server.url, 'POST', '/v1/rollouts', body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatchObject({ status, field });
      expect(r.json.error.message.startsWith(`${field}: `)).toBe(true);
      if (message) expect(r.json.error.message).toContain(message);
    });
  }

  it("answers a 'llama' policy without a model with a 400 naming policy.model", async () => {
    const r = await call(server.url, 'POST', '/v1/rollouts', { ...good, policy: { kind: 'llama' } });
    expect(r.status).toBe(400);
    expect(r.json.error.field).toBe('policy.model');
    expect(r.json.error.message).toBe('policy.model: must be a non-empty string, got undefined');
  });

  it('rejects bodies that are not JSON objects or are too large', async () => {
    const notJson = await call(server.url, 'POST', '/v1/rollouts', '{"env": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.field).toBe('body');
    const array = await call(server.url, 'POST', '/v1/rollouts', []);
    expect(array.status).toBe(400);
    expect(array.json.error.field).toBe('body');
    const big = await call(server.url, 'POST', '/v1/rollouts', JSON.stringify({ ...good, pad: 'x'.repeat(2 << 20) }));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('limit');
  });

  const streamCases: [string, unknown, string, string?][] = [
    ['curation without tasks', { ...goodStream, curation: { kind: 'success-band', low: 0.2, high: 0.8 } }, 'curation', 'needs a task set'],
    ['a band upside down', { ...goodStream, tasks: 4, curation: { kind: 'success-band', low: 0.8, high: 0.2 } }, 'curation.high'],
    ['an unknown curation kind', { ...goodStream, tasks: 4, curation: { kind: 'hardest', low: 0, high: 1 } }, 'curation.kind'],
    [
      'exploration above 1',
      { ...goodStream, tasks: 4, curation: { kind: 'success-band', low: 0, high: 1, exploration: 1.5 } },
      'curation.exploration',
    ],
    ['bufferGroups above the limit', { ...goodStream, bufferGroups: 65 }, 'bufferGroups', 'bufferGroups: expected an integer in [1, 64]'],
    ['a negative maxStaleness', { ...goodStream, maxStaleness: -1 }, 'maxStaleness'],
    ['groups (rollouts only)', { ...goodStream, groups: 3 }, 'groups', 'unknown field'],
  ];
  for (const [what, body, field, message] of streamCases) {
    it(`POST /v1/streams with ${what}: 400 naming ${field}`, async () => {
      const r = await call(server.url, 'POST', '/v1/streams', body);
      expect(r.status).toBe(400);
      expect(r.json.error.field).toBe(field);
      if (message) expect(r.json.error.message).toContain(message);
    });
  }

  it('checks batch and policy requests, and the stream limit', async () => {
    const created = await call(server.url, 'POST', '/v1/streams', { ...goodStream, bufferGroups: 1 });
    expect(created.status).toBe(201);
    const id = created.json.id;
    try {
      const second = await call(server.url, 'POST', '/v1/streams', goodStream);
      expect(second.status).toBe(429);
      expect(second.json.error.message).toContain('--max-streams');
      for (const [query, field] of [
        ['rows=0', 'rows'],
        ['rows=abc', 'rows'],
        ['rows=1001', 'rows'],
        ['', 'rows'],
        ['rows=5&color=red', 'query.color'],
        ['rows=5&timeoutMs=0', 'timeoutMs'],
      ]) {
        const r = await call(server.url, 'GET', `/v1/streams/${id}/batch?${query}`);
        expect(r.status, query).toBe(400);
        expect(r.json.error.field, query).toBe(field);
      }
      for (const [body, field] of [
        [{}, 'version'],
        [{ version: -1 }, 'version'],
        [{ version: 1.5 }, 'version'],
        [{ version: 1, baseURL: 'file:///x' }, 'baseURL'],
        [{ version: 1, extra: 1 }, 'extra'],
      ] as const) {
        const r = await call(server.url, 'POST', `/v1/streams/${id}/policy`, body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.json.error.field).toBe(field);
      }
      // A baseURL only means something for openai policies.
      const r = await call(server.url, 'POST', `/v1/streams/${id}/policy`, { version: 1, baseURL: 'http://127.0.0.1:1/v1' });
      expect(r.status).toBe(400);
      expect(r.json.error.field).toBe('baseURL');
      // Far more rows than the stream (one group at a time) makes in 1 ms.
      const timedOut = await call(server.url, 'GET', `/v1/streams/${id}/batch?rows=1000&timeoutMs=1`);
      expect(timedOut.status).toBe(504);
      expect(timedOut.json.error).toMatchObject({ code: 'timeout', field: 'timeoutMs' });
    } finally {
      await call(server.url, 'DELETE', `/v1/streams/${id}`);
    }
    for (const [method, path] of [
      ['GET', '/v1/streams/nope'],
      ['GET', '/v1/streams/nope/batch?rows=1'],
      ['POST', '/v1/streams/nope/policy'],
      ['DELETE', '/v1/streams/nope'],
      ['GET', '/v2/anything'],
    ]) {
      const r = await call(server.url, method, path, method === 'POST' ? { version: 1 } : undefined);
      expect(r.status, path).toBe(404);
      expect(r.json.error.code).toBe('not_found');
    }
    const health = await call(server.url, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', streams: 0, rollouts: 0 });
  });
});
