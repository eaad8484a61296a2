// The native policies: random actions and the env's oracle (optionally epsilon-greedy).
import { GigpoArgumentError } from '../errors.js';
import type { NativePolicy } from './types.js';

export function randomPolicy(): NativePolicy {
  return { kind: 'native', name: 'random', epsilon: 1 };
}

export function oraclePolicy(options: { epsilon?: number } = {}): NativePolicy {
  const epsilon = options.epsilon ?? 0;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1))
    throw new GigpoArgumentError('oracle.epsilon', `must be a number in [0, 1], got ${String(epsilon)}`);
  return { kind: 'native', name: 'oracle', epsilon };
}
