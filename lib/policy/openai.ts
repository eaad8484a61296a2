// A TextPolicy over an OpenAI-compatible chat-completions server (vLLM, SGLang, llama.cpp
// server, hosted APIs): one HTTP request per PolicyRequest, bounded concurrency, a timeout
// per attempt, retries with backoff, and cancellation through act()'s AbortSignal.
import { abortError, onAbort, sleep } from '../util/abort.js';
import { backoffMs, retryAfterMs } from '../util/backoff.js';
import { resolveOpenAIOptions, type OpenAIPolicyOptions, type ResolvedOpenAIOptions } from './openai-options.js';
import { MalformedResponseError, parseChatCompletion, parseTextCompletion, parseTokenize } from './openai-response.js';
import { BodyReadError, httpAgent, httpPost, MAX_REDIRECTS, PostTimeoutError, type PostAnswer } from './http-post.js';
import { BodyTooLargeError } from './read-body.js';
import { PolicyRequestError, type PolicyFailureKind, type PolicyRequestId } from './request-error.js';
import { checkRequests } from './requests.js';
import { Semaphore } from '../util/semaphore.js';
import type { PolicyRequest, PolicyResponse, TextPolicy, TokenPolicy, TokenRequest } from './types.js';

export type { OpenAIPolicyOptions } from './openai-options.js';

const LABEL = 'openai policy';
const SNIPPET_CHARS = 500;
const DEFAULT_MAX_TOKENS = 1024; // when neither the options nor the request give a budget
// How vLLM, SGLang, llama.cpp's server and OpenAI word a prompt longer than the model's context.
const CONTEXT_LENGTH = /maximum context length|context length|context window|exceeds the available context|too many tokens/i;

/** One failed attempt; `retryable` decides whether another attempt may follow. */
class AttemptFailure extends Error {
  constructor(
    readonly kind: PolicyFailureKind,
    readonly detail: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    readonly original?: unknown,
  ) {
    super(detail);
  }
}

export function openAIPolicy(options: OpenAIPolicyOptions): TextPolicy {
  const o = resolveOpenAIOptions(options);
  const url = new URL(`${o.baseURL}/chat/completions`);
  const completionsURL = new URL(`${o.baseURL}/completions`);
  const tokenizeURL = new URL(o.tokenizeURL);
  // Lower-case names so that a user's 'Content-Type' replaces ours instead of doubling it.
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [name, value] of Object.entries(o.headers)) headers[name.toLowerCase()] = value;
  if (o.apiKey !== undefined) headers.authorization = `Bearer ${o.apiKey}`;
  const slots = new Semaphore(o.concurrency); // shared by every act() call of this policy object
  httpAgent(); // load the HTTP client now, not in the first request's time

  /** One request with its retries; resolves with the parsed answer and the attempts it took. */
  async function send<T>(
    target: URL,
    payload: string,
    request: PolicyRequestId,
    parse: (json: unknown) => T,
    signal: AbortSignal,
  ): Promise<{ value: T; attempts: number }> {
    for (let attempt = 1; ; attempt++) {
      const release = await slots.acquire(signal);
      let failure: AttemptFailure;
      try {
        return { value: await attemptOnce(target, headers, payload, o, signal, parse), attempts: attempt };
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        if (!(err instanceof AttemptFailure)) throw err; // a bug, not a server problem
        failure = err;
      } finally {
        release(); // never hold a slot while backing off
      }
      if (!failure.retryable || attempt > o.retries)
        throw new PolicyRequestError(LABEL, request, attempt, {
          kind: failure.kind,
          detail: failure.detail,
          status: failure.status,
          cause: failure.original,
        });
      const delay =
        failure.retryAfterMs !== undefined
          ? Math.min(failure.retryAfterMs, o.retryMaxMs)
          : backoffMs(attempt - 1, o.retryBaseMs, o.retryMaxMs);
      await sleep(delay, signal);
    }
  }

  async function complete(request: PolicyRequest, signal: AbortSignal): Promise<PolicyResponse> {
    return answered(await send(url, JSON.stringify(requestBody(o, request)), request, parseChatCompletion, signal));
  }

  // Token-in/token-out (promptMode 'conversation'): /v1/completions with a token-id prompt, and the
  // server's /tokenize for the text the engine adds. One body serves vLLM ({prompt,
  // add_special_tokens}) and llama.cpp's server ({content, add_special, parse_special}).
  const tokens: TokenPolicy = {
    async tokenize(text, options, signal) {
      const payload = JSON.stringify({
        model: o.model,
        prompt: text,
        add_special_tokens: options.addSpecial,
        content: text,
        add_special: options.addSpecial,
        parse_special: true,
      });
      const id = options.request ?? { group: -1, traj: -1, step: -1 };
      return (await send(tokenizeURL, payload, id, parseTokenize, signal ?? NEVER)).value;
    },
    async completeIds(request, signal) {
      const body = completionBody(o, request);
      return answered(await send(completionsURL, JSON.stringify(body), request, parseTextCompletion, signal ?? NEVER));
    },
  };

  return {
    kind: 'text',
    name: o.name,
    tokens,
    async act(requests, signal) {
      checkRequests(requests);
      if (signal?.aborted) throw abortError(signal);
      // One request (the trajectory loop's call): no siblings to cancel.
      if (requests.length === 1) return [await complete(requests[0], signal ?? NEVER)];
      // One request failing for good fails the call: cancel its siblings so they stop using the server.
      const local = new AbortController();
      const unsubscribe = signal ? onAbort(signal, () => local.abort(signal.reason)) : undefined;
      let first: unknown;
      try {
        return await Promise.all(
          requests.map((r) =>
            complete(r, local.signal).catch((err: unknown) => {
              if (first === undefined) first = err;
              local.abort(err);
              throw err;
            }),
          ),
        );
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        throw first ?? err;
      } finally {
        unsubscribe?.();
      }
    },
  };
}

const NEVER = new AbortController().signal;

function answered({ value, attempts }: { value: PolicyResponse; attempts: number }): PolicyResponse {
  if (attempts > 1) value.attempts = attempts; // absent means 1
  return value;
}

/** A text completion continuing token ids; `logprobs: 1` asks for the sampled token's log-prob. */
function completionBody(o: ResolvedOpenAIOptions, request: TokenRequest): Record<string, unknown> {
  return {
    model: o.model,
    prompt: Array.from(request.promptIds),
    temperature: o.temperature,
    max_tokens: o.maxTokens || request.maxTokens || DEFAULT_MAX_TOKENS,
    top_p: o.topP,
    logprobs: 1,
    n: 1,
    ...(o.returnTokenIds ? { return_token_ids: true } : {}),
    ...o.extraBody,
  };
}

function requestBody(o: ResolvedOpenAIOptions, request: PolicyRequest): Record<string, unknown> {
  return {
    model: o.model,
    messages: request.messages,
    temperature: o.temperature,
    max_tokens: o.maxTokens || request.maxTokens || DEFAULT_MAX_TOKENS,
    top_p: o.topP,
    logprobs: true,
    n: 1,
    ...(o.returnTokenIds ? { return_token_ids: true } : {}),
    ...o.extraBody,
  };
}

/** One HTTP exchange under its own timeout; throws AttemptFailure, or AbortError when `signal` fires. */
async function attemptOnce<T>(
  url: URL,
  headers: Readonly<Record<string, string>>,
  payload: string,
  { timeoutMs, maxResponseBytes, followRedirects }: ResolvedOpenAIOptions,
  signal: AbortSignal,
  parse: (json: unknown) => T,
): Promise<T> {
  let answer: PostAnswer;
  try {
    // The timeout covers the body too: a server may stall mid-body.
    answer = await httpPost(url, headers, payload, { signal, timeoutMs, maxResponseBytes, followRedirects });
  } catch (caught) {
    if (signal.aborted) throw abortError(signal);
    const status = caught instanceof BodyReadError ? caught.status : undefined;
    const err = caught instanceof BodyReadError ? caught.cause : caught;
    if (err instanceof BodyTooLargeError) throw new AttemptFailure('too-large', err.message, false, status);
    if (err instanceof PostTimeoutError) throw new AttemptFailure('timeout', err.message, true, status);
    throw new AttemptFailure('network', `network error: ${describeNetworkError(err)}`, true, status, undefined, err);
  }
  const { status, text } = answer;
  if (status >= 300 && status <= 399) throw redirectFailure(answer);
  if (status < 200 || status > 299) throw httpFailure(status, text, answer.retryAfter);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Retried: a body cut short by a proxy or a restarting server is usually transient.
    throw new AttemptFailure('malformed', `malformed response: body is not JSON: ${snippet(text)}`, true, status);
  }
  try {
    return parse(json);
  } catch (err) {
    if (!(err instanceof MalformedResponseError)) throw err;
    throw new AttemptFailure('malformed', err.message, true, status);
  }
}

/** A redirect is answered by failing (retrying cannot change it) unless followRedirects is set. */
function redirectFailure({ status, location, redirects }: PostAnswer): AttemptFailure {
  const why =
    redirects === MAX_REDIRECTS
      ? `not followed after ${redirects} redirects`
      : location === null
        ? 'without a location'
        : 'not followed (set followRedirects to follow it)';
  return new AttemptFailure('http', `HTTP ${status} redirect${location ? ` to ${location}` : ''} ${why}`, false, status);
}

function httpFailure(status: number, body: string, retryAfter: string | null): AttemptFailure {
  // 408/429/5xx are the server's way of saying "later"; other 4xx (bad request, auth, unknown
  // model) will fail the same way again, so they fail at once.
  const retryable = status === 408 || status === 429 || status >= 500;
  const wait = status === 429 || status === 503 ? retryAfterMs(retryAfter) : null;
  const message = serverMessage(body);
  if (status === 400 && CONTEXT_LENGTH.test(message)) return new AttemptFailure('context-length', `HTTP 400: ${message}`, false, status);
  return new AttemptFailure('http', `HTTP ${status}${message ? `: ${message}` : ' (empty body)'}`, retryable, status, wait ?? undefined);
}

/** The error text of an OpenAI-style ({error: {message}}), vLLM ({message}) or FastAPI ({detail}) body, else the raw body. */
function serverMessage(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === 'object' && json !== null) {
      const j = json as Record<string, unknown>;
      const error = j.error as Record<string, unknown> | string | undefined;
      const message = (typeof error === 'object' && error !== null ? error.message : error) ?? j.message ?? j.detail;
      if (message !== undefined) return snippet(typeof message === 'string' ? message : JSON.stringify(message));
    }
  } catch {
    // not JSON: quote the body itself
  }
  return snippet(body);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}...` : flat;
}

/** The error's message, and its cause's (fetch-style errors hide the reason, ECONNREFUSED, in `cause`). */
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
