// Retry delays: exponential backoff with full jitter, and the server's Retry-After header.

/**
 * Delay before retry number `retry` (0 = the first retry): uniform in [0, min(maxMs, baseMs * 2^retry)].
 * Full jitter spreads the retries of many clients that failed together (a server restart) instead of
 * letting them return in lockstep.
 */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(retry, 52));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as milliseconds from `nowMs`: delay-seconds ("120") or an HTTP date. Null when absent
 * or unreadable, so the caller falls back to its own backoff. Never negative.
 */
export function retryAfterMs(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
