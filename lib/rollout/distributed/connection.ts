// One Redis connection of a distributed rollout, made to live through outages: ioredis
// reconnects with backoff and commands wait for it (no per-request retry limit), an outage
// is reported once (`redis at URL is unreachable`) and its end once, and with a bound the
// connection gives up after that long unreachable: every command waiting then, and every
// later one, fails with RedisUnreachableError.
import { Redis } from 'ioredis';

/** Redis could not be reached (at all, or again within the bound). */
export class RedisUnreachableError extends Error {
  constructor(
    readonly url: string,
    detail?: string,
  ) {
    super(`redis at ${url} is unreachable${detail ? ` (${detail})` : ''}`);
    this.name = 'RedisUnreachableError';
  }
}

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

export interface ConnectionOptions {
  /** Give up after Redis has been unreachable this long (ms); default: never (keep reconnecting). */
  unreachableTimeoutMs?: number;
  /** Outage and recovery messages, once each per outage. */
  onStatus?: (message: string) => void;
  /** Called when the connection is back after an outage (state may have been lost in a Redis restart). */
  onReconnect?: () => void;
  /** Client name shown by CLIENT LIST (e.g. the worker's consumer name). */
  name?: string;
}

/** Reconnect delays: 100 ms doubling to 2 s. */
const retryDelayMs = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000);

export class RedisConnection {
  readonly redis: Redis;
  readonly url: string;
  private downSince: number | undefined;
  private failure: RedisUnreachableError | undefined;
  private wasReady = false;
  private reported = false;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly failed: Promise<never>;
  private fail!: (err: RedisUnreachableError) => void;

  constructor(
    url: string,
    private readonly options: ConnectionOptions = {},
  ) {
    this.url = displayUrl(url);
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined);
    this.redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: retryDelayMs, connectionName: options.name });
    this.downSince = performance.now(); // until the first 'ready'
    this.redis.on('error', (err: NodeJS.ErrnoException) => this.down(err.code ?? err.message));
    this.redis.on('close', () => this.down());
    this.redis.on('ready', () => this.up());
    const bound = options.unreachableTimeoutMs;
    if (bound !== undefined) {
      this.watchdog = setInterval(
        () => {
          if (this.downSince !== undefined && performance.now() - this.downSince > bound)
            this.giveUp(`for ${+(bound / 1000).toFixed(1)} s`);
        },
        Math.min(250, bound),
      );
      this.watchdog.unref();
    }
  }

  /** The connection has given up (unreachableTimeoutMs passed). */
  get gaveUp(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Runs a command; while Redis is unreachable it waits (ioredis queues it), and fails
   * with RedisUnreachableError once the connection gives up.
   */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.failure) throw this.failure;
    try {
      return await Promise.race([command(this.redis), this.failed]);
    } catch (err) {
      throw this.failure ?? err;
    }
  }

  /** Waits until the connection is ready (or has given up). */
  async ready(): Promise<void> {
    await this.run((r) => r.ping());
  }

  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.redis.removeAllListeners();
    this.redis.on('error', () => undefined); // late socket errors of a closed connection are of no interest
    this.redis.disconnect();
  }

  private down(reason?: string): void {
    if (this.failure) return;
    this.downSince ??= performance.now();
    if (!this.reported && reason !== undefined) {
      this.reported = true;
      this.options.onStatus?.(`redis at ${this.url} is unreachable (${reason}); reconnecting`);
    }
  }

  private up(): void {
    if (this.reported) this.options.onStatus?.(`redis at ${this.url} is reachable again`);
    const outage = this.wasReady;
    this.downSince = undefined;
    this.reported = false;
    this.wasReady = true;
    if (outage) this.options.onReconnect?.();
  }

  private giveUp(detail: string): void {
    this.failure = new RedisUnreachableError(this.url, detail);
    this.fail(this.failure);
    this.close();
  }
}
