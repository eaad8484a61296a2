// A policy from a plain (async) function: messages in, text out.
import { GigpoArgumentError } from '../errors.js';
import type { ChatMessage, PolicyRequest, PolicyResponse, TextPolicy } from './types.js';

export type PolicyFunction = (
  messages: ChatMessage[],
  request: PolicyRequest,
  signal?: AbortSignal,
) => string | PolicyResponse | Promise<string | PolicyResponse>;

export function functionPolicy(fn: PolicyFunction, options: { name?: string } = {}): TextPolicy {
  if (typeof fn !== 'function') throw new GigpoArgumentError('fn', 'expected a function (messages, request) => text');
  return {
    kind: 'text',
    name: options.name ?? 'function',
    async act(requests, signal) {
      return Promise.all(
        requests.map(async (r, i) => {
          const out = await fn(r.messages, r, signal);
          if (typeof out === 'string') return { text: out };
          if (out && typeof out === 'object' && typeof out.text === 'string') return out;
          throw new GigpoArgumentError(`policy response ${i} (traj ${r.traj}, step ${r.step})`, 'expected a string or { text }');
        }),
      );
    },
  };
}
