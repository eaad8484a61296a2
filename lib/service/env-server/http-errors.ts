// One JSON error body for every HTTP route of both protocols: AgentGym clients read
// `error`, FastAPI-style (OpenEnv) clients read `detail`; `code` names the kind.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { EnvServerError, type EnvServerErrorCode } from './errors.js';

const FASTIFY_CODES: Record<string, EnvServerErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_ERROR',
};

export function toEnvServerError(err: unknown): EnvServerError {
  if (err instanceof EnvServerError) return err;
  const f = err as Partial<FastifyError>;
  const code = f.code ? FASTIFY_CODES[f.code] : undefined;
  if (code) return new EnvServerError(code, `request body: ${f.message ?? code}`);
  // A JSON syntax error from the body parser carries status 400 but no code of its own.
  if (f.statusCode === 400 || err instanceof SyntaxError)
    return new EnvServerError('INVALID_JSON', `request body: ${f.message ?? 'invalid JSON'}`);
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500)
    return new EnvServerError('VALIDATION_ERROR', `request: ${f.message ?? 'rejected'}`);
  return new EnvServerError('EXECUTION_ERROR', err instanceof Error ? err.message : String(err));
}

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toEnvServerError(err);
  return reply.code(e.status).send({ error: e.message, detail: e.message, code: e.code });
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, new EnvServerError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
