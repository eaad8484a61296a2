// One Redis connection of a distributed rollout, made to live through outages: ioredis
// reconnects with backoff and commands wait for it (no per-request retry limit), an outage
// is reported once (`redis at URL is unreachable`) and its end once, and with a bound the
// connection gives up after that long unreachable: every command waiting then, and every
// later one, fails with RedisUnreachableError.
//
// Commands run at least once. ioredis sends a command again when the connection dropped
// before its reply, but aborts the rest of a pipeline or transaction whose first replies
// had arrived (it cannot tell what ran); run() then runs the whole command again once Redis
// is back, and pipeline() the commands that lost their replies. Every command of the
// distributed protocol is safe to repeat: results and jobs are deduplicated by job id (a
// job sent twice may run twice), the rest are idempotent.
import { Redis, type ChainableCommander } from 'ioredis';

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

/** ioredis's error for a pipeline or transaction command it dropped when the connection closed under it. */
function lostReplies(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError' && err.message === 'Command aborted due to connection close';
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
   * with RedisUnreachableError once the connection gives up. A command whose replies a
   * dropped connection cut short is run again (so `command` must be safe to repeat, and
   * build its pipeline or transaction anew each time).
   */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    for (;;) {
      if (this.failure) throw this.failure;
      try {
        return await Promise.race([command(this.redis), this.failed]);
      } catch (err) {
        if (this.failure) throw this.failure;
        if (!lostReplies(err)) throw err;
      }
    }
  }

  /**
   * Runs commands as one pipeline and returns their replies in order. Commands whose
   * replies a dropped connection lost are sent again, in a new pipeline, until every one
   * has replied; an error reply throws.
   */
  async pipeline(commands: ((p: ChainableCommander) => unknown)[]): Promise<unknown[]> {
    const replies = new Array<unknown>(commands.length);
    let left = commands.map((_, i) => i);
    while (left.length > 0) {
      const sent = left;
      const answers = await this.run((r) => {
        const p = r.pipeline();
        for (const i of sent) commands[i](p);
        return p.exec();
      });
      left = [];
      sent.forEach((i, k) => {
        const answer = answers?.[k];
        if (!answer || lostReplies(answer[0])) left.push(i);
        else if (answer[0]) throw answer[0];
        else replies[i] = answer[1];
      });
    }
    return replies;
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
