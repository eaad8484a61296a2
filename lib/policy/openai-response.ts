// Reads one chat-completions response body into a PolicyResponse. Text is required; token ids
// and log-probs are taken where the server sent them (vLLM field names) and otherwise left absent.
import type { PolicyResponse } from './types.js';

/** The body parsed but does not have the shape of a chat completion. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(`malformed response: ${message}`);
    this.name = 'MalformedResponseError';
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first choice of a completion body. */
function firstChoice(body: unknown): { body: Json; choice: Json } {
  if (!isObject(body)) throw new MalformedResponseError('expected a JSON object');
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new MalformedResponseError('missing choices[0]');
  const choice = choices[0];
  if (!isObject(choice)) throw new MalformedResponseError('missing choices[0]');
  return { body, choice };
}

export function parseChatCompletion(json: unknown): PolicyResponse {
  const { body, choice } = firstChoice(json);
  if (!isObject(choice.message)) throw new MalformedResponseError('missing choices[0].message');
  const content = choice.message.content;
  if (typeof content !== 'string') {
    // A null content usually means the model answered with tool calls or a refusal instead of text.
    const finish = typeof choice.finish_reason === 'string' ? ` (finish_reason: ${choice.finish_reason})` : '';
    throw new MalformedResponseError(`choices[0].message.content is ${content === null ? 'null' : typeof content}${finish}`);
  }
  const entries = logprobEntries(choice.logprobs);
  const logprobs = entries && entryLogprobs(entries);
  return withTokens({ text: content }, body, choice, idsFromTokenStrings(entries?.map((e) => e.token)), logprobs);
}

/**
 * A text completion (`/v1/completions`, the token-id prompts of promptMode 'conversation'). Log-probs
 * come in the legacy shape ({tokens, token_logprobs}: vLLM, OpenAI) or the chat shape ({content}: llama.cpp).
 */
export function parseTextCompletion(json: unknown): PolicyResponse {
  const { body, choice } = firstChoice(json);
  if (typeof choice.text !== 'string')
    throw new MalformedResponseError(`choices[0].text is ${choice.text === null ? 'null' : typeof choice.text}`);
  const lp = choice.logprobs;
  if (lp !== undefined && lp !== null && !isObject(lp)) throw new MalformedResponseError('choices[0].logprobs is not an object');
  let tokens: unknown[] | undefined;
  let logprobs: Float32Array | undefined;
  if (isObject(lp) && lp.token_logprobs !== undefined && lp.token_logprobs !== null) {
    if (!Array.isArray(lp.token_logprobs)) throw new MalformedResponseError('choices[0].logprobs.token_logprobs is not an array');
    logprobs = new Float32Array(lp.token_logprobs.length);
    lp.token_logprobs.forEach((v: unknown, k: number) => {
      if (typeof v !== 'number') throw new MalformedResponseError(`choices[0].logprobs.token_logprobs[${k}] is not a number`);
      logprobs![k] = v;
    });
    tokens = Array.isArray(lp.tokens) ? lp.tokens : undefined;
  } else {
    const entries = logprobEntries(lp);
    if (entries) {
      logprobs = entryLogprobs(entries);
      tokens = entries.map((e) => e.token);
    }
  }
  return withTokens({ text: choice.text }, body, choice, idsFromTokenStrings(tokens), logprobs);
}

/** Adds what the server sent of prompt ids, response ids, log-probs and usage; checks they agree. */
function withTokens(
  out: PolicyResponse,
  body: Json,
  choice: Json,
  idsFromLogprobs: Int32Array | undefined,
  logprobs: Float32Array | undefined,
): PolicyResponse {
  // vLLM: top-level prompt_token_ids; some versions put them on the choice.
  const promptIds = tokenIds(body.prompt_token_ids ?? choice.prompt_token_ids, 'prompt_token_ids');
  if (promptIds) out.promptIds = promptIds;
  const responseIds = tokenIds(choice.token_ids, 'choices[0].token_ids') ?? idsFromLogprobs;
  if (responseIds) out.responseIds = responseIds;
  if (logprobs) out.logprobs = logprobs;
  const usage = isObject(body.usage) ? body.usage : undefined;
  if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number')
    out.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  if (out.responseIds && out.logprobs && out.responseIds.length !== out.logprobs.length)
    throw new MalformedResponseError(
      `${out.responseIds.length} response token ids but ${out.logprobs.length} logprobs (they must match one to one)`,
    );
  return out;
}

function entryLogprobs(entries: Json[]): Float32Array {
  const logprobs = new Float32Array(entries.length);
  for (let k = 0; k < entries.length; k++) {
    const lp = entries[k].logprob;
    if (typeof lp !== 'number') throw new MalformedResponseError(`choices[0].logprobs.content[${k}].logprob is not a number`);
    logprobs[k] = lp;
  }
  return logprobs;
}

/** The `tokens` of a /tokenize answer (vLLM and llama.cpp: {tokens: number[]}). */
export function parseTokenize(json: unknown): Int32Array {
  if (!isObject(json)) throw new MalformedResponseError('tokenize: expected a JSON object');
  const ids = tokenIds(json.tokens, 'tokens');
  if (!ids) throw new MalformedResponseError('tokenize: missing tokens');
  return ids;
}

function tokenIds(value: unknown, field: string): Int32Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new MalformedResponseError(`${field} is not an array`);
  const ids = new Int32Array(value.length);
  for (let k = 0; k < value.length; k++) {
    const id = value[k];
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff)
      throw new MalformedResponseError(`${field}[${k}] is not a token id: ${JSON.stringify(id)}`);
    ids[k] = id;
  }
  return ids;
}

function logprobEntries(logprobs: unknown): Json[] | undefined {
  if (logprobs === undefined || logprobs === null) return undefined;
  if (!isObject(logprobs)) throw new MalformedResponseError('choices[0].logprobs is not an object');
  const content = logprobs.content;
  if (content === undefined || content === null) return undefined;
  if (!Array.isArray(content) || !content.every(isObject))
    throw new MalformedResponseError('choices[0].logprobs.content is not an array of objects');
  return content;
}

/** vLLM's `return_tokens_as_token_ids` spells each logprob token as "token_id:<id>": use those when no token_ids came. */
function idsFromTokenStrings(tokens: unknown[] | undefined): Int32Array | undefined {
  if (!tokens || tokens.length === 0) return undefined;
  const ids = new Int32Array(tokens.length);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const m = typeof t === 'string' ? /^token_id:(\d{1,10})$/.exec(t) : null;
    if (!m || Number(m[1]) > 0x7fffffff) return undefined;
    ids[k] = Number(m[1]);
  }
  return ids;
}
