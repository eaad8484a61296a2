// Reading an HTTP response body with a size limit: a server that answers with hundreds of
// megabytes (a runaway completion, a misrouted download) is refused at the limit instead of
// being held in memory whole, once per request in flight.

/** The body is longer than the limit; it was not read past the limit. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declared?: number,
  ) {
    super(
      declared !== undefined
        ? `response body of ${declared} bytes (content-length) exceeds maxResponseBytes ${limit}`
        : `response body exceeds maxResponseBytes ${limit}`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The body of `res` as UTF-8 text, refusing (BodyTooLargeError) one whose content-length
 * or actual length passes `maxBytes`; the rest of the body is cancelled, not read.
 */
export async function readBodyText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes, declared);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    pieces.push(value);
  }
  return Buffer.concat(pieces, total).toString('utf8');
}
