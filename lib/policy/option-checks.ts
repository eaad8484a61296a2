// Checks of policy options shared by every policy: numbers and integers in a range, with a
// default, rejected with a GigpoArgumentError that names the option (`openai.topP`).
import { GigpoArgumentError, valueError } from '../errors.js';

/** `value` if it is a number in [min, max] (or (min, max] with `minOpen`), `fallback` if undefined. */
export function numberOption(path: string, value: unknown, fallback: number, min: number, max: number, minOpen = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !((minOpen ? value > min : value >= min) && value <= max)) {
    const range = max === Number.MAX_VALUE ? `a finite number >= ${min}` : `a number in ${minOpen ? '(' : '['}${min}, ${max}]`;
    throw valueError(path, value, `must be ${range}, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` if it is an integer in [min, max], `fallback` if undefined. */
export function integerOption(path: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || !((value as number) >= min && (value as number) <= max))
    throw valueError(
      path,
      Number.isInteger(value) ? value : undefined,
      `must be an integer in [${min}, ${max}], got ${describeValue(value)}`,
    );
  return value as number;
}

/** A non-empty string. */
export function nonEmptyOption(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new GigpoArgumentError(path, `must be a non-empty string, got ${describeValue(value)}`);
  return value;
}

/** A short description of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
