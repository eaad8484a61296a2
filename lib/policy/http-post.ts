// The HTTP transport of the OpenAI-compatible policy: JSON POSTs over keep-alive connections (one
// undici Agent for the process, as fetch() has: a socket per request in flight, each reused by the
// next request to its origin, whichever policy object sends it), one timeout per exchange covering
// the body, cancellation by an AbortSignal, the body read up to a size limit, redirects followed
// only when asked.
//
// It drives undici's dispatcher directly: no stream, no AbortController and no listener on the
// socket per request. Node's fetch() over the same library costs several times the CPU per
// request (WHATWG streams, Headers, Response objects); with hundreds of requests in flight the
// client, not the server, set the pace of a rollout (bench/llm-rollout).
import { createRequire } from 'node:module';
import type { Agent, Dispatcher } from 'undici';
import { abortError, onAbort } from '../util/abort.js';
import { BodyReader } from './read-body.js';

/** Redirects followed at most (fetch()'s limit); the last 3xx is answered as it is. */
export const MAX_REDIRECTS = 20;

export interface PostOptions {
  /** Cancels the exchange at once (it rejects with the signal's AbortError). */
  signal: AbortSignal;
  /** From sending to the last body byte, redirects included; then it rejects with PostTimeoutError. */
  timeoutMs: number;
  /** Largest body read; a longer one rejects with BodyTooLargeError without being read further. */
  maxResponseBytes: number;
  followRedirects: boolean;
}

export interface PostAnswer {
  status: number;
  /** The body as UTF-8 text; empty for a redirect that was not followed. */
  text: string;
  retryAfter: string | null;
  /** The Location of a 3xx answer. */
  location: string | null;
  /** Redirects followed to get this answer. */
  redirects: number;
}

/** The exchange took longer than its timeout. */
export class PostTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'PostTimeoutError';
  }
}

/** A failure after the status line arrived (while reading the body): the status and the cause. */
export class BodyReadError extends Error {
  constructor(
    readonly status: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'BodyReadError';
  }
}

let agent: Agent | undefined;

/**
 * The process's Agent, made on first use. Only undici's Agent is loaded (its index, fetch and
 * WebSocket included, takes about three times as long): a command that sends no request pays nothing.
 */
export function httpAgent(): Agent {
  if (agent === undefined) {
    const require = createRequire(import.meta.url);
    const AgentClass = require('undici/lib/dispatcher/agent.js') as typeof Agent;
    // No timeouts of undici's own: the one timer of httpPost covers the whole exchange. No limit on
    // the sockets per origin: the callers' own bounds (a policy's concurrency) are the limit.
    agent = new AgentClass({ headersTimeout: 0, bodyTimeout: 0 });
  }
  return agent;
}

/**
 * POSTs `body` to `url` (and, when following, to where it redirects). Rejects with the network
 * error as undici reports it, PostTimeoutError or BodyTooLargeError; wrapped in BodyReadError
 * once the status is known. Idle sockets do not keep the process alive.
 */
export function httpPost(url: URL, headers: Readonly<Record<string, string>>, body: string, o: PostOptions): Promise<PostAnswer> {
  const dispatcher = httpAgent();
  return new Promise<PostAnswer>((resolve, reject) => {
    let settled = false;
    let status = 0; // of the exchange in progress, once its headers arrived
    let abortExchange: ((err: Error) => void) | undefined; // undici's, once the request is on a socket
    let cancelled: Error | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      return true;
    };
    const fail = (err: unknown): void => {
      if (settle()) reject(status !== 0 ? new BodyReadError(status, err) : err);
    };
    const cancel = (err: Error): void => {
      if (settled) return;
      cancelled = err;
      abortExchange?.(err); // closes the socket: a late answer must not land on the next request
      if (err instanceof PostTimeoutError) fail(err);
      else if (settle()) reject(err);
    };
    const timer = setTimeout(() => cancel(new PostTimeoutError(o.timeoutMs)), o.timeoutMs);
    const unsubscribe = onAbort(o.signal, () => cancel(abortError(o.signal)));

    const exchange = (target: URL, method: 'POST' | 'GET', redirects: number): void => {
      status = 0;
      abortExchange = undefined;
      let reader: BodyReader | undefined;
      let retryAfter: string | null = null;
      let location: string | null = null;
      const handler: Dispatcher.DispatchHandlers = {
        onConnect(abort) {
          if (cancelled) abort(cancelled);
          else abortExchange = abort;
        },
        onHeaders(statusCode, raw) {
          status = statusCode;
          reader = new BodyReader(o.maxResponseBytes, statusCode < 300 || statusCode > 399);
          for (let k = 0; k + 1 < raw.length; k += 2) {
            const name = raw[k];
            // Compare lengths first: most headers are none of the three.
            if (name.length === 14 && name.toString('latin1').toLowerCase() === 'content-length')
              reader.declare(Number(raw[k + 1].toString('latin1')));
            else if (name.length === 11 && name.toString('latin1').toLowerCase() === 'retry-after')
              retryAfter = raw[k + 1].toString('latin1');
            else if (name.length === 8 && name.toString('latin1').toLowerCase() === 'location') location = raw[k + 1].toString('latin1');
          }
          return true; // a throw (too large) makes undici abort the exchange and call onError
        },
        onData(chunk) {
          reader!.push(chunk);
          return true;
        },
        onComplete() {
          if (settled) return;
          const redirect = status >= 300 && status <= 399;
          if (redirect && o.followRedirects && location !== null && redirects < MAX_REDIRECTS) {
            let next: URL;
            try {
              next = new URL(location, target);
            } catch (err) {
              return fail(err);
            }
            return exchange(next, status === 303 ? 'GET' : method, redirects + 1); // 303 "see other": fetch it, do not post again
          }
          const answer = { status, text: redirect ? '' : reader!.text(), retryAfter, location, redirects };
          if (settle()) resolve(answer);
        },
        onError(err) {
          fail(err);
        },
      };
      dispatcher.dispatch(
        { origin: target.origin, path: target.pathname + target.search, method, headers, body: method === 'POST' ? body : null },
        handler,
      );
    };
    if (o.signal.aborted) cancel(abortError(o.signal));
    else exchange(url, 'POST', 0);
  });
}
