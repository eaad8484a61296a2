// Anchor hashes of text, identical to the hashes the env batch computes for its keys.
import { GigpoArgumentError } from '../errors.js';
import { native } from '../native.js';

/** The 64-bit anchor hash of each string's UTF-8 bytes. */
export function hashStrings(strings: readonly string[]): BigUint64Array {
  if (!Array.isArray(strings)) throw new GigpoArgumentError('strings', 'expected an array of strings');
  return native.hashStrings(strings);
}
