// Typed errors of the public API. Native code throws TypeError / RangeError with messages
// that name the argument; these classes cover what the library itself checks.

/** An argument or option of the wrong type or shape. `path` names it, e.g. `options.gamma`. */
export class GigpoArgumentError extends TypeError {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'GigpoArgumentError';
    this.path = path;
  }
}

/**
 * An argument or option of the right type whose value is out of range (a number outside
 * its interval, a seed beyond 2^64): a RangeError, as the native code throws for env
 * options. `path` names it.
 */
export class GigpoRangeError extends RangeError {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'GigpoRangeError';
    this.path = path;
  }
}

/** GigpoRangeError when `value` is a number (or bigint) that failed its range check, else GigpoArgumentError. */
export function valueError(path: string, value: unknown, message: string): GigpoArgumentError | GigpoRangeError {
  const numeric = (typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'bigint';
  return numeric ? new GigpoRangeError(path, message) : new GigpoArgumentError(path, message);
}

/** Input data that is malformed; `source` names where (file:line, chunk, row). */
export class GigpoInputError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'GigpoInputError';
    this.source = source;
  }
}

/**
 * `err` as a GigpoInputError naming `source` when it is a native RangeError about the data
 * (bad data the readers let through); any other error unchanged.
 */
export function asInputError(err: unknown, source: string): unknown {
  return err instanceof RangeError && !(err instanceof GigpoArgumentError) && !(err instanceof GigpoRangeError)
    ? new GigpoInputError(source, err.message)
    : err;
}

/** An optional package that a feature needs is not installed or does not load; `packageName` names it. */
export class GigpoDependencyError extends Error {
  readonly packageName: string;
  constructor(packageName: string, message: string, cause?: unknown) {
    super(cause instanceof Error ? `${message}: ${cause.message}` : message, cause === undefined ? undefined : { cause });
    this.name = 'GigpoDependencyError';
    this.packageName = packageName;
  }
}
