// What the policy did during one rollout: requests, failures, retries, latency per request,
// tokens, and the time at least one request was in flight (the server was kept busy).
import { PolicyRequestError } from '../policy/request-error.js';
import type { PolicyResponse } from '../policy/types.js';

export class PolicyStats {
  requests = 0;
  failedRequests = 0;
  retries = 0;
  tokensIn = 0;
  tokensOut = 0;
  /** Latency of every policy call, in milliseconds. */
  readonly latenciesMs: number[] = [];
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;

  /** A policy call starts: counted in flight; returns its start time for end(). */
  begin(): number {
    const t0 = performance.now();
    if (this.inFlight++ === 0) this.busySince = t0;
    return t0;
  }

  /** The call begin() started ended (answered or failed). */
  end(t0: number): void {
    const t1 = performance.now();
    this.latenciesMs.push(t1 - t0);
    if (--this.inFlight === 0) this.busyMs += t1 - this.busySince;
  }

  /** A call that answered. */
  answered(response: PolicyResponse): void {
    this.requests++;
    this.retries += Math.max(0, (response.attempts ?? 1) - 1);
    this.tokensIn += response.usage?.promptTokens ?? response.promptIds?.length ?? 0;
    this.tokensOut += response.usage?.completionTokens ?? response.responseIds?.length ?? 0;
  }

  /** A call that failed for good. */
  failed(err: unknown): void {
    this.requests++;
    this.failedRequests++;
    if (err instanceof PolicyRequestError) this.retries += Math.max(0, err.attempts - 1);
  }

  /** Milliseconds with at least one request in flight. */
  get serverBusyMs(): number {
    return this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }
}
