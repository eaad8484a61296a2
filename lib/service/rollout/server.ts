// `gigpo serve`: the HTTP face of the rollout service (fastify). Routes:
//   GET    /health
//   POST   /v1/rollouts                  scored chunks streamed as groups finish, then a summary
//   POST   /v1/streams                   start a continuous producer -> { id, ... }
//   GET    /v1/streams                   every stream's state
//   GET    /v1/streams/:id               its state and counters
//   GET    /v1/streams/:id/batch?rows=R  the next batch (one chunk) of >= R rows
//   POST   /v1/streams/:id/policy        { version, baseURL? }: new weights
//   GET    /v1/streams/:id/tasks         per-task statistics (curation)
//   DELETE /v1/streams/:id
// Errors are JSON { error: { status, code, message, field? } }; see docs/SERVICE.md.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../../native.js';
import { encodeSummary, ERROR_FORMAT } from './summary.js';
import { integer, object, httpURL, optionalInteger } from './body-fields.js';
import type { GroupRunner } from './group-runner.js';
import { asHttpError, HttpError } from './http-error.js';
import { DEFAULT_LIMITS, type ServiceLimits } from './limits.js';
import { LlamaModels } from './llama-models.js';
import { llamaOptions, type PolicySpec } from './policy-spec.js';
import { parseRolloutRequest } from './rollout-request.js';
import { runRollout } from './rollout-run.js';
import { parseStreamRequest } from './stream-request.js';
import { StreamRegistry } from './streams.js';

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

export const MSGPACK_TYPE = 'application/x-msgpack';

export interface RolloutServerOptions {
  runner: GroupRunner;
  host?: string;
  /** 0: any free port. */
  port?: number;
  limits?: Partial<ServiceLimits>;
  /** Extra fields of GET /health (e.g. the transport). */
  describe?: Record<string, unknown>;
}

export class RolloutServer {
  readonly app: FastifyInstance;
  readonly limits: ServiceLimits;
  readonly streams: StreamRegistry;
  /** The GGUF models llama requests run, each loaded once. */
  readonly llama = new LlamaModels();
  private readonly rollouts = new Set<AbortController>();
  private readonly finished = new Set<Promise<void>>();
  private closing = false;
  private readonly started = Date.now();

  private constructor(private readonly options: RolloutServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.streams = new StreamRegistry(options.runner, this.limits.maxStreams);
    this.app = Fastify({ bodyLimit: this.limits.maxBodyBytes, logger: false, forceCloseConnections: 'idle' });
    this.routes();
  }

  static async start(options: RolloutServerOptions): Promise<RolloutServer> {
    const server = new RolloutServer(options);
    await server.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    return server;
  }

  /** http://host:port of the listening server. */
  get url(): string {
    const address = this.app.server.address();
    if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * Graceful stop: refuse new requests (503), end running rollouts after the chunk being
   * written (their summary says cancelled: 'shutdown'), stop the streams, then close.
   */
  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const c of this.rollouts) c.abort('shutdown');
    // The runner is closed only once no job is running on it.
    await Promise.allSettled([this.streams.stopAll('the server is shutting down'), ...this.finished]);
    // Every answer has been written by now; a connection a client keeps open (keep-alive
    // mid-request, or never read to its end) is closed after a grace period.
    const force = setTimeout(() => this.app.server.closeAllConnections(), 1000);
    await this.app.close();
    clearTimeout(force);
    await this.options.runner.close();
    await this.llama.close();
  }

  /** A llama spec gets the shared model, loaded now: a missing package or a bad file is this request's 4xx/501. */
  private async attachModel(policy: PolicySpec): Promise<void> {
    if (policy.kind === 'llama') policy.model = await this.llama.get(llamaOptions(policy.fields));
  }

  private routes(): void {
    const app = this.app;
    app.addHook('onRequest', async () => {
      if (this.closing) throw new HttpError('unavailable', 'the server is shutting down');
    });
    app.setErrorHandler((err, _request, reply) => {
      const e = toHttpError(err);
      void reply.code(e.status).type('application/json').send(e.body());
    });
    app.setNotFoundHandler((request, reply) => {
      const e = new HttpError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
      void reply.code(404).send(e.body());
    });

    app.get('/health', async () => ({
      status: 'ok',
      version,
      uptimeSeconds: (Date.now() - this.started) / 1000,
      streams: this.streams.size,
      rollouts: this.rollouts.size,
      limits: this.limits,
      llamaModels: this.llama.size,
      ...this.options.describe,
    }));

    app.post('/v1/rollouts', (request, reply) => this.rollout(request, reply));

    app.post('/v1/streams', async (request, reply) => {
      const spec = parseStreamRequest(request.body, this.limits);
      await this.attachModel(spec.policy);
      const stream = this.streams.create(spec);
      return reply.code(201).send(stream.info());
    });
    app.get('/v1/streams', async () => ({ streams: this.streams.list().map((s) => s.info()) }));
    app.get<{ Params: { id: string } }>('/v1/streams/:id', async (request) => this.streams.get(request.params.id).info());
    app.get<{ Params: { id: string } }>('/v1/streams/:id/tasks', async (request) => this.streams.get(request.params.id).tasks());
    app.delete<{ Params: { id: string } }>('/v1/streams/:id', async (request) => ({
      deleted: true,
      ...this.streams.delete(request.params.id).info(),
    }));
    app.post<{ Params: { id: string } }>('/v1/streams/:id/policy', async (request) => {
      const stream = this.streams.get(request.params.id);
      const body = object(request.body, '', ['version', 'baseURL']);
      const v = integer(body.version, 'version', 0, 2 ** 32 - 1);
      return stream.setPolicy(v, body.baseURL === undefined ? undefined : httpURL(body.baseURL, 'baseURL'));
    });
    app.get<{ Params: { id: string }; Querystring: Record<string, string> }>('/v1/streams/:id/batch', async (request, reply) => {
      const stream = this.streams.get(request.params.id);
      object(request.query, 'query', ['rows', 'timeoutMs']);
      const rows = integer(numeric(request.query.rows), 'rows', 1, this.limits.maxBatchRows);
      const timeoutMs = optionalInteger(numeric(request.query.timeoutMs), 'timeoutMs', 1, 2 ** 31 - 1);
      const controller = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => controller.abort(new HttpError('timeout', `no batch of ${rows} rows within ${timeoutMs} ms`, 'timeoutMs')),
              timeoutMs,
            );
      try {
        const bytes = await stream.batch(rows, controller.signal);
        return reply.type(MSGPACK_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async rollout(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const spec = parseRolloutRequest(request.body, this.limits);
    if (this.rollouts.size >= this.limits.maxRollouts)
      throw new HttpError('limit', `${this.rollouts.size} rollouts are running, the server's limit (--max-rollouts)`);
    await this.attachModel(spec.policy);
    if (this.closing) throw new HttpError('unavailable', 'the server is shutting down');
    const controller = new AbortController();
    this.rollouts.add(controller);
    const res = reply.hijack().raw;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.finished.add(done);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort('client');
    });
    res.writeHead(200, { 'content-type': MSGPACK_TYPE, 'cache-control': 'no-store' });
    const sink = (bytes: Uint8Array): Promise<void> =>
      new Promise((resolve, reject) => {
        if (res.destroyed) return reject(new Error('client gone'));
        if (res.write(bytes)) return resolve();
        const onDrain = () => {
          res.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          res.off('drain', onDrain);
          reject(new Error('client gone'));
        };
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
    try {
      const summary = await runRollout(spec, this.options.runner, sink, controller.signal);
      if (!res.destroyed) res.end(encodeSummary(summary));
    } catch (err) {
      // Headers are out: the error travels as the stream's last value.
      if (!res.destroyed) res.end(encodeSummary({ format: ERROR_FORMAT, ...toHttpError(err).body() }));
    } finally {
      this.rollouts.delete(controller);
      this.finished.delete(done);
      finish();
    }
  }
}

function numeric(value: string | undefined): unknown {
  return value === undefined ? undefined : /^-?\d+$/.test(value) ? Number(value) : value;
}

function toHttpError(err: unknown): HttpError {
  const e = err as { statusCode?: number; message?: string };
  if (!(err instanceof HttpError) && e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    // fastify's own: a body that is not JSON, too large, or of another media type.
    return new HttpError(e.statusCode === 413 ? 'limit' : 'bad_request', e.message ?? 'bad request', 'body', e.statusCode);
  const mapped = asHttpError(err);
  return mapped instanceof HttpError ? mapped : new HttpError('internal', (err as Error)?.message ?? String(err));
}
