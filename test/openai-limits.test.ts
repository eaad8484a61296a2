// openAIPolicy against servers that answer too much or elsewhere: a body beyond
// maxResponseBytes is refused at once (kind 'too-large', one attempt, read no further than
// the limit, even without a content-length), and a redirect is not followed unless asked.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { GigpoArgumentError, GigpoRangeError, openAIPolicy, PolicyRequestError, type PolicyRequest } from '../lib/index.js';
import { runCli, runCliAsync, tempDir } from './helpers/cli.js';
import { completion, startFakeOpenAI, type FakeOpenAIServer } from './fixtures/fake-openai-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(script: Parameters<typeof startFakeOpenAI>[0]): Promise<FakeOpenAIServer> {
  const s = await startFakeOpenAI(script);
  servers.push(s);
  return s;
}

const request: PolicyRequest = { group: 0, traj: 0, step: 0, messages: [{ role: 'user', content: 'go' }] };
const fast = { retries: 3, retryBaseMs: 1, retryMaxMs: 5 };

async function failure(p: Promise<unknown>): Promise<PolicyRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyRequestError);
  return err as PolicyRequestError;
}

/** A completion whose JSON body is about `bytes` long. */
function bigCompletion(bytes: number): string {
  return JSON.stringify(completion('x'.repeat(bytes)));
}

describe('openAIPolicy: maxResponseBytes', () => {
  it('refuses a body whose content-length passes the limit, without retrying', async () => {
    const body = bigCompletion(5000);
    const s = await fake(() => ({ raw: body, headers: { 'content-length': String(Buffer.byteLength(body)) } }));
    const policy = openAIPolicy({ baseURL: s.baseURL, model: 'm', maxResponseBytes: 4096, ...fast });
    const err = await failure(policy.act([request]));
    expect(err.kind).toBe('too-large');
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`response body of ${Buffer.byteLength(body)} bytes (content-length) exceeds maxResponseBytes 4096`);
    expect(s.requests).toHaveLength(1);
  });

  it('accepts a body at the limit and refuses one a byte over', async () => {
    const body = bigCompletion(3000);
    const size = Buffer.byteLength(body);
    const s = await fake(() => ({ raw: body }));
    const [ok] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', maxResponseBytes: size, ...fast }).act([request]);
    expect(ok.text).toBe('x'.repeat(3000));
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm', maxResponseBytes: size - 1, ...fast }).act([request]));
    expect(err.kind).toBe('too-large');
    expect(err.attempts).toBe(1);
  });

  it('stops reading an endless body without a content-length at the limit', async () => {
    let written = 0;
    let closed!: () => void;
    const done = new Promise<void>((r) => (closed = r));
    const server: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length announced
      const piece = Buffer.alloc(1 << 16, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(piece)) written += piece.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    });
    const { port } = server.address() as AddressInfo;
    const policy = openAIPolicy({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', maxResponseBytes: 1 << 20, ...fast });
    const err = await failure(policy.act([request]));
    expect(err.kind).toBe('too-large');
    expect(err.message).toContain('response body exceeds maxResponseBytes 1048576');
    await done; // the client closed the connection
    expect(written).toBeLessThan(64 << 20); // socket buffers hold a few MB; the body itself is endless
  });

  it('checks the option', () => {
    // Out of range is a RangeError, not an integer a TypeError; both name the option.
    for (const [bad, type] of [
      [0, GigpoRangeError],
      [-1, GigpoRangeError],
      [1.5, GigpoArgumentError],
      ['big', GigpoArgumentError],
    ] as const) {
      let caught: unknown;
      try {
        openAIPolicy({ baseURL: 'http://localhost:1/v1', model: 'm', maxResponseBytes: bad as number });
      } catch (err) {
        caught = err;
      }
      expect(caught, String(bad)).toBeInstanceOf(type);
      expect((caught as Error).message).toContain('openai.maxResponseBytes');
    }
    expect(() => openAIPolicy({ baseURL: 'http://localhost:1/v1', model: 'm', followRedirects: 'yes' as never })).toThrow(
      'openai.followRedirects: must be a boolean',
    );
  });
});

describe('openAIPolicy: redirects', () => {
  it('fails on a redirect without following it unless followRedirects is set', async () => {
    const target = await fake(() => ({ json: completion('moved here') }));
    const s = await fake(() => ({ raw: '', status: 307, headers: { location: `${target.baseURL}/chat/completions` } }));
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm', ...fast }).act([request]));
    expect(err.kind).toBe('http');
    expect(err.status).toBe(307);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`HTTP 307 redirect to ${target.baseURL}/chat/completions not followed`);
    expect(target.requests).toHaveLength(0);
    const [ok] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', followRedirects: true, ...fast }).act([request]);
    expect(ok.text).toBe('moved here');
    expect(target.requests).toHaveLength(1);
  });
});

describe('gigpo rollout --max-response-bytes', () => {
  it('fails the rollout on the first too-large body, and checks the flag', async () => {
    const tmp = tempDir('limits');
    try {
      const s = await fake(() => ({ raw: bigCompletion(5000) }));
      const args = [
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '1',
        '--group-size',
        '1',
        '--policy',
        'openai',
        '--base-url',
        s.baseURL,
        '--model',
        'm',
      ];
      // The default (--on-policy-error drop-group) loses the group, not the run; abort fails the run.
      const r = await runCliAsync([...args, '--max-response-bytes', '1000', '--on-policy-error', 'abort', '--out', tmp.path('out.jsonl')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('exceeds maxResponseBytes 1000');
      expect(s.requests).toHaveLength(1);
      expect(tmp.files()).toEqual([]);
      const usage = runCli([...args, '--max-response-bytes', '0', '--out', tmp.path('out.jsonl')]);
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain('--max-response-bytes');
    } finally {
      tmp.cleanup();
    }
  });
});
