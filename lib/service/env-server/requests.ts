// Readers of request fields shared by both protocols. Each names the field it rejects.
import { EnvServerError, invalid } from './errors.js';

export type JsonObject = Record<string, unknown>;

/** Largest task index (data_idx / seed): task ids are 32-bit group ids in the native batch. */
export const MAX_TASK = 0xffff_ffff;

export function readObject(value: unknown, path: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(path, 'a JSON object', value);
  return value as JsonObject;
}

/** An integer in [min, max]; numeric strings are accepted where they come from a query string. */
export function readInteger(value: unknown, path: string, min: number, max: number, fromQuery = false): number {
  const n = fromQuery && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw invalid(path, `an integer in [${min}, ${max}]`, value);
  return n;
}

export function readOptionalInteger(value: unknown, path: string, min: number, max: number, fallback: number): number {
  return value === undefined || value === null ? fallback : readInteger(value, path, min, max);
}

export function readAction(value: unknown, path: string, maxChars: number): string {
  if (typeof value !== 'string') throw invalid(path, 'a string', value);
  if (value.length > maxChars)
    throw new EnvServerError('ACTION_TOO_LONG', `${path}: ${value.length} characters, at most ${maxChars} allowed`);
  return value;
}

export function rejectUnknownKeys(object: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(object))
    if (!allowed.includes(key))
      throw new EnvServerError('VALIDATION_ERROR', `${path}.${key}: unknown field (allowed: ${allowed.join(', ')})`);
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EnvServerError('INVALID_JSON', `${path}: invalid JSON (${(err as Error).message})`);
  }
}
