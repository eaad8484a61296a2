// Every env server call goes through one RemoteCaller: at most `concurrency` in flight, each
// under the per-call timeout (shortened to the episode's deadline), repeated with backoff when
// that is safe: a call that is repeatable (connect, create, reset) after any connection,
// timeout or 5xx failure; any call when the server never acted on it (refused, 429, 503).
import { backoffMs } from '../../util/backoff.js';
import { sleep } from '../../util/abort.js';
import { Semaphore } from '../../util/semaphore.js';
import { RemoteEnvError } from './errors.js';
import type { ResolvedRemoteOptions } from './options.js';

export class RemoteCaller {
  private readonly slots: Semaphore;
  private readonly o: ResolvedRemoteOptions;
  readonly signal?: AbortSignal;
  /** Attempts that were repeated, for the metrics. */
  retries = 0;

  constructor(o: ResolvedRemoteOptions, signal?: AbortSignal) {
    this.o = o;
    this.slots = new Semaphore(o.concurrency);
    this.signal = signal;
  }

  async run<T>(call: string, attempt: (timeoutMs: number) => Promise<T>, repeatable: boolean, deadline = Infinity): Promise<T> {
    for (let n = 0; ; n++) {
      const left = deadline - performance.now();
      if (left <= 0)
        throw new RemoteEnvError('time-limit', call, `the episode's time limit (${this.o.episodeTimeMs} ms) ran out`, { attempts: n + 1 });
      const release = await this.slots.acquire(this.signal);
      try {
        return await attempt(Math.max(1, Math.min(this.o.timeoutMs, left)));
      } catch (err) {
        if (!(err instanceof RemoteEnvError)) throw err;
        const again =
          err.retryable ||
          (repeatable && (err.kind === 'connection' || err.kind === 'timeout' || (err.kind === 'http' && (err.status ?? 0) >= 500)));
        if (!again || n >= this.o.retries) throw n > 0 ? err.withAttempts(n + 1) : err;
      } finally {
        release();
      }
      this.retries++;
      await sleep(backoffMs(n, this.o.backoffBaseMs, this.o.backoffMaxMs), this.signal);
    }
  }
}
