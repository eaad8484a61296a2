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
 * The chunks of one body as they arrive, refused (BodyTooLargeError) as soon as the declared
 * length (content-length) or the bytes received pass `maxBytes`: the caller then stops reading.
 */
export class BodyReader {
  private readonly pieces: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    /** false: count the bytes against the limit but keep none (a redirect's body). */
    private readonly keep = true,
  ) {}

  /** Checks a content-length header before any byte is read. */
  declare(contentLength: number): void {
    if (contentLength > this.maxBytes) throw new BodyTooLargeError(this.maxBytes, contentLength);
  }

  push(chunk: Buffer): void {
    this.total += chunk.byteLength;
    if (this.total > this.maxBytes) throw new BodyTooLargeError(this.maxBytes);
    if (this.keep) this.pieces.push(chunk);
  }

  /** The body as UTF-8 text. */
  text(): string {
    const { pieces } = this;
    if (pieces.length === 1) return pieces[0].toString('utf8');
    return Buffer.concat(pieces, this.keep ? this.total : 0).toString('utf8');
  }
}
