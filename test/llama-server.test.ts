// openAIPolicy against a real inference engine: the OpenAI-compatible test server over the tiny
// GGUF (test/helpers/llama-server.ts). Real tokenization, sampling, token ids and log-probs, the
// endpoints' shapes, and every fault the server can inject ending as the policy's options say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildMessages, openAIPolicy, PolicyRequestError, RolloutEngine, raggedText, type PolicyRequest } from '../lib/index.js';
import { startLlamaServer, type LlamaServer } from './helpers/llama-server.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(2);
afterAll(() => model.cleanup());

const request = (i: number): PolicyRequest => ({
  group: 0,
  traj: i,
  step: 0,
  messages: buildMessages('numberline', 0, `Position: ${i}\nTarget: 3`, ['+', '-'], []),
});

/** The fields of the llama server's replies the tests read: /tokenize, /detokenize, /completions. */
interface ServerReply {
  tokens: number[];
  count: number;
  prompt: string;
  choices: { text: string; token_ids: number[]; prompt_token_ids: number[]; logprobs: { tokens: string[]; token_logprobs: number[] } }[];
}

async function post(url: string, body: unknown): Promise<{ status: number; json: ServerReply }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as ServerReply };
}

describe.runIf(llamaAvailable())('openAIPolicy against the llama.cpp test server', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    // One sequence and no prefix cache: every prompt is evaluated alone, so answers repeat exactly.
    server = await startLlamaServer({ model: model.path, parallel: 1, prefixCache: false, seed: 11 });
  });
  afterAll(async () => {
    await server?.close();
  });
  const policy = (o: Record<string, unknown> = {}) =>
    openAIPolicy({ baseURL: server.baseURL, model: 'tiny', maxTokens: 20, retryBaseMs: 1, ...o });

  it('returns text, prompt and response ids, and log-probs that fit together', async () => {
    const out = await policy().act([request(0), request(1), request(2)]);
    for (const [k, r] of out.entries()) {
      const { json } = await post(`${server.origin}/detokenize`, { tokens: Array.from(r.responseIds!) });
      expect(json.prompt).toBe(r.text);
      expect(r.logprobs!.length).toBe(r.responseIds!.length);
      expect(r.responseIds!.length).toBeLessThanOrEqual(20);
      for (const lp of Array.from(r.logprobs!)) expect(lp).toBeLessThanOrEqual(0);
      expect(Array.from(r.promptIds!)).toEqual(Array.from(await server.policy.tokens.chatPromptIds(request(k).messages)));
    }
  });

  it('is deterministic for a seed, and differs for another', async () => {
    const a = await policy({ extraBody: { seed: 3 } }).act([request(0), request(1)]);
    const b = await policy({ extraBody: { seed: 3 } }).act([request(1), request(0)]);
    expect([b[1].text, b[0].text]).toEqual([a[0].text, a[1].text]);
    expect(Array.from(b[1].logprobs!)).toEqual(Array.from(a[0].logprobs!));
    const c = await policy({ extraBody: { seed: 4 } }).act([request(0), request(1)]);
    expect(c.map((r) => r.text)).not.toEqual(a.map((r) => r.text));
  });

  it('without return_token_ids, takes the ids from logprobs spelled token_id:<id> (vLLM return_tokens_as_token_ids)', async () => {
    const [withIds] = await policy({ extraBody: { seed: 5 } }).act([request(0)]);
    const [plain] = await policy({ returnTokenIds: false, extraBody: { seed: 5 } }).act([request(0)]);
    expect(plain.promptIds).toBeUndefined();
    expect(plain.responseIds).toBeUndefined(); // token texts, not ids
    expect(Array.from(plain.logprobs!)).toEqual(Array.from(withIds.logprobs!));
    const [spelled] = await policy({ returnTokenIds: false, extraBody: { seed: 5, return_tokens_as_token_ids: true } }).act([request(0)]);
    expect(Array.from(spelled.responseIds!)).toEqual(Array.from(withIds.responseIds!));
  });

  it('plays a NumberLine rollout through the server, rows carrying what the server sampled', async () => {
    const batch = await new RolloutEngine().collect({ env: 'numberline', groups: 2, groupSize: 2, maxSteps: 3, seed: 1, policy: policy() });
    expect(batch.numRows).toBeGreaterThanOrEqual(4);
    for (let r = 0; r < batch.numRows; r++) {
      const ids = batch.responseIds!.data.subarray(batch.responseIds!.offsets[r], batch.responseIds!.offsets[r + 1]);
      expect(await server.policy.tokens.detokenize(ids)).toBe(raggedText(batch.response!, r));
      expect(batch.logprobs!.offsets[r + 1] - batch.logprobs!.offsets[r]).toBe(ids.length);
    }
  });

  it('serves /v1/completions from text or token ids, and /tokenize in the vLLM and llama.cpp shapes', async () => {
    const vllm = await post(`${server.origin}/tokenize`, { prompt: '<|im_start|>user\nhi' });
    const cpp = await post(`${server.origin}/tokenize`, { content: '<|im_start|>user\nhi', add_special: true });
    expect(vllm.json.tokens).toEqual(cpp.json.tokens);
    expect(vllm.json.count).toBe(vllm.json.tokens.length);
    expect(vllm.json.tokens[0]).toBe(1); // BOS
    expect(vllm.json.tokens[1]).toBe(3); // <|im_start|> as one special token
    const body = { model: 'tiny', max_tokens: 6, logprobs: 1, return_token_ids: true, seed: 9 };
    const fromText = await post(`${server.baseURL}/completions`, { ...body, prompt: '<|im_start|>user\nhi' });
    const fromIds = await post(`${server.baseURL}/completions`, { ...body, prompt: vllm.json.tokens });
    expect(fromText.status).toBe(200);
    const [a, b] = [fromText.json.choices[0], fromIds.json.choices[0]];
    expect(a.prompt_token_ids).toEqual(vllm.json.tokens);
    expect(b.prompt_token_ids).toEqual(vllm.json.tokens);
    expect(b.token_ids).toEqual(a.token_ids);
    expect(b.text).toBe(a.text);
    expect(a.logprobs.token_logprobs.length).toBe(a.token_ids.length);
    expect(a.logprobs.tokens.join('')).toBe(a.text);
    const bad = await post(`${server.baseURL}/completions`, { ...body, prompt: [1, 100000] });
    expect(bad.status).toBe(400);
  });

  describe('faults', () => {
    it('HTTP 500: retried, then answered', async () => {
      server.inject({ kind: 'http-500' }, 2);
      const before = server.requests.length;
      const [r] = await policy({ retries: 2 }).act([request(0)]);
      expect(r.text.length + r.responseIds!.length).toBeGreaterThan(0);
      expect(server.requests.length - before).toBe(3);
    });

    it('HTTP 500 with no retries left: a PolicyRequestError naming the status', async () => {
      server.inject({ kind: 'http-500' }, 2);
      const err = await policy({ retries: 1 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyRequestError);
      expect(err).toMatchObject({ kind: 'http', status: 500, attempts: 2 });
    });

    it('HTTP 429 with Retry-After: waits as told, then answered', async () => {
      server.inject({ kind: 'http-429', retryAfterS: 1 });
      const before = server.requests.length;
      const t0 = performance.now();
      const [r] = await policy({ retries: 1 }).act([request(0)]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
      expect(r.responseIds!.length).toBeGreaterThan(0);
      expect(server.requests.length - before).toBe(2);
    });

    it('slower than the timeout: a timeout failure, or an answer once a retry is fast', async () => {
      server.inject({ kind: 'slow', delayMs: 1500 });
      const err = await policy({ retries: 0, timeoutMs: 300 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PolicyRequestError', kind: 'timeout' });
      server.inject({ kind: 'slow', delayMs: 1500 });
      const before = server.requests.length;
      const [r] = await policy({ retries: 1, timeoutMs: 300 }).act([request(0)]);
      expect(r.responseIds!.length).toBeGreaterThan(0);
      expect(server.requests.length - before).toBe(2);
    });

    it('connection reset: a network failure, retried', async () => {
      server.inject({ kind: 'reset' });
      const err = await policy({ retries: 0 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PolicyRequestError', kind: 'network' });
      server.inject({ kind: 'reset' });
      const before = server.requests.length;
      expect((await policy({ retries: 1 }).act([request(0)]))[0].responseIds!.length).toBeGreaterThan(0);
      expect(server.requests.length - before).toBe(2);
    });

    it('malformed JSON: a malformed failure quoting the body', async () => {
      server.inject({ kind: 'malformed' });
      const err = await policy({ retries: 0 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PolicyRequestError', kind: 'malformed' });
      expect((err as Error).message).toContain('body is not JSON');
    });

    it('a prompt beyond the context: HTTP 400 "maximum context length", not retried, kind context-length', async () => {
      server.inject({ kind: 'context-length' });
      const before = server.requests.length;
      const err = await policy({ retries: 3 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PolicyRequestError', kind: 'context-length', status: 400, attempts: 1 });
      expect(server.requests.length - before).toBe(1);
      // The real condition, not injected: prompt plus max_tokens beyond the server's context.
      const err2 = await policy({ retries: 3, maxTokens: 5000 })
        .act([request(0)])
        .catch((e: unknown) => e);
      expect(err2).toMatchObject({ kind: 'context-length', status: 400 });
      expect((err2 as Error).message).toContain('maximum context length is 4096 tokens');
    });
  });
});
