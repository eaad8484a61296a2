// startEnvServer: one native env served over OpenEnv (HTTP + WebSocket /ws) and AgentGym
// (HTTP) at once. The two protocols share /reset and /step; a body that names a session
// (`id` / `env_idx`) is AgentGym's, any other OpenEnv's.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';

import { createEnvBatch, type EnvOptions } from '../../envs/env-batch.js';
import { envInfo } from '../../envs/registry.js';
import { GigpoArgumentError } from '../../errors.js';
import { packageRoot } from '../../native.js';
import {
  agentGymAvailableActions,
  agentGymClose,
  agentGymCreate,
  agentGymDetail,
  agentGymObservation,
  agentGymReset,
  agentGymStep,
  isAgentGymBody,
} from './agentgym.js';
import type { EnvServerContext } from './context.js';
import { notFound, sendError } from './http-errors.js';
import { openEnvFreshState, openEnvMetadata, openEnvReset, openEnvSchema, openEnvStep } from './openenv-http.js';
import { OpenEnvSockets } from './openenv-ws.js';
import { SessionTable } from './sessions.js';

const { version } = createRequire(join(packageRoot, 'x.js'))('./package.json') as { version: string };

export interface EnvServerOptions {
  env: string;
  options?: EnvOptions;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port (read it from `port` of the result). */
  port?: number;
  /** Concurrent sessions (native batch slots). Default 256. */
  maxSessions?: number;
  /** A session without requests for this long is closed. Default 300 s. */
  idleTimeoutS?: number;
  /** Base seed: task t starts from the state group t has in a rollout with this seed. Default 0. */
  seed?: number;
  /** Largest request body / WebSocket frame. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Longest action text. Default 16384 characters. */
  maxActionChars?: number;
}

export interface EnvServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly env: string;
  /** Open sessions (WebSocket and AgentGym). */
  sessions(): number;
  close(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw new GigpoArgumentError(name, `expected a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  return value;
}

export async function startEnvServer(o: EnvServerOptions): Promise<EnvServer> {
  if (o === null || typeof o !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  const info = envInfo(o.env);
  if (!info) throw new GigpoArgumentError('env', `unknown environment ${JSON.stringify(o.env)} (see gigpo envs)`);
  const maxSessions = positive('maxSessions', o.maxSessions, 256, true);
  const idleTimeoutS = positive('idleTimeoutS', o.idleTimeoutS, 300, false);
  const maxBodyBytes = positive('maxBodyBytes', o.maxBodyBytes, 1 << 20, true);
  const maxActionChars = positive('maxActionChars', o.maxActionChars, 16384, true);
  if (o.seed !== undefined && (!Number.isSafeInteger(o.seed) || o.seed < 0))
    throw new GigpoArgumentError('seed', `expected a non-negative safe integer, got ${String(o.seed)}`);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    throw new GigpoArgumentError('port', `expected an integer in [0, 65535], got ${String(o.port)}`);

  const batch = createEnvBatch({ env: o.env, numEnvs: maxSessions, groupSize: 1, seed: o.seed ?? 0, options: o.options });
  const ctx: EnvServerContext = { table: new SessionTable(batch, idleTimeoutS * 1000), info, maxActionChars };
  const sockets = new OpenEnvSockets(ctx, maxBodyBytes);
  const app = buildRoutes(ctx, maxBodyBytes);
  app.server.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '').split('?')[0] === '/ws') sockets.handleUpgrade(request, socket, head);
    else socket.destroy();
  });
  const sweepMs = Math.min(1000, Math.max(20, (idleTimeoutS * 1000) / 4));
  const sweeper = setInterval(() => sockets.expired(ctx.table.expire()), sweepMs);
  sweeper.unref();

  const host = o.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: o.port ?? 0 });
  } catch (err) {
    clearInterval(sweeper);
    await app.close();
    throw err;
  }
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    env: info.name,
    sessions: () => ctx.table.size,
    close: async () => {
      clearInterval(sweeper);
      await sockets.close();
      await app.close();
      batch.close();
    },
  };
}

function buildRoutes(ctx: EnvServerContext, maxBodyBytes: number): FastifyInstance {
  const app = Fastify({ bodyLimit: maxBodyBytes, logger: false, return503OnClosing: false });
  app.setErrorHandler((err, _request, reply) => sendError(reply, err));
  app.setNotFoundHandler(notFound);
  // Both protocols
  app.post('/reset', async (r) => (isAgentGymBody(r.body) ? agentGymReset(ctx, r.body) : openEnvReset(ctx, r.body)));
  app.post('/step', async (r) => (isAgentGymBody(r.body) ? agentGymStep(ctx, r.body) : openEnvStep(ctx, r.body)));
  // OpenEnv
  app.get('/state', async () => openEnvFreshState(ctx));
  app.get('/schema', async () => openEnvSchema());
  app.get('/health', async () => ({ status: 'healthy' }));
  app.get('/metadata', async () => openEnvMetadata(ctx, version));
  // AgentGym
  app.get('/', async () => `This is environment ${ctx.info.name} (gigpo serve-env).`);
  app.post('/create', async (r) => agentGymCreate(ctx, r.body));
  app.get('/observation', async (r, reply) => reply.type('application/json').send(JSON.stringify(agentGymObservation(ctx, r.query))));
  app.get('/available_actions', async (r) => agentGymAvailableActions(ctx, r.query));
  app.get('/detail', async (r) => agentGymDetail(ctx, r.query));
  app.post('/close', async (r) => agentGymClose(ctx, r.body));
  return app;
}
