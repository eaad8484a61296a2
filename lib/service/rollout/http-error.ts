// Errors the rollout service answers with: an HTTP status plus a JSON body that names the
// field at fault, e.g. 400 { error: { field: 'policy.baseURL', message: 'policy.baseURL: ...' } }.
import { GigpoArgumentError, GigpoRangeError } from '../../errors.js';

export type HttpErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'limit'
  | 'gone'
  | 'unavailable'
  | 'upstream'
  | 'timeout'
  | 'internal'
  | 'not_implemented';

const STATUS: Record<HttpErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  gone: 410,
  limit: 429,
  internal: 500,
  not_implemented: 501,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
};

export interface HttpErrorBody {
  error: { status: number; code: HttpErrorCode; message: string; field?: string };
}

export class HttpError extends Error {
  readonly status: number;

  /** `status` overrides the code's usual one (e.g. 413 for a `limit`). */
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly field?: string,
    status?: number,
  ) {
    super(field !== undefined && !message.startsWith(`${field}:`) ? `${field}: ${message}` : message);
    this.name = 'HttpError';
    this.status = status ?? STATUS[code];
  }

  body(): HttpErrorBody {
    const error: HttpErrorBody['error'] = { status: this.status, code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

/** A 400 for a request field. */
export function badField(field: string, message: string): HttpError {
  return new HttpError('bad_request', message, field);
}

/**
 * The library's argument errors become 400s naming the field (with `prefix` in front of
 * the library's own path, e.g. `advantage.`); everything else passes through unchanged.
 */
export function asHttpError(err: unknown, rename?: (path: string) => string): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof GigpoArgumentError || err instanceof TypeError || err instanceof RangeError) {
    const path = err instanceof GigpoArgumentError || err instanceof GigpoRangeError ? err.path : undefined;
    if (path === undefined) return new HttpError('bad_request', err.message);
    const field = rename ? rename(path) : path;
    const rest = err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message;
    return badField(field, rest);
  }
  return err;
}
