// A counting semaphore with FIFO waiters and abortable acquire. One instance bounds the
// requests in flight of one policy object, across all of its concurrent act() calls.
import { abortError, onAbort } from './abort.js';

export class Semaphore {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  /** Resolves with a release function once a slot is free; rejects with AbortError if `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        unsubscribe?.();
        resolve(this.releaser());
      };
      const unsubscribe = signal
        ? onAbort(signal, () => {
            const i = this.waiters.indexOf(grant);
            if (i >= 0) this.waiters.splice(i, 1);
            reject(abortError(signal));
          })
        : undefined;
      this.waiters.push(grant);
    });
  }

  /** Slots currently held. */
  get inUse(): number {
    return this.capacity - this.free;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return; // releasing twice must not mint an extra slot
      released = true;
      const next = this.waiters.shift();
      if (next)
        next(); // hand the slot over directly: free stays unchanged
      else this.free++;
    };
  }
}
