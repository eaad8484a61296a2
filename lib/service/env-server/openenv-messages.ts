// OpenEnv's shapes (openenv.core.env_server.types): reset data {seed, episode_id}, step data
// = the action {message, metadata}, replies {observation, reward, done} where the
// observation holds our text and, in its metadata, the anchor, admissible actions, validity
// and the group seed. WebSocket frames are {type, data}; errors {type: "error", data:
// {message, code}}.
import type { EnvServerContext } from './context.js';
import { EnvServerError } from './errors.js';
import { sessionState, type SessionState } from './observation.js';
import { MAX_TASK, readAction, readObject, readOptionalInteger, rejectUnknownKeys, type JsonObject } from './requests.js';
import type { Session } from './sessions.js';

export interface OpenEnvResult {
  observation: { text: string; metadata: Record<string, unknown> };
  reward: number | null;
  done: boolean;
}

export function openEnvResult(state: SessionState, afterReset: boolean): OpenEnvResult {
  return {
    observation: {
      text: state.text,
      metadata: {
        anchor: state.anchor,
        admissible_actions: state.admissibleActions,
        valid: state.valid,
        truncated: state.truncated,
        group_seed: state.task,
        member: state.member,
        step: state.step,
      },
    },
    reward: afterReset ? null : state.reward,
    // OpenEnv has one end-of-episode flag; metadata.truncated tells a step limit apart.
    done: state.done || state.truncated,
  };
}

export function openEnvState(ctx: EnvServerContext, session: Session): JsonObject {
  const state = session.task < 0 ? undefined : sessionState(ctx.table, session);
  return {
    episode_id: session.episodeId,
    step_count: state?.step ?? 0,
    env: ctx.info.name,
    group_seed: session.task < 0 ? null : session.task,
    member: session.member,
    anchor: state?.anchor ?? null,
    done: session.ended,
  };
}

/** Reset parameters (extra fields are allowed, as in OpenEnv's ResetRequest). */
export function resetOpenEnv(ctx: EnvServerContext, session: Session, data: unknown, path: string): OpenEnvResult {
  const params = data === undefined || data === null ? {} : readObject(data, path);
  const seed = readOptionalInteger(params.seed, `${path}.seed`, 0, MAX_TASK, 0);
  const member = readOptionalInteger(params.member, `${path}.member`, 0, MAX_TASK, 0);
  const episodeId = params.episode_id;
  if (episodeId !== undefined && episodeId !== null && (typeof episodeId !== 'string' || episodeId.length > 255))
    throw new EnvServerError('VALIDATION_ERROR', `${path}.episode_id: expected a string of at most 255 characters`);
  ctx.table.reset(session, seed, member, (episodeId as string | undefined) ?? null);
  return openEnvResult(sessionState(ctx.table, session), true);
}

/** The action object: {message} plus optional metadata; other fields are refused (extra="forbid"). */
export function stepOpenEnv(ctx: EnvServerContext, session: Session, action: unknown, path: string): OpenEnvResult {
  const object = readObject(action, path);
  rejectUnknownKeys(object, ['message', 'metadata'], path);
  if (object.metadata !== undefined) readObject(object.metadata, `${path}.metadata`);
  const text = readAction(object.message, `${path}.message`, ctx.maxActionChars);
  ctx.table.step(session, text);
  return openEnvResult(sessionState(ctx.table, session), false);
}

/** One WebSocket frame in, one reply out; `close` returns null (the caller ends the socket). */
export function handleOpenEnvFrame(ctx: EnvServerContext, session: Session, frame: unknown): JsonObject | null {
  const message = readObject(frame, 'message');
  const type = message.type;
  switch (type) {
    case 'reset':
      rejectUnknownKeys(message, ['type', 'data'], 'message');
      return { type: 'observation', data: resetOpenEnv(ctx, session, message.data, 'message.data') };
    case 'step':
      rejectUnknownKeys(message, ['type', 'data'], 'message');
      if (message.data === undefined) throw new EnvServerError('VALIDATION_ERROR', 'message.data: a step needs the action');
      return { type: 'observation', data: stepOpenEnv(ctx, session, message.data, 'message.data') };
    case 'state':
      rejectUnknownKeys(message, ['type'], 'message');
      return { type: 'state', data: openEnvState(ctx, session) };
    case 'close':
      rejectUnknownKeys(message, ['type'], 'message');
      return null;
    default:
      throw new EnvServerError(
        'UNKNOWN_TYPE',
        `message.type: unknown message type ${JSON.stringify(type) ?? 'undefined'} (expected reset, step, state or close)`,
      );
  }
}

export function openEnvErrorFrame(err: EnvServerError): JsonObject {
  return { type: 'error', data: { message: err.message, code: err.code } };
}
