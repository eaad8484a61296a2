// What the env servers answer when a request is wrong: a code (OpenEnv's WSErrorCode names
// where OpenEnv has one), the HTTP status it maps to, and a message naming the problem.

const STATUS = {
  INVALID_JSON: 400,
  UNKNOWN_TYPE: 400,
  VALIDATION_ERROR: 422,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_SESSION: 404,
  SESSION_EXPIRED: 410,
  EPISODE_NOT_STARTED: 409,
  EPISODE_DONE: 409,
  PAYLOAD_TOO_LARGE: 413,
  ACTION_TOO_LONG: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CAPACITY_REACHED: 429,
  EXECUTION_ERROR: 500,
} as const;

export type EnvServerErrorCode = keyof typeof STATUS;

export class EnvServerError extends Error {
  readonly code: EnvServerErrorCode;
  readonly status: number;
  constructor(code: EnvServerErrorCode, message: string) {
    super(message);
    this.name = 'EnvServerError';
    this.code = code;
    this.status = STATUS[code];
  }
}

export function invalid(path: string, expected: string, got: unknown): EnvServerError {
  return new EnvServerError('VALIDATION_ERROR', `${path}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
