// The typed error of remote envs: which env server call failed, how, and whether retrying
// could help. The rollout loop ends the trajectory ('env-error') and drops its group.

/**
 * 'connection': could not connect, or the connection broke; 'timeout': no answer in time;
 * 'http': a non-2xx status; 'server': the server answered with an error body (AgentGym servers
 * send {"error": ...} with HTTP 200); 'protocol': the answer is not what the protocol says
 * (malformed JSON, missing fields); 'time-limit': the episode ran past its time limit.
 */
export type RemoteEnvFailure = 'connection' | 'timeout' | 'http' | 'server' | 'protocol' | 'time-limit';

export class RemoteEnvError extends Error {
  readonly kind: RemoteEnvFailure;
  /** The call, e.g. `POST http://host:8000/step`. */
  readonly call: string;
  /** Attempts made, the first one included. */
  readonly attempts: number;
  /** HTTP status, when there was one. */
  readonly status?: number;
  /** Whether another attempt could succeed (the server did not act on this one). */
  readonly retryable: boolean;

  constructor(
    kind: RemoteEnvFailure,
    call: string,
    message: string,
    o: { attempts?: number; status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`${call}: ${message}${(o.attempts ?? 1) > 1 ? ` (after ${o.attempts} attempts)` : ''}`, { cause: o.cause });
    this.name = 'RemoteEnvError';
    this.kind = kind;
    this.call = call;
    this.attempts = o.attempts ?? 1;
    this.status = o.status;
    this.retryable = o.retryable ?? false;
  }

  withAttempts(attempts: number): RemoteEnvError {
    return new RemoteEnvError(this.kind, this.call, this.message.slice(this.call.length + 2), {
      attempts,
      status: this.status,
      retryable: this.retryable,
      cause: this.cause,
    });
  }
}
