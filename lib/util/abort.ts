// Cancellation helpers shared by the HTTP policy and remote envs: AbortError values and abortable sleeps.

/** The error act() rejects with when its signal fires: the signal's own reason if that is
 *  already an AbortError, else a DOMException named 'AbortError' that quotes the reason. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const why = reason === undefined ? '' : `: ${reason instanceof Error ? reason.message : String(reason)}`;
  return new DOMException(`openai policy: aborted${why}`, 'AbortError');
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

// Subscribers per signal, behind one real listener. Every request of a rollout waits on the same
// signal (in the semaphore, in fetch, in a backoff); one listener each would pile hundreds onto it
// and Node warns past ten (MaxListenersExceededWarning).
const subscribers = new WeakMap<AbortSignal, { fns: Set<() => void>; listener: () => void }>();

/** Calls `fn` once when `signal` fires (not if it already has). Returns the unsubscribe function. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let entry = subscribers.get(signal);
  if (!entry) {
    const fns = new Set<() => void>();
    const listener = (): void => {
      subscribers.delete(signal);
      for (const f of [...fns]) f();
    };
    entry = { fns, listener };
    subscribers.set(signal, entry);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { fns, listener } = entry;
  fns.add(fn);
  return () => {
    if (!fns.delete(fn) || fns.size > 0 || subscribers.get(signal) !== entry) return;
    subscribers.delete(signal); // the last subscriber left: leave the signal as we found it
    signal.removeEventListener('abort', listener);
  };
}

/** Waits `ms`, or rejects with AbortError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const unsubscribe = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(abortError(signal));
        })
      : undefined;
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
  });
}
