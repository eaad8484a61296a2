// Keeps up to `limit` asynchronous results in flight and handles them in the order they
// were started, so output order never depends on which worker finishes first.
export class InOrder<T> {
  private readonly queue: Promise<T>[] = [];

  constructor(
    private readonly limit: number,
    private readonly handle: (value: T) => Promise<void> | void,
  ) {}

  /** Starts tracking `result`; waits while `limit` results are in flight. */
  async push(result: Promise<T>): Promise<void> {
    result.catch(() => {}); // rejections surface when their turn comes, not as unhandled
    this.queue.push(result);
    while (this.queue.length >= this.limit) await this.handle(await this.queue.shift()!);
  }

  /** Handles everything still in flight. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.handle(await this.queue.shift()!);
  }

  /** After a failure: waits for what is in flight, ignoring its results. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.queue.splice(0));
  }
}
