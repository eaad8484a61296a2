// The check every text policy makes of the requests act() is given before sending any.
import { GigpoArgumentError } from '../errors.js';
import type { PolicyRequest } from './types.js';

const ROLES = new Set(['system', 'user', 'assistant']);

export function checkRequests(requests: readonly PolicyRequest[]): void {
  if (!Array.isArray(requests)) throw new GigpoArgumentError('requests', 'expected an array of policy requests');
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (typeof r !== 'object' || r === null || !Array.isArray(r.messages))
      throw new GigpoArgumentError(`requests[${i}].messages`, 'expected an array of chat messages');
    for (let k = 0; k < r.messages.length; k++) {
      const m = r.messages[k];
      if (typeof m !== 'object' || m === null || !ROLES.has(m.role) || typeof m.content !== 'string')
        throw new GigpoArgumentError(
          `requests[${i}].messages[${k}]`,
          "expected { role: 'system' | 'user' | 'assistant', content: string }",
        );
    }
  }
}
