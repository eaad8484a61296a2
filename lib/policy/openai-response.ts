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

export function parseChatCompletion(body: unknown): PolicyResponse {
  if (!isObject(body)) throw new MalformedResponseError('expected a JSON object');
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new MalformedResponseError('missing choices[0]');
  const choice = choices[0];
  if (!isObject(choice) || !isObject(choice.message)) throw new MalformedResponseError('missing choices[0].message');
  const content = choice.message.content;
  if (typeof content !== 'string') {
    // A null content usually means the model answered with tool calls or a refusal instead of text.
    const finish = typeof choice.finish_reason === 'string' ? ` (finish_reason: ${choice.finish_reason})` : '';
    throw new MalformedResponseError(`choices[0].message.content is ${content === null ? 'null' : typeof content}${finish}`);
  }

  const out: PolicyResponse = { text: content };
  // vLLM: top-level prompt_token_ids; some versions put them on the choice.
  const promptIds = tokenIds(body.prompt_token_ids ?? choice.prompt_token_ids, 'prompt_token_ids');
  if (promptIds) out.promptIds = promptIds;
  const entries = logprobEntries(choice.logprobs);
  const responseIds = tokenIds(choice.token_ids, 'choices[0].token_ids') ?? idsFromTokenStrings(entries);
  if (responseIds) out.responseIds = responseIds;
  if (entries) {
    const logprobs = new Float32Array(entries.length);
    for (let k = 0; k < entries.length; k++) {
      const lp = entries[k].logprob;
      if (typeof lp !== 'number') throw new MalformedResponseError(`choices[0].logprobs.content[${k}].logprob is not a number`);
      logprobs[k] = lp;
    }
    out.logprobs = logprobs;
  }
  const usage = isObject(body.usage) ? body.usage : undefined;
  if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number')
    out.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  if (out.responseIds && out.logprobs && out.responseIds.length !== out.logprobs.length)
    throw new MalformedResponseError(
      `${out.responseIds.length} response token ids but ${out.logprobs.length} logprobs (they must match one to one)`,
    );
  return out;
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
function idsFromTokenStrings(entries: Json[] | undefined): Int32Array | undefined {
  if (!entries || entries.length === 0) return undefined;
  const ids = new Int32Array(entries.length);
  for (let k = 0; k < entries.length; k++) {
    const m = typeof entries[k].token === 'string' ? /^token_id:(\d{1,10})$/.exec(entries[k].token as string) : null;
    if (!m || Number(m[1]) > 0x7fffffff) return undefined;
    ids[k] = Number(m[1]);
  }
  return ids;
}
