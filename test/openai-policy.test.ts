import { afterEach, describe, expect, it, vi } from 'vitest';
import { GigpoArgumentError, GigpoRangeError, openAIPolicy, PolicyRequestError } from '../lib/index.js';
import type { OpenAIPolicyOptions, PolicyRequest } from '../lib/index.js';
import { backoffMs, retryAfterMs } from '../lib/util/backoff.js';
import { Semaphore } from '../lib/util/semaphore.js';
import { completion, startFakeOpenAI, type FakeOpenAIServer, type Reply, type Script } from './fixtures/fake-openai-server.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: Script): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAI(script);
  return server;
}

function request(traj: number, step = 0, group = 0): PolicyRequest {
  return {
    group,
    traj,
    step,
    messages: [
      { role: 'system', content: 'You walk a number line.' },
      { role: 'user', content: `traj ${traj} step ${step}` },
    ],
  };
}

/** The request that failed, as a PolicyRequestError (fails the test if it resolved or threw something else). */
async function failure(p: Promise<unknown>): Promise<PolicyRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyRequestError);
  return err as PolicyRequestError;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

const fast = { retryBaseMs: 1, retryMaxMs: 5 } satisfies Partial<OpenAIPolicyOptions>;

describe('openAIPolicy: what it sends', () => {
  it('posts model, messages, sampling options, flags, extraBody and headers', async () => {
    const s = await serve(() => ({ json: completion('ok') }));
    const policy = openAIPolicy({
      baseURL: s.baseURL + '/', // a trailing slash is tolerated
      model: 'qwen3-4b',
      apiKey: 'sk-test-123',
      temperature: 0.7,
      maxTokens: 256,
      topP: 0.9,
      extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
      headers: { 'x-trace': 'abc' },
    });
    expect(policy.kind).toBe('text');
    expect(policy.name).toBe('openai:qwen3-4b');
    const r = request(5, 2, 1);
    await policy.act([r]);
    expect(s.requests).toHaveLength(1);
    const got = s.requests[0];
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/v1/chat/completions');
    expect(got.body).toEqual({
      model: 'qwen3-4b',
      messages: r.messages,
      temperature: 0.7,
      max_tokens: 256,
      top_p: 0.9,
      logprobs: true,
      n: 1,
      return_token_ids: true,
      top_k: 20,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(got.headers.authorization).toBe('Bearer sk-test-123');
    expect(got.headers['x-trace']).toBe('abc');
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('uses the defaults, no Authorization without apiKey, no return_token_ids when off, extraBody overrides', async () => {
    const s = await serve(() => ({ json: completion('ok') }));
    await openAIPolicy({ baseURL: s.baseURL, model: 'm', returnTokenIds: false }).act([request(0)]);
    expect(s.requests[0].body).toEqual({
      model: 'm',
      messages: request(0).messages,
      temperature: 1,
      max_tokens: 1024,
      top_p: 1,
      logprobs: true,
      n: 1,
    });
    expect(s.requests[0].headers.authorization).toBeUndefined();
    await openAIPolicy({ baseURL: s.baseURL, model: 'm', extraBody: { logprobs: false, return_token_ids: false } }).act([request(0)]);
    expect(s.requests[1].body.logprobs).toBe(false);
    expect(s.requests[1].body.return_token_ids).toBe(false);
  });

  it('returns [] for no requests without calling the server', async () => {
    const s = await serve(() => ({ json: completion('ok') }));
    expect(await openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([])).toEqual([]);
    expect(s.requests).toHaveLength(0);
  });
});

describe('openAIPolicy: what it reads back', () => {
  it('reads text, prompt ids, response ids and logprobs into typed arrays, in request order', async () => {
    const s = await serve((req) => {
      const traj = Number(/traj (\d+)/.exec(req.body.messages[1].content)![1]);
      return {
        json: completion(`<action>${traj}</action>`, {
          promptIds: [101, 102, traj],
          tokenIds: [7, 8, traj],
          logprobs: [-0.5, -1.25, -0.125 * (traj + 1)],
          promptIdsOnChoice: traj % 2 === 1, // older vLLM puts prompt ids on the choice
        }),
        delayMs: (5 - traj) * 10, // answer out of order
      };
    });
    const out = await openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([0, 1, 2, 3, 4].map((t) => request(t)));
    expect(out).toHaveLength(5);
    out.forEach((res, traj) => {
      expect(res.text).toBe(`<action>${traj}</action>`);
      expect(res.promptIds).toBeInstanceOf(Int32Array);
      expect(Array.from(res.promptIds!)).toEqual([101, 102, traj]);
      expect(res.responseIds).toBeInstanceOf(Int32Array);
      expect(Array.from(res.responseIds!)).toEqual([7, 8, traj]);
      expect(res.logprobs).toBeInstanceOf(Float32Array);
      expect(Array.from(res.logprobs!)).toEqual([-0.5, -1.25, -0.125 * (traj + 1)]); // all exact in float32
    });
  });

  it('leaves optional fields absent when the server does not send them', async () => {
    const s = await serve(() => ({ json: completion('just text') }));
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([request(0)]);
    expect(res).toEqual({ text: 'just text' });
    expect(Object.keys(res)).toEqual(['text']);
  });

  it('takes response ids from "token_id:N" logprob tokens when token_ids are missing', async () => {
    const body = completion('ab');
    (body.choices as { logprobs?: unknown }[])[0].logprobs = {
      content: [
        { token: 'token_id:64', logprob: -0.25 },
        { token: 'token_id:65', logprob: -2 },
      ],
    };
    const s = await serve(() => ({ json: body }));
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([request(0)]);
    expect(Array.from(res.responseIds!)).toEqual([64, 65]);
    expect(Array.from(res.logprobs!)).toEqual([-0.25, -2]);
    expect(res.promptIds).toBeUndefined();
  });
});

describe('openAIPolicy: retries', () => {
  it('retries a 500 and succeeds on the second attempt', async () => {
    const s = await serve((req) =>
      req.index === 0 ? { json: { error: { message: 'engine busy' } }, status: 500 } : { json: completion('second try') },
    );
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', ...fast }).act([request(0)]);
    expect(res.text).toBe('second try');
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1].body).toEqual(s.requests[0].body);
  });

  it('gives up after retries + 1 attempts with an error naming the request', async () => {
    const s = await serve(() => ({ raw: 'upstream exploded\n', status: 502 }));
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm', retries: 2, ...fast }).act([request(25, 4, 3)]));
    expect(err.message).toBe('openai policy: request for group 3, traj 25, step 4 failed after 3 attempts: HTTP 502: upstream exploded');
    expect(err.request).toEqual({ group: 3, traj: 25, step: 4 });
    expect(err.attempts).toBe(3);
    expect(err.status).toBe(502);
    expect(err.kind).toBe('http');
    expect(s.requests).toHaveLength(3);
  });

  it('waits for Retry-After on 429', async () => {
    const s = await serve((req) =>
      req.index === 0
        ? { json: { error: { message: 'slow down' } }, status: 429, headers: { 'retry-after': '1' } }
        : { json: completion('ok') },
    );
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', retryBaseMs: 1 }).act([request(0)]);
    expect(res.text).toBe('ok');
    expect(s.requests).toHaveLength(2);
    const gap = s.requests[1].at - s.requests[0].at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(5000);
  });

  it('caps a long Retry-After at retryMaxMs', async () => {
    const s = await serve((req) =>
      req.index === 0 ? { raw: '', status: 429, headers: { 'retry-after': '100' } } : { json: completion('ok') },
    );
    await openAIPolicy({ baseURL: s.baseURL, model: 'm', retryBaseMs: 1, retryMaxMs: 200 }).act([request(0)]);
    const gap = s.requests[1].at - s.requests[0].at;
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(gap).toBeLessThan(3000);
  });

  it('times out a hanging server, retries, then names the request', async () => {
    const s = await serve(() => ({ hang: true }));
    const t0 = performance.now();
    const err = await failure(
      openAIPolicy({ baseURL: s.baseURL, model: 'm', timeoutMs: 150, retries: 2, ...fast }).act([request(25, 4, 3)]),
    );
    const elapsed = performance.now() - t0;
    expect(err.message).toBe('openai policy: request for group 3, traj 25, step 4 failed after 3 attempts: timed out after 150 ms');
    expect(err.kind).toBe('timeout');
    expect(err.status).toBeUndefined();
    expect(s.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 150 - 5);
    expect(elapsed).toBeLessThan(5000);
    await vi.waitFor(() => expect(s.closedEarly).toBe(3)); // each timed-out attempt closed its connection
  });

  it('retries a dropped connection and a body cut short', async () => {
    const s = await serve((req) =>
      req.index === 0 ? { destroy: true } : req.index === 1 ? { truncate: '{"choices": [{"message"' } : { json: completion('third') },
    );
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', ...fast }).act([request(0)]);
    expect(res.text).toBe('third');
    expect(s.requests).toHaveLength(3);
  });

  it('reports a refused connection as a network error with its cause', async () => {
    const s = await serve(() => ({ json: completion('never') }));
    const baseURL = s.baseURL;
    await s.close();
    server = undefined;
    const err = await failure(openAIPolicy({ baseURL, model: 'm', retries: 1, ...fast }).act([request(1)]));
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(2);
    expect(err.message).toMatch(/failed after 2 attempts: network error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(err.cause).toBeInstanceOf(Error);
  });
});

describe('openAIPolicy: malformed responses (retried, then reported)', () => {
  it('retries a body that is not JSON and succeeds', async () => {
    const s = await serve((req) => (req.index === 0 ? { raw: '{"choices": [' } : { json: completion('fine') }));
    const [res] = await openAIPolicy({ baseURL: s.baseURL, model: 'm', ...fast }).act([request(0)]);
    expect(res.text).toBe('fine');
    expect(s.requests).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', { raw: '{"choices": [' }, 'malformed response: body is not JSON: {"choices": ['],
    ['missing choices', { json: { object: 'chat.completion', choices: [] } }, 'malformed response: missing choices[0]'],
    ['a choice without a message', { json: { choices: [{ index: 0, text: 'hi' }] } }, 'malformed response: missing choices[0].message'],
    [
      'null content (a tool call)',
      { json: completion(null, { finishReason: 'tool_calls' }) },
      'malformed response: choices[0].message.content is null (finish_reason: tool_calls)',
    ],
    [
      'token ids and logprobs of different lengths',
      { json: completion('x', { tokenIds: [1, 2, 3], logprobs: [-1, -2] }) },
      'malformed response: 3 response token ids but 2 logprobs (they must match one to one)',
    ],
    [
      'a token id that is not an integer',
      { json: completion('x', { promptIds: [1, -4] }) },
      'malformed response: prompt_token_ids[1] is not a token id: -4',
    ],
  ])('reports %s', async (_name, reply, detail) => {
    const s = await serve(() => reply);
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm', retries: 1, ...fast }).act([request(9, 1, 2)]));
    expect(err.message).toBe(`openai policy: request for group 2, traj 9, step 1 failed after 2 attempts: ${detail}`);
    expect(err.kind).toBe('malformed');
    expect(err.status).toBe(200);
    expect(s.requests).toHaveLength(2);
  });
});

describe('openAIPolicy: client errors fail at once', () => {
  it.each([
    [
      400,
      { json: { error: { message: "This model's maximum context length is 4096 tokens", type: 'BadRequestError' } } },
      "This model's maximum context length is 4096 tokens",
    ],
    [401, { raw: 'Unauthorized' }, 'Unauthorized'],
    [404, { json: { object: 'error', message: 'The model `m` does not exist.' } }, 'The model `m` does not exist.'],
    [
      422,
      { json: { detail: [{ loc: ['body', 'messages'], msg: 'field required' }] } },
      '[{"loc":["body","messages"],"msg":"field required"}]',
    ],
  ] as const)('HTTP %i: no retry, the server message in the error', async (status, reply, message) => {
    const s = await serve(() => ({ ...reply, status }) as Reply);
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm', ...fast }).act([request(2, 3, 1)]));
    expect(err.message).toBe(`openai policy: request for group 1, traj 2, step 3 failed after 1 attempt: HTTP ${status}: ${message}`);
    expect(err.status).toBe(status);
    expect(err.attempts).toBe(1);
    expect(s.requests).toHaveLength(1);
  });

  it('a failed request cancels its siblings in the same act() call', async () => {
    const s = await serve((req) => (req.index === 0 ? { raw: 'bad', status: 400, delayMs: 50 } : { hang: true }));
    const t0 = performance.now();
    const err = await failure(openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([request(0), request(1), request(2), request(3)]));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err.request.traj).toBe(0);
    expect(err.status).toBe(400);
    expect(s.requests).toHaveLength(4);
    await vi.waitFor(() => expect(s.closedEarly).toBe(3)); // the three hanging siblings were cancelled
    expect(s.inFlight).toBe(0);
  });

  it('siblings still waiting for a slot are never sent after a failure', async () => {
    const s = await serve((req) => (req.index === 0 ? { raw: 'bad', status: 400, delayMs: 50 } : { hang: true }));
    const err = await failure(
      openAIPolicy({ baseURL: s.baseURL, model: 'm', concurrency: 1 }).act([request(0), request(1), request(2), request(3)]),
    );
    expect(err.request.traj).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.inFlight).toBe(0);
    expect(s.requests).toHaveLength(1);
  });
});

describe('openAIPolicy: cancellation', () => {
  it('an abort mid-flight rejects at once with AbortError and closes the connections', async () => {
    const s = await serve(() => ({ hang: true }));
    const controller = new AbortController();
    const policy = openAIPolicy({ baseURL: s.baseURL, model: 'm' });
    const t0 = performance.now();
    const pending = policy.act([request(0), request(1), request(2)], controller.signal);
    await vi.waitFor(() => expect(s.requests).toHaveLength(3));
    controller.abort();
    const err = await rejection(pending);
    expect(err.name).toBe('AbortError');
    expect(performance.now() - t0).toBeLessThan(2000); // not the 120 s timeout
    await vi.waitFor(() => expect(s.closedEarly).toBe(3));
    expect(s.inFlight).toBe(0);
  });

  it('an abort stops a retry sleep at once', async () => {
    const s = await serve(() => ({ raw: 'busy', status: 503, headers: { 'retry-after': '60' } }));
    const controller = new AbortController();
    const policy = openAIPolicy({ baseURL: s.baseURL, model: 'm', retryMaxMs: 60_000 });
    const pending = policy.act([request(0)], controller.signal);
    await vi.waitFor(() => expect(s.requests).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50)); // now sleeping for the 60 s Retry-After
    const t0 = performance.now();
    controller.abort(new Error('training step cancelled'));
    const err = await rejection(pending);
    expect(err.name).toBe('AbortError');
    expect(err.message).toBe('openai policy: aborted: training step cancelled');
    expect(performance.now() - t0).toBeLessThan(500);
    expect(s.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const s = await serve(() => ({ json: completion('x') }));
    const err = await rejection(openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act([request(0)], AbortSignal.abort()));
    expect(err.name).toBe('AbortError');
    expect(s.requests).toHaveLength(0);
  });
});

describe('openAIPolicy: bounded concurrency', () => {
  // Replies are slow enough that every slot fills before the first answer, even on a loaded machine.
  const echo: Script = (req) => ({ json: completion(req.body.messages[1].content), delayMs: 60 });

  it('keeps at most `concurrency` requests in flight (3 of 20)', async () => {
    const s = await serve(echo);
    const out = await openAIPolicy({ baseURL: s.baseURL, model: 'm', concurrency: 3 }).act(
      Array.from({ length: 20 }, (_, t) => request(t)),
    );
    expect(s.maxInFlight).toBe(3);
    expect(s.requests).toHaveLength(20);
    expect(out.map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, t) => `traj ${t} step 0`));
  });

  it('shares the bound across concurrent act() calls of one policy object', async () => {
    const s = await serve(echo);
    const policy = openAIPolicy({ baseURL: s.baseURL, model: 'm', concurrency: 3 });
    const [a, b] = await Promise.all([
      policy.act(Array.from({ length: 8 }, (_, t) => request(t))),
      policy.act(Array.from({ length: 8 }, (_, t) => request(100 + t))),
    ]);
    expect(s.maxInFlight).toBe(3);
    expect(a.map((r) => r.text)).toEqual(Array.from({ length: 8 }, (_, t) => `traj ${t} step 0`));
    expect(b.map((r) => r.text)).toEqual(Array.from({ length: 8 }, (_, t) => `traj ${100 + t} step 0`));
  });

  it('defaults to 64 in flight', async () => {
    const s = await serve(() => ({ json: completion('x'), delayMs: 400 }));
    await openAIPolicy({ baseURL: s.baseURL, model: 'm' }).act(Array.from({ length: 100 }, (_, t) => request(t)));
    expect(s.maxInFlight).toBe(64);
  });
});

describe('openAIPolicy: options and arguments', () => {
  const base = { baseURL: 'http://localhost:8000/v1', model: 'm' };
  it.each([
    [{ ...base, baseURL: 'ftp://host/v1' }, 'openai.baseURL: must use http or https, got "ftp://host/v1"'],
    [{ ...base, baseURL: 'not a url' }, 'openai.baseURL: must be an http(s) URL like http://localhost:8000/v1, got "not a url"'],
    [{ ...base, baseURL: 'http://h/v1?x=1' }, 'openai.baseURL: must not carry a query or fragment, got "http://h/v1?x=1"'],
    [{ ...base, baseURL: 8000 }, 'openai.baseURL: must be an http(s) URL string, got 8000'],
    [{ ...base, model: '' }, 'openai.model: must be a non-empty string, got ""'],
    [{ ...base, temperature: Number.NaN }, 'openai.temperature: must be a finite number >= 0, got NaN'],
    [{ ...base, topP: 0 }, 'openai.topP: must be a number in (0, 1], got 0'],
    [{ ...base, maxTokens: 0 }, 'openai.maxTokens: must be an integer in [1, 2147483647], got 0'],
    [{ ...base, concurrency: 2.5 }, 'openai.concurrency: must be an integer in [1, 65536], got 2.5'],
    [{ ...base, timeoutMs: 0 }, 'openai.timeoutMs: must be a number in [1, 2147483647], got 0'],
    [{ ...base, retries: -1 }, 'openai.retries: must be an integer in [0, 100], got -1'],
    [{ ...base, retryBaseMs: '5' }, 'openai.retryBaseMs: must be a number in [0, 2147483647], got "5"'],
    [{ ...base, extraBody: [] }, 'openai.extraBody: must be a plain object, got an array'],
    [{ ...base, extraBody: { stream: true } }, 'openai.extraBody.stream: is set by the policy and cannot be overridden'],
    [{ ...base, headers: { 'x-a': 1 } }, 'openai.headers.x-a: must be a string without CR, LF or NUL, got 1'],
    [{ ...base, headers: { 'x-a': 'v\r\nx-b: injected' } }, 'openai.headers.x-a: must be a string without CR, LF or NUL'],
    [{ ...base, headers: { 'bad name': 'v' } }, 'openai.headers: "bad name" is not a valid HTTP header name'],
    [{ ...base, apiKey: 'has space' }, 'openai.apiKey: must be a non-empty string of printable ASCII without spaces'],
    [{ ...base, returnTokenIds: 'yes' }, 'openai.returnTokenIds: must be a boolean, got "yes"'],
  ])('rejects %o', (options, message) => {
    // A number out of its range is a GigpoRangeError (RangeError); a wrong type, NaN or a
    // fraction where an integer is wanted is a GigpoArgumentError (TypeError).
    const v = Object.values(options).at(-1);
    const range =
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      /must be (an integer|a number|a finite number)/.test(message) &&
      (Number.isInteger(v) || !message.includes('an integer'));
    expect(() => openAIPolicy(options as unknown as OpenAIPolicyOptions)).toThrow(range ? GigpoRangeError : GigpoArgumentError);
    expect(() => openAIPolicy(options as unknown as OpenAIPolicyOptions)).toThrow(message);
  });

  it('checks the requests passed to act()', async () => {
    const policy = openAIPolicy(base);
    await expect(policy.act([request(0), { group: 0, traj: 1, step: 0 } as unknown as PolicyRequest])).rejects.toThrow(
      'requests[1].messages: expected an array of chat messages',
    );
    await expect(policy.act([{ ...request(0), messages: [{ role: 'user' }] } as unknown as PolicyRequest])).rejects.toThrow(
      "requests[0].messages[0]: expected { role: 'system' | 'user' | 'assistant', content: string }",
    );
    await expect(policy.act([{ ...request(0), messages: [{ role: 'tool', content: 'x' }] } as unknown as PolicyRequest])).rejects.toThrow(
      "requests[0].messages[0]: expected { role: 'system' | 'user' | 'assistant', content: string }",
    );
  });
});

describe('retry delays', () => {
  it('backoff is full jitter under an exponential ceiling capped at max', () => {
    expect(backoffMs(0, 500, 30_000, () => 0.5)).toBe(250);
    expect(backoffMs(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffMs(10, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(backoffMs(10, 500, 30_000, () => 0)).toBe(0);
    expect(backoffMs(1000, 500, 30_000, () => 0.999)).toBe(29_970);
  });

  it('Retry-After reads seconds and HTTP dates', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 1.5 ', now)).toBe(1500);
    expect(retryAfterMs(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(retryAfterMs(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('Semaphore', () => {
  it('grants in FIFO order, hands slots over on release, and ignores a second release', async () => {
    const sem = new Semaphore(2);
    const a = await sem.acquire();
    await sem.acquire();
    const order: string[] = [];
    const c = sem.acquire().then((r) => {
      order.push('c');
      return r;
    });
    const d = sem.acquire().then((r) => {
      order.push('d');
      return r;
    });
    expect(sem.inUse).toBe(2);
    a();
    a(); // must not free a second slot
    const releaseC = await c;
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['c']); // d still waits: only one slot was released
    releaseC();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(sem.inUse).toBe(2);
  });

  it('an aborted waiter leaves the queue and does not take a slot', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    const controller = new AbortController();
    const waiting = sem.acquire(controller.signal);
    const next = sem.acquire();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    release();
    const releaseNext = await next; // the slot went past the aborted waiter
    expect(sem.inUse).toBe(1);
    releaseNext();
    expect(sem.inUse).toBe(0);
    await expect(sem.acquire(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(sem.inUse).toBe(0);
  });
});
