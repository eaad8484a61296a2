// Parsing of CLI flag values; errors are UsageErrors (exit code 2).
import type { EnvOptions } from '../envs/env-batch.js';

/** The command stopped on a signal; the process exits 128 + the signal's number. */
export class InterruptedError extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
  ) {
    super(message);
    this.name = 'InterruptedError';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseInteger(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new UsageError(`${flag}: expected an integer in [${min}, ${max}], got '${value}'`);
    return n;
  };
}

export function parseNumber(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new UsageError(`${flag}: expected a number in [${min}, ${max}], got '${value}'`);
    return n;
  };
}

/** Collects repeated `--option key=value` flags; values become numbers or booleans when they look like one. */
export function collectOption(value: string, previous: EnvOptions = {}): EnvOptions {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`--option: expected key=value, got '${value}'`);
  const key = value.slice(0, eq);
  const text = value.slice(eq + 1);
  let parsed: string | number | boolean = text;
  if (text === 'true' || text === 'false') parsed = text === 'true';
  else if (text.trim() !== '' && Number.isFinite(Number(text))) parsed = Number(text);
  return { ...previous, [key]: parsed };
}
