// The error an HTTP policy rejects with when one request fails for good (retries spent, or an
// error that retrying cannot fix). It names the step the request was for.

/**
 * Why the last attempt failed. 'context-length': the server refused the prompt as longer than the
 * model's context (HTTP 400 "maximum context length"); the engine ends that trajectory as truncated.
 * 'too-large': the response body passed maxResponseBytes (not retried).
 */
export type PolicyFailureKind = 'http' | 'timeout' | 'network' | 'malformed' | 'context-length' | 'too-large';

export interface PolicyRequestId {
  group: number;
  traj: number;
  step: number;
}

export class PolicyRequestError extends Error {
  /** The step whose request failed. */
  readonly request: PolicyRequestId;
  /** Attempts made, the first one included. */
  readonly attempts: number;
  readonly kind: PolicyFailureKind;
  /** HTTP status of the last attempt, when it got one. */
  readonly status?: number;

  constructor(
    policy: string,
    request: PolicyRequestId,
    attempts: number,
    failure: { kind: PolicyFailureKind; detail: string; status?: number; cause?: unknown },
  ) {
    const { group, traj, step } = request;
    super(
      `${policy}: request for group ${group}, traj ${traj}, step ${step} failed after ${attempts} ` +
        `attempt${attempts === 1 ? '' : 's'}: ${failure.detail}`,
      failure.cause === undefined ? undefined : { cause: failure.cause },
    );
    this.name = 'PolicyRequestError';
    this.request = { group, traj, step };
    this.attempts = attempts;
    this.kind = failure.kind;
    if (failure.status !== undefined) this.status = failure.status;
  }
}
