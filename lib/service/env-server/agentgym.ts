// AgentGym's env-server routes (agentenv-alfworld / -textcraft / -babyai shapes, integer
// session ids): POST /create, /reset {id, data_idx}, /step {id, action}, /close {id};
// GET /observation, /available_actions, /detail with ?id=. WebShop's `env_idx` is accepted
// wherever `id` is, and ALFWorld's `game` / WebShop's `session_id` wherever `data_idx` is.
// Replies carry the protocol's fields plus ours (anchor, valid, truncated, data_idx).
import type { EnvServerContext } from './context.js';
import { EnvServerError } from './errors.js';
import { sessionState, type SessionState } from './observation.js';
import { MAX_TASK, readAction, readInteger, readObject, readOptionalInteger, type JsonObject } from './requests.js';
import type { Session } from './sessions.js';

/** Whether a POST body is addressed to an AgentGym session (it names one). */
export function isAgentGymBody(body: unknown): boolean {
  return body !== null && typeof body === 'object' && ('id' in body || 'env_idx' in body);
}

function sessionOf(ctx: EnvServerContext, source: JsonObject, where: string, fromQuery = false): Session {
  const key = source.id !== undefined ? 'id' : source.env_idx !== undefined ? 'env_idx' : undefined;
  if (!key) throw new EnvServerError('VALIDATION_ERROR', `${where}.id: required (the session id from /create)`);
  return ctx.table.get(readInteger(source[key], `${where}.${key}`, 0, Number.MAX_SAFE_INTEGER, fromQuery));
}

function fields(state: SessionState): JsonObject {
  return {
    observation: state.text,
    reward: state.reward,
    done: state.done || state.truncated,
    available_actions: state.admissibleActions,
    truncated: state.truncated,
    valid: state.valid,
    anchor: state.anchor,
    data_idx: state.task,
  };
}

export function agentGymCreate(ctx: EnvServerContext, body: unknown): JsonObject {
  if (body !== undefined && body !== null && body !== '') readObject(body, 'body');
  const session = ctx.table.open();
  ctx.table.reset(session, 0, 0);
  return { id: session.id, ...fields(sessionState(ctx.table, session)) };
}

export function agentGymReset(ctx: EnvServerContext, body: unknown): JsonObject {
  const request = readObject(body, 'body');
  const session = sessionOf(ctx, request, 'body');
  const key = ['data_idx', 'game', 'session_id'].find((k) => request[k] !== undefined && request[k] !== null) ?? 'data_idx';
  const task = readOptionalInteger(request[key], `body.${key}`, 0, MAX_TASK, 0);
  const member = readOptionalInteger(request.member, 'body.member', 0, MAX_TASK, 0);
  ctx.table.reset(session, task, member);
  return { id: session.id, ...fields(sessionState(ctx.table, session)) };
}

export function agentGymStep(ctx: EnvServerContext, body: unknown): JsonObject {
  const request = readObject(body, 'body');
  const session = sessionOf(ctx, request, 'body');
  const action = readAction(request.action, 'body.action', ctx.maxActionChars);
  ctx.table.step(session, action);
  return fields(sessionState(ctx.table, session));
}

export function agentGymObservation(ctx: EnvServerContext, query: unknown): string {
  return ctx.table.batch.observation(sessionOf(ctx, readObject(query, 'query'), 'query', true).slot);
}

export function agentGymAvailableActions(ctx: EnvServerContext, query: unknown): readonly string[] {
  return sessionState(ctx.table, sessionOf(ctx, readObject(query, 'query'), 'query', true)).admissibleActions;
}

export function agentGymDetail(ctx: EnvServerContext, query: unknown): JsonObject {
  const session = sessionOf(ctx, readObject(query, 'query'), 'query', true);
  const state = sessionState(ctx.table, session);
  return { id: session.id, ...fields(state), member: state.member, step: state.step, deleted: false };
}

export function agentGymClose(ctx: EnvServerContext, body: unknown): boolean {
  const session = sessionOf(ctx, readObject(body, 'body'), 'body');
  return ctx.table.close(session.id);
}
