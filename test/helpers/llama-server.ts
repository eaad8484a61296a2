// A small OpenAI-compatible HTTP server over a real llama.cpp model (llamaPolicy on the tiny
// generated GGUF): POST /v1/chat/completions, POST /v1/completions (prompt as text or token ids),
// POST /tokenize and /detokenize (vLLM's {prompt} and llama.cpp's {content} shapes), with
// vLLM's `return_token_ids` (prompt_token_ids, choices[].token_ids) and OpenAI log-probs.
// Fault switches make the next requests fail in a chosen way, for the policy's fault tests.
//
// Sampling is seeded from the request (its `seed` field, else the server's) and a hash of the
// prompt, so the same prompt gets the same answer whatever order requests arrive in.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { llamaPolicy, type LlamaPolicy, type LlamaSampling } from '../../lib/policy/llama.js';
import type { ChatMessage, PolicyResponse } from '../../lib/policy/types.js';

export type Fault =
  | { kind: 'http-500' }
  | { kind: 'http-429'; retryAfterS: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'context-length' };

export interface LlamaServer {
  /** Base URL with the /v1 prefix, for openAIPolicy's baseURL. */
  readonly baseURL: string;
  /** Server root (for /tokenize and /detokenize). */
  readonly origin: string;
  readonly policy: LlamaPolicy;
  /** Completion requests received (chat and text), faulted ones included. */
  readonly requests: { path: string; body: Record<string, unknown> }[];
  /**
   * The next `count` completion requests fail with `fault` (queued after earlier faults), once
   * `after` more have been answered normally.
   */
  inject(fault: Fault, count?: number, after?: number): void;
  close(): Promise<void>;
}

const FAULTS_PATHS = new Set(['/v1/chat/completions', '/v1/completions']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startLlamaServer(options: {
  model: string;
  parallel?: number;
  prefixCache?: boolean;
  seed?: number;
  contextSize?: number;
}): Promise<LlamaServer> {
  const policy = llamaPolicy({
    model: options.model,
    parallel: options.parallel ?? 4,
    prefixCache: options.prefixCache,
    contextSize: options.contextSize,
  });
  await policy.load();
  const contextSize = options.contextSize ?? 4096;
  const baseSeed = options.seed ?? 0;
  const faults: (Fault | null)[] = []; // null: answer this one normally
  const requests: LlamaServer['requests'] = [];

  async function complete(promptIds: Int32Array, body: Record<string, unknown>): Promise<PolicyResponse> {
    const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? 16;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)
      throw new HttpError(400, 'max_tokens must be a positive integer');
    if (promptIds.length + maxTokens > contextSize)
      throw new HttpError(
        400,
        `This model's maximum context length is ${contextSize} tokens. However, you requested ${promptIds.length + maxTokens} tokens ` +
          `(${promptIds.length} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
      );
    const seed = typeof body.seed === 'number' ? body.seed : baseSeed;
    const sampling: LlamaSampling = {
      temperature: typeof body.temperature === 'number' ? body.temperature : 1,
      topP: typeof body.top_p === 'number' ? body.top_p : 1,
      maxTokens,
      seed: promptHash(promptIds, seed),
    };
    return policy.tokens.completeIds({ group: 0, traj: 0, step: 0, promptIds, sampling });
  }

  async function chat(body: Record<string, unknown>): Promise<unknown> {
    const messages = body.messages;
    if (!Array.isArray(messages)) throw new HttpError(400, 'messages must be an array');
    let promptIds: Int32Array;
    try {
      promptIds = await policy.tokens.chatPromptIds(messages as ChatMessage[]);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    const r = await complete(promptIds, body);
    const choice: Record<string, unknown> = {
      index: 0,
      message: { role: 'assistant', content: r.text },
      finish_reason: finishReason(r, body),
      logprobs: body.logprobs ? { content: await logprobContent(r, body.return_tokens_as_token_ids === true) } : null,
    };
    if (body.return_token_ids) choice.token_ids = Array.from(r.responseIds!);
    return {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'tiny'),
      choices: [choice],
      ...(body.return_token_ids ? { prompt_token_ids: Array.from(r.promptIds!) } : {}),
      usage: usage(r),
    };
  }

  async function textCompletion(body: Record<string, unknown>): Promise<unknown> {
    const prompt = body.prompt;
    let promptIds: Int32Array;
    if (typeof prompt === 'string') promptIds = await policy.tokens.tokenize(prompt, { addSpecial: true });
    else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isInteger(t) && t >= 0 && t < 1 << 30))
      promptIds = Int32Array.from(prompt);
    else throw new HttpError(400, 'prompt must be a string or a non-empty array of token ids');
    let r: PolicyResponse;
    try {
      r = await complete(promptIds, body);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, (err as Error).message); // e.g. a token id outside the vocabulary
    }
    const choice: Record<string, unknown> = { index: 0, text: r.text, finish_reason: finishReason(r, body), logprobs: null };
    if (body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false) {
      const pieces = await Promise.all(Array.from(r.responseIds!, (id) => policy.tokens.detokenize([id])));
      choice.logprobs = { tokens: pieces, token_logprobs: Array.from(r.logprobs!), top_logprobs: null, text_offset: offsets(pieces) };
    }
    if (body.return_token_ids) {
      choice.token_ids = Array.from(r.responseIds!);
      choice.prompt_token_ids = Array.from(r.promptIds!);
    }
    return {
      id: `cmpl-${requests.length}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'tiny'),
      choices: [choice],
      usage: usage(r),
    };
  }

  async function tokenize(body: Record<string, unknown>): Promise<unknown> {
    // vLLM: {prompt, add_special_tokens (default true)} -> {tokens, count, max_model_len}; llama.cpp: {content, add_special (default false)} -> {tokens}.
    if (typeof body.prompt === 'string') {
      const tokens = Array.from(await policy.tokens.tokenize(body.prompt, { addSpecial: body.add_special_tokens !== false }));
      return { tokens, count: tokens.length, max_model_len: contextSize };
    }
    if (typeof body.content === 'string')
      return { tokens: Array.from(await policy.tokens.tokenize(body.content, { addSpecial: body.add_special === true })) };
    throw new HttpError(400, 'expected {prompt: string} (vLLM) or {content: string} (llama.cpp)');
  }

  async function detokenize(body: Record<string, unknown>): Promise<unknown> {
    const tokens = body.tokens;
    if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t) && t >= 0))
      throw new HttpError(400, 'tokens must be an array of token ids');
    const text = await policy.tokens.detokenize(tokens as number[]);
    return { prompt: text, content: text };
  }

  /** OpenAI's per-token entries; vLLM's `return_tokens_as_token_ids` spells each token "token_id:<id>". */
  async function logprobContent(r: PolicyResponse, asIds: boolean): Promise<unknown[]> {
    return Promise.all(
      Array.from(r.responseIds!, async (id, k) => ({
        token: asIds ? `token_id:${id}` : await policy.tokens.detokenize([id]),
        logprob: r.logprobs![k],
        bytes: null,
        top_logprobs: [],
      })),
    );
  }

  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/v1/chat/completions': chat,
    '/v1/completions': textCompletion,
    '/tokenize': tokenize,
    '/detokenize': detokenize,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const route = req.method === 'POST' ? routes[path] : undefined;
    if (!route) return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'request body must be a JSON object' } });
    }
    if (FAULTS_PATHS.has(path)) {
      requests.push({ path, body });
      const fault = faults.shift();
      if (fault && (await applyFault(fault, res))) return;
    }
    try {
      send(res, 200, await route(body));
    } catch (err) {
      if (err instanceof HttpError) send(res, err.status, { error: { message: err.message, type: 'BadRequestError', code: err.status } });
      else send(res, 500, { error: { message: String((err as Error).message ?? err) } });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseURL: `${origin}/v1`,
    origin,
    policy,
    requests,
    inject(fault, count = 1, after = 0) {
      for (let k = 0; k < after; k++) faults.push(null);
      for (let k = 0; k < count; k++) faults.push(fault);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await policy.close();
    },
  };
}

/** Answers a request with `fault` instead of a completion; false when the fault only delays it. */
async function applyFault(fault: Fault, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'http-500':
      send(res, 500, { error: { message: 'injected internal error' } });
      return true;
    case 'http-429':
      res.setHeader('retry-after', String(fault.retryAfterS));
      send(res, 429, { error: { message: 'injected rate limit' } });
      return true;
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return res.destroyed; // the client may have given up meanwhile
    case 'reset':
      res.socket?.destroy();
      return true;
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [{"message": {"content": "<action>up');
      return true;
    case 'context-length':
      send(res, 400, {
        error: {
          message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
          type: 'BadRequestError',
          code: 400,
        },
      });
      return true;
  }
}

function finishReason(r: PolicyResponse, body: Record<string, unknown>): 'stop' | 'length' {
  const max = (body.max_tokens ?? body.max_completion_tokens ?? 16) as number;
  return r.responseIds!.length >= max ? 'length' : 'stop';
}

function usage(r: PolicyResponse): Record<string, number> {
  const prompt = r.promptIds!.length;
  const completion = r.responseIds!.length;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function offsets(pieces: string[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const p of pieces) {
    out.push(at);
    at += p.length;
  }
  return out;
}

/** FNV-1a over the prompt ids, mixed with the seed: the sampler seed of this prompt. */
function promptHash(ids: Int32Array, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const id of ids) h = Math.imul(h ^ id, 0x01000193) >>> 0;
  return h;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
