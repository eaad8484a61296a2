// Options of the OpenAI-compatible policy: their defaults and validation.
import { GigpoArgumentError } from '../errors.js';
import { describeValue as describe, integerOption, nonEmptyOption, numberOption } from './option-checks.js';

export interface OpenAIPolicyOptions {
  /** Server base URL including the API prefix, e.g. `http://localhost:8000/v1`. */
  baseURL: string;
  /** Model name the server serves (vLLM: `--served-model-name`, default the model path). */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`. Never read from the environment. */
  apiKey?: string;
  /** Sampling temperature (default 1: RL rollouts sample from the policy). */
  temperature?: number;
  /** `max_tokens` of each completion (default: the env's answer budget, `gigpo envs` shows it; else 1024). */
  maxTokens?: number;
  /** Nucleus sampling `top_p` (default 1). */
  topP?: number;
  /** Most requests in flight at once for this policy object, across concurrent act() calls (default 64). */
  concurrency?: number;
  /** Per-attempt timeout in ms, from sending the request to the last body byte (default 120 000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/429/5xx, network errors, timeouts and malformed bodies (default 4). */
  retries?: number;
  /** Base of the exponential backoff in ms (default 500). */
  retryBaseMs?: number;
  /** Cap on one backoff delay and on a server's Retry-After, in ms (default 30 000). */
  retryMaxMs?: number;
  /** Extra fields merged into every request body last (e.g. `{ top_k: 20 }`); they override the defaults. */
  extraBody?: Record<string, unknown>;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Send vLLM's `return_token_ids: true` (default true; turn off for servers that reject unknown fields). */
  returnTokenIds?: boolean;
  /**
   * The server's tokenize endpoint, used by promptMode 'conversation' (default: baseURL without its
   * trailing /v1, then /tokenize: where vLLM and llama.cpp's server have it).
   */
  tokenizeURL?: string;
  /** Policy name (default `openai:<model>`). */
  name?: string;
}

export type ResolvedOpenAIOptions = Required<Omit<OpenAIPolicyOptions, 'apiKey'>> & { apiKey?: string };

const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit
// The policy owns these body fields: streaming and n > 1 would break reading choices[0].
const RESERVED_BODY_FIELDS = ['model', 'messages', 'stream', 'n'];

export function resolveOpenAIOptions(options: OpenAIPolicyOptions): ResolvedOpenAIOptions {
  if (typeof options !== 'object' || options === null) throw new GigpoArgumentError('openai', 'expected an options object');
  const o = options;
  const resolved: ResolvedOpenAIOptions = {
    baseURL: baseURL(o.baseURL),
    model: nonEmpty('model', o.model),
    temperature: number('temperature', o.temperature, 1, 0, Number.MAX_VALUE),
    maxTokens: integer('maxTokens', o.maxTokens, 0, 1, 2 ** 31 - 1), // 0: the request's budget
    topP: number('topP', o.topP, 1, 0, 1, true),
    concurrency: integer('concurrency', o.concurrency, 64, 1, 65536),
    timeoutMs: number('timeoutMs', o.timeoutMs, 120_000, 1, MAX_TIMER_MS),
    retries: integer('retries', o.retries, 4, 0, 100),
    retryBaseMs: number('retryBaseMs', o.retryBaseMs, 500, 0, MAX_TIMER_MS),
    retryMaxMs: number('retryMaxMs', o.retryMaxMs, 30_000, 0, MAX_TIMER_MS),
    extraBody: extraBody(o.extraBody),
    headers: headers(o.headers),
    returnTokenIds: o.returnTokenIds ?? true,
    name: o.name === undefined ? `openai:${o.model}` : nonEmpty('name', o.name),
    tokenizeURL: '',
  };
  resolved.tokenizeURL =
    o.tokenizeURL === undefined ? `${resolved.baseURL.replace(/\/v1$/, '')}/tokenize` : baseURL(o.tokenizeURL, 'openai.tokenizeURL');
  if (typeof resolved.returnTokenIds !== 'boolean')
    throw new GigpoArgumentError('openai.returnTokenIds', `must be a boolean, got ${describe(o.returnTokenIds)}`);
  if (o.apiKey !== undefined) {
    if (typeof o.apiKey !== 'string' || !/^[\x21-\x7e]+$/.test(o.apiKey))
      throw new GigpoArgumentError('openai.apiKey', 'must be a non-empty string of printable ASCII without spaces');
    resolved.apiKey = o.apiKey;
  }
  return resolved;
}

function baseURL(value: unknown, path = 'openai.baseURL'): string {
  if (typeof value !== 'string') throw new GigpoArgumentError(path, `must be an http(s) URL string, got ${describe(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GigpoArgumentError(path, `must be an http(s) URL like http://localhost:8000/v1, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GigpoArgumentError(path, `must use http or https, got ${JSON.stringify(value)}`);
  if (url.search || url.hash) throw new GigpoArgumentError(path, `must not carry a query or fragment, got ${JSON.stringify(value)}`);
  return url.href.replace(/\/+$/, ''); // tolerate trailing slashes: /chat/completions is appended
}

function nonEmpty(name: string, value: unknown): string {
  return nonEmptyOption(`openai.${name}`, value);
}

function number(name: string, value: unknown, fallback: number, min: number, max: number, minOpen = false): number {
  return numberOption(`openai.${name}`, value, fallback, min, max, minOpen);
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  return integerOption(`openai.${name}`, value, fallback, min, max);
}

function extraBody(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new GigpoArgumentError('openai.extraBody', `must be a plain object, got ${describe(value)}`);
  for (const key of RESERVED_BODY_FIELDS)
    if (key in value) throw new GigpoArgumentError(`openai.extraBody.${key}`, 'is set by the policy and cannot be overridden');
  return { ...value };
}

function headers(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new GigpoArgumentError('openai.headers', `must be a plain object, got ${describe(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k))
      throw new GigpoArgumentError('openai.headers', `${JSON.stringify(k)} is not a valid HTTP header name`);
    if (typeof v !== 'string' || /[\r\n\0]/.test(v))
      throw new GigpoArgumentError(`openai.headers.${k}`, `must be a string without CR, LF or NUL, got ${describe(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
