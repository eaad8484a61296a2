// promptMode 'conversation' (token-in/token-out) against a real inference engine: the
// OpenAI-compatible test server over the tiny GGUF (real tokenization and sampling), driven by
// openAIPolicy, and llamaPolicy in process. Every prompt continues the previous one with the
// sampled ids exactly as sampled; the response mask marks what the policy sampled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CHATML,
  buildMessages,
  functionPolicy,
  llamaPolicy,
  openAIPolicy,
  RolloutEngine,
  raggedText,
  type RolloutMeta,
  type StepBatch,
} from '../lib/index.js';
import { completion, startFakeOpenAI } from './fixtures/fake-openai-server.js';
import { startLlamaServer, type LlamaServer } from './helpers/llama-server.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(3);
afterAll(() => model.cleanup());

const engine = new RolloutEngine();
const options = { env: 'numberline', groups: 2, groupSize: 2, seed: 6, maxSteps: 3, promptMode: 'conversation' as const };

const ids = (c: { offsets: Uint32Array; data: Int32Array | Uint8Array | Float32Array }, r: number) =>
  Array.from(c.data.subarray(c.offsets[r], c.offsets[r + 1]));

/** The invariants of a conversation-mode batch; returns the rows' (prompt, response) ids. */
function checkConversation(b: StepBatch): void {
  const { promptIds, responseIds, logprobs, responseMask } = b;
  expect(promptIds && responseIds && logprobs && responseMask).toBeTruthy();
  for (let r = 0; r < b.numRows; r++) {
    const p = ids(promptIds!, r);
    const a = ids(responseIds!, r);
    const mask = ids(responseMask!, r);
    expect(a.length).toBeGreaterThan(0);
    expect(ids(logprobs!, r)).toHaveLength(a.length);
    for (const lp of ids(logprobs!, r)) expect(lp).toBeLessThanOrEqual(0);
    expect(mask).toHaveLength(p.length + a.length);
    expect(mask.slice(p.length)).toEqual(a.map(() => 1));
    if (b.step[r] === 0) expect(mask.slice(0, p.length)).toEqual(p.map(() => 0));
    else {
      // Step t + 1's prompt starts with step t's prompt and then step t's sampled ids, exactly.
      const prev = [...ids(promptIds!, r - 1), ...ids(responseIds!, r - 1)];
      expect(p.slice(0, prev.length)).toEqual(prev);
      expect(mask.slice(0, prev.length)).toEqual(ids(responseMask!, r - 1));
      expect(p.length).toBeGreaterThan(prev.length); // the new turn's ids follow
      expect(mask.slice(prev.length, p.length)).toEqual(p.slice(prev.length).map(() => 0));
    }
  }
}

describe.runIf(llamaAvailable())('promptMode conversation against the llama.cpp test server', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ model: model.path, parallel: 2, seed: 5 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends token-id prompts to /v1/completions and keeps every sampled id as sampled', async () => {
    const policy = openAIPolicy({ baseURL: server.baseURL, model: 'tiny', maxTokens: 6, retryBaseMs: 1 });
    const before = server.requests.length;
    const b = await engine.collect({ ...options, policy });
    expect(b.numRows).toBe(12); // the random model rarely answers an action: every trajectory runs 3 steps
    checkConversation(b);
    const sent = server.requests.slice(before);
    expect(sent.every((q) => q.path === '/v1/completions' && Array.isArray(q.body.prompt))).toBe(true);
    for (let r = 0; r < b.numRows; r++) {
      // The response ids detokenize to the response text.
      const res = await fetch(`${server.origin}/detokenize`, { method: 'POST', body: JSON.stringify({ tokens: ids(b.responseIds!, r) }) });
      expect(((await res.json()) as { prompt: string }).prompt).toBe(raggedText(b.response!, r));
    }
    // The first segment is the ChatML system and user turns, tokenized by the server with BOS.
    const [system, user] = buildMessages('numberline', 0, raggedText(b.observations, b.obs[0]), ['+', '-'], []);
    const first = await server.policy.tokens.tokenize(CHATML.system(system.content) + CHATML.user(user.content), { addSpecial: true });
    expect(ids(b.promptIds!, 0)).toEqual(Array.from(first));
    const m = (b.meta as unknown as RolloutMeta).metrics;
    expect(m.tokensOut).toBe(b.responseIds!.data.length);
    expect(m.tokensIn).toBe(b.promptIds!.data.length);
  });

  it('a prompt that outgrows the context ends its trajectory as context-length', async () => {
    const small = await startLlamaServer({ model: model.path, parallel: 1, contextSize: 260 });
    try {
      const policy = openAIPolicy({ baseURL: small.baseURL, model: 'tiny', maxTokens: 40, retryBaseMs: 1 });
      const b = await engine.collect({ ...options, groups: 1, maxSteps: 10, policy });
      const meta = b.meta as unknown as RolloutMeta;
      expect(meta.metrics.contextLengthStops).toBe(2);
      expect(Object.values(meta.stopReasons!)).toEqual(['context-length', 'context-length']);
      for (let r = 0; r < b.numRows; r++) if (r + 1 === b.numRows || b.traj[r + 1] !== b.traj[r]) expect(b.truncated[r]).toBe(1);
    } finally {
      await small.close();
    }
  });
});

describe.runIf(llamaAvailable())('promptMode conversation with llamaPolicy in process', () => {
  it('keeps the same invariants', async () => {
    const policy = llamaPolicy({ model: model.path, parallel: 2, maxTokens: 6 });
    try {
      const b = await engine.collect({ ...options, policy });
      checkConversation(b);
      expect(b.numRows).toBe(12);
    } finally {
      await policy.close();
    }
  });
});

describe('promptMode conversation: what it needs from the policy', () => {
  it('refuses a policy without token ids', async () => {
    await expect(engine.collect({ ...options, policy: functionPolicy(() => '+') })).rejects.toThrow(
      /promptMode: 'conversation' needs a policy with token ids/,
    );
  });

  it('a failing /tokenize loses the trajectory like a failed completion', async () => {
    const server = await startFakeOpenAI(() => ({ json: completion('x') }));
    try {
      // The fake server has no /tokenize (404, not retried): every trajectory fails at its first step.
      const policy = openAIPolicy({ baseURL: server.baseURL, model: 'm', retryBaseMs: 1 });
      const b = await engine.collect({ ...options, policy, onPolicyError: 'keep' });
      expect(b.numRows).toBe(0);
      const m = (b.meta as unknown as RolloutMeta).metrics;
      expect(m).toMatchObject({ policyErrors: 4, failedRequests: 4 });
      expect(m.firstError).toMatch(/HTTP 404: no route POST \/tokenize/);
    } finally {
      await server.close();
    }
  });
});
