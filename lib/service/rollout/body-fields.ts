// Reading a JSON request body field by field; every failure is a 400 naming the field
// (`groups: expected an integer in [1, 1048576], got 0`).
import { badField } from './http-error.js';

export type JsonObject = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A plain object with only `known` keys (`path` '' is the body itself). */
export function object(value: unknown, path: string, known: readonly string[]): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badField(path || 'body', `expected a JSON object, got ${describe(value)}`);
  for (const key of Object.keys(value))
    if (!known.includes(key)) throw badField(join(path, key), `unknown field (known: ${known.join(', ')})`);
  return value as JsonObject;
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function integer(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw badField(path, `expected an integer in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

export function optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integer(value, path, min, max);
}

export function number(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw badField(path, `expected a number in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw badField(path, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

export function boolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw badField(path, `expected true or false, got ${describe(value)}`);
  return value;
}

/** An http(s) URL without query or fragment. */
export function httpURL(value: unknown, path: string): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash) return value;
    } catch {
      // reported below
    }
  }
  throw badField(path, `expected an http(s) URL like http://127.0.0.1:8000/v1, got ${describe(value)}`);
}
