// Typed errors of the public API. Native code throws TypeError / RangeError with messages
// that name the argument; these classes cover what the library itself checks.

/** An argument or option with a wrong type or value. `path` names it, e.g. `options.gamma`. */
export class GigpoArgumentError extends TypeError {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'GigpoArgumentError';
    this.path = path;
  }
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

/** An optional package that a feature needs is not installed or does not load; `packageName` names it. */
export class GigpoDependencyError extends Error {
  readonly packageName: string;
  constructor(packageName: string, message: string, cause?: unknown) {
    super(cause instanceof Error ? `${message}: ${cause.message}` : message, cause === undefined ? undefined : { cause });
    this.name = 'GigpoDependencyError';
    this.packageName = packageName;
  }
}
